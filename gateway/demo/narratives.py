"""What reporters write: Indonesian title and content templates per category.

Placeholders: {lokasi} "Desa X, Kecamatan Y", {tempat} "Desa X", {kec} a kecamatan
name, {jalan} a street, {regency} "Kabupaten Z", {sekolah}, {puskesmas}, {rs},
{durasi}, {nominal} (rupiah without the "Rp"), {tahun}, {topic}, {subject}.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LeafText:
    """The words for one leaf category."""

    subject: str  # Title Case phrase for titles: "Jalan Rusak"
    topic: str  # lowercase phrase for sentences: "kerusakan jalan"
    complaints: tuple[tuple[str, str], ...]  # (title, body) of a pengaduan
    tags: tuple[str, ...]


LEAVES: dict[str, LeafText] = {
    "pendidikan.spmb": LeafText(
        "Penerimaan Murid Baru",
        "penerimaan murid baru (SPMB)",
        (
            (
                "Dugaan Kecurangan Jalur Domisili SPMB di {sekolah}",
                "Dalam SPMB tahun ini anak kami yang rumahnya hanya sekitar 500 meter "
                "dari {sekolah} tidak diterima melalui jalur domisili, sedangkan ada "
                "calon murid dari luar Kecamatan {kec} yang diterima. Kami menduga "
                "ada manipulasi data domisili pada Kartu Keluarga.",
            ),
            (
                "Situs Pendaftaran SPMB Tidak Bisa Diakses",
                "Situs pendaftaran SPMB {regency} tidak bisa diakses sejak hari "
                "pertama pendaftaran. Kami sudah mencoba dari pagi hingga malam "
                "tetapi halaman selalu gagal dimuat. Batas waktu tinggal beberapa "
                "hari dan banyak orang tua di {lokasi} mengalami hal yang sama.",
            ),
            (
                "Biaya Pendaftaran Murid Baru di {sekolah}",
                "Saat mendaftarkan anak di {sekolah}, kami diminta membayar uang "
                "pendaftaran dan seragam sebesar Rp{nominal}. Setahu kami pendaftaran "
                "murid baru di sekolah negeri tidak dipungut biaya.",
            ),
        ),
        ("spmb", "sekolah", "zonasi"),
    ),
    "pendidikan.pungutan": LeafText(
        "Pungutan di Sekolah",
        "pungutan di sekolah",
        (
            (
                "Pungutan Uang Komite di {sekolah}",
                "Pihak {sekolah} di {lokasi} mewajibkan setiap wali murid membayar "
                "uang komite Rp{nominal} per bulan. Bagi keluarga kurang mampu hal "
                "ini sangat memberatkan, dan murid yang belum membayar ditegur di "
                "depan kelas.",
            ),
            (
                "Pungutan Biaya Perpisahan Sekolah",
                "Wali murid kelas akhir di {sekolah} diminta membayar biaya "
                "perpisahan dan wisuda sebesar Rp{nominal}. Pembayaran ini disebut "
                "wajib dan menjadi syarat pengambilan ijazah.",
            ),
            (
                "Ijazah Ditahan karena Tunggakan Biaya",
                "Ijazah anak saya ditahan oleh {sekolah} karena masih ada tunggakan "
                "biaya sekolah. Anak saya membutuhkan ijazah tersebut untuk melamar "
                "pekerjaan.",
            ),
        ),
        ("pungli", "sekolah", "komite sekolah"),
    ),
    "pendidikan.sarana": LeafText(
        "Sarana Sekolah",
        "sarana dan prasarana sekolah",
        (
            (
                "Atap Ruang Kelas {sekolah} Hampir Roboh",
                "Atap dua ruang kelas di {sekolah}, {lokasi} sudah lapuk dan bocor "
                "{durasi}. Saat hujan murid dipindahkan ke ruang guru. Kami khawatir "
                "atap roboh ketika kegiatan belajar berlangsung.",
            ),
            (
                "Murid {sekolah} Kekurangan Meja dan Kursi",
                "Sebagian murid di {sekolah} terpaksa duduk di lantai karena meja dan "
                "kursi rusak dan jumlahnya tidak mencukupi. Hal ini sudah disampaikan "
                "kepada kepala sekolah namun belum ada perbaikan.",
            ),
            (
                "Toilet {sekolah} Tidak Layak Pakai",
                "Toilet murid di {sekolah} tidak ada air dan pintunya rusak {durasi}. "
                "Anak-anak terpaksa pulang ke rumah bila ingin buang air.",
            ),
        ),
        ("sekolah", "gedung rusak"),
    ),
    "pendidikan.pip": LeafText(
        "Dana PIP",
        "pencairan dana Program Indonesia Pintar",
        (
            (
                "Dana PIP Anak Saya Belum Cair",
                "Anak saya terdaftar sebagai penerima Program Indonesia Pintar di "
                "{sekolah}, tetapi dana PIP belum bisa dicairkan di bank {durasi}. "
                "Pihak sekolah hanya meminta kami menunggu tanpa kejelasan.",
            ),
            (
                "Potongan Dana PIP oleh Oknum Sekolah",
                "Dana PIP yang diterima anak kami dipotong oknum di {sekolah} sebesar "
                "Rp{nominal} dengan alasan biaya administrasi. Beberapa wali murid "
                "lain di {lokasi} mengalami hal serupa.",
            ),
        ),
        ("pip", "bantuan pendidikan"),
    ),
    "pendidikan.guru": LeafText(
        "Guru dan Tenaga Kependidikan",
        "kehadiran dan kesejahteraan guru",
        (
            (
                "Guru Sering Tidak Masuk Mengajar di {sekolah}",
                "Di {sekolah} ada guru kelas yang sering tidak hadir mengajar "
                "{durasi}, sehingga murid hanya diberi tugas mencatat. Mohon dinas "
                "pendidikan melakukan pembinaan.",
            ),
            (
                "Honor Guru Honorer Belum Dibayar",
                "Saya guru honorer di {sekolah}. Honor kami belum dibayarkan "
                "{durasi}. Kami mohon kejelasan kapan honor tersebut dibayar.",
            ),
        ),
        ("guru", "honorer"),
    ),
    "kesehatan.puskesmas": LeafText(
        "Pelayanan Puskesmas",
        "pelayanan puskesmas",
        (
            (
                "Pelayanan Lambat di {puskesmas}",
                "Saya berobat ke {puskesmas} pukul 08.00 pagi dan baru dilayani "
                "menjelang siang. Petugas pendaftaran hanya satu orang, sementara "
                "antrean pasien sangat panjang. Beberapa pasien lansia terpaksa "
                "menunggu sambil berdiri.",
            ),
            (
                "Dokter Tidak Ada di {puskesmas}",
                "Ketika kami membawa anak yang demam tinggi ke {puskesmas}, dokter "
                "tidak ada di tempat dan pasien hanya dilayani perawat. Menurut warga "
                "kondisi ini sering terjadi {durasi}.",
            ),
            (
                "Stok Obat Kosong di {puskesmas}",
                "Pasien di {puskesmas} sering diminta membeli obat sendiri di apotek "
                "luar karena stok obat kosong, padahal kami peserta JKN.",
            ),
        ),
        ("puskesmas", "pelayanan kesehatan"),
    ),
    "kesehatan.rumah-sakit": LeafText(
        "Pelayanan Rumah Sakit",
        "pelayanan rumah sakit daerah",
        (
            (
                "Pasien BPJS Ditolak di IGD {rs}",
                "Keluarga kami peserta BPJS Kesehatan ditolak di IGD {rs} dengan "
                "alasan kamar penuh, padahal kondisinya gawat. Kami terpaksa mencari "
                "rumah sakit lain dengan biaya sendiri.",
            ),
            (
                "Antrean Poliklinik {rs} Sangat Lama",
                "Antrean poliklinik di {rs} sangat lama. Kami datang sejak subuh dan "
                "baru diperiksa sore hari. Antrean online juga sering tidak berfungsi.",
            ),
            (
                "Sikap Petugas Jaga {rs} Tidak Ramah",
                "Saat menunggui orang tua yang dirawat di {rs}, kami dibentak petugas "
                "jaga malam ketika meminta bantuan. Kami berharap rumah sakit "
                "memberikan pembinaan kepada petugasnya.",
            ),
        ),
        ("rumah sakit", "bpjs", "igd"),
    ),
    "kesehatan.jkn": LeafText(
        "Kepesertaan JKN",
        "kepesertaan dan layanan JKN",
        (
            (
                "Kepesertaan BPJS PBI Tiba-tiba Nonaktif",
                "Kartu BPJS Kesehatan PBI kami tiba-tiba tidak aktif ketika akan "
                "berobat ke {puskesmas}. Kami tidak pernah mendapat pemberitahuan dan "
                "sekarang harus membayar biaya berobat sendiri.",
            ),
            (
                "Pasien JKN Diminta Membeli Obat Sendiri",
                "Sebagai peserta JKN, ibu saya diminta membayar sejumlah obat setelah "
                "rawat inap di {rs}. Petugas mengatakan obat tersebut tidak "
                "ditanggung BPJS.",
            ),
        ),
        ("bpjs", "jkn", "pbi"),
    ),
    "kesehatan.dbd": LeafText(
        "Demam Berdarah",
        "penanganan demam berdarah",
        (
            (
                "Permohonan Fogging di {tempat}",
                "Dalam sebulan terakhir sudah ada beberapa warga {lokasi} yang "
                "dirawat karena demam berdarah. Kami mohon dilakukan fogging dan "
                "pemeriksaan jentik nyamuk di lingkungan kami.",
            ),
            (
                "Kasus DBD Meningkat di {tempat}",
                "Kasus demam berdarah di {lokasi} terus bertambah, salah satunya anak "
                "usia sekolah. Belum ada petugas kesehatan yang datang melakukan "
                "penyelidikan epidemiologi.",
            ),
        ),
        ("dbd", "fogging"),
    ),
    "kesehatan.posyandu": LeafText(
        "Posyandu dan Stunting",
        "layanan posyandu dan pencegahan stunting",
        (
            (
                "Posyandu di {tempat} Tidak Aktif",
                "Posyandu di {lokasi} sudah tidak aktif {durasi}. Ibu hamil dan "
                "balita tidak lagi mendapat penimbangan maupun makanan tambahan.",
            ),
            (
                "Makanan Tambahan Balita Stunting Tidak Sampai",
                "Balita di {lokasi} yang tercatat stunting belum pernah menerima "
                "paket makanan tambahan, padahal program tersebut kabarnya sudah "
                "berjalan.",
            ),
        ),
        ("posyandu", "stunting", "balita"),
    ),
    "infrastruktur.jalan": LeafText(
        "Jalan Rusak",
        "perbaikan jalan",
        (
            (
                "Jalan Rusak Parah di {jalan}",
                "Ruas {jalan} di {lokasi} rusak parah {durasi}. Lubang besar di "
                "tengah jalan tergenang air saat hujan dan sudah beberapa kali "
                "membuat pengendara sepeda motor terjatuh. Jalan ini akses utama "
                "warga ke pasar dan sekolah.",
            ),
            (
                "Mohon Perbaikan Jalan Menuju {tempat}",
                "Jalan penghubung menuju {lokasi} berlumpur dan tidak bisa dilalui "
                "mobil ketika hujan. Hasil panen karet dan sawit warga terpaksa "
                "diangkut dengan ongkos yang mahal.",
            ),
            (
                "Jalan Baru Diaspal Sudah Rusak Lagi",
                "Perbaikan {jalan} di {lokasi} baru selesai beberapa bulan lalu "
                "tetapi aspalnya sudah mengelupas dan berlubang lagi. Kami menduga "
                "kualitas pekerjaan tidak sesuai spesifikasi.",
            ),
        ),
        ("jalan rusak", "jalan berlubang", "keselamatan"),
    ),
    "infrastruktur.jembatan": LeafText(
        "Jembatan Rusak",
        "perbaikan jembatan",
        (
            (
                "Jembatan Gantung di {tempat} Rusak",
                "Jembatan gantung yang menghubungkan {lokasi} dengan dusun di "
                "seberang sungai rusak, papan lantainya banyak yang lepas. Anak-anak "
                "sekolah tetap melintas setiap hari dengan risiko jatuh ke sungai.",
            ),
            (
                "Oprit Jembatan Ambles di {jalan}",
                "Oprit jembatan di {jalan}, {lokasi} ambles dan retak {durasi}. Truk "
                "bermuatan berat masih melintas sehingga kerusakan makin parah.",
            ),
        ),
        ("jembatan", "keselamatan"),
    ),
    "infrastruktur.drainase": LeafText(
        "Drainase Tersumbat",
        "perbaikan saluran drainase",
        (
            (
                "Saluran Drainase Tersumbat di {jalan}",
                "Saluran air di sepanjang {jalan}, {lokasi} tersumbat sampah dan "
                "lumpur. Setiap hujan deras air meluap ke jalan dan masuk ke rumah "
                "warga.",
            ),
            (
                "Gorong-gorong Rusak di {tempat}",
                "Gorong-gorong di {lokasi} patah dan tertimbun tanah {durasi}, "
                "sehingga air tidak mengalir dan menimbulkan genangan serta bau tidak "
                "sedap.",
            ),
        ),
        ("drainase", "genangan"),
    ),
    "infrastruktur.irigasi": LeafText(
        "Irigasi Rusak",
        "perbaikan saluran irigasi",
        (
            (
                "Saluran Irigasi Jebol di {tempat}",
                "Saluran irigasi sekunder di {lokasi} jebol sehingga sawah warga "
                "tidak mendapat air menjelang musim tanam. Puluhan hektare sawah "
                "terancam gagal tanam.",
            ),
            (
                "Pintu Air Irigasi Tidak Berfungsi",
                "Pintu air irigasi di {lokasi} rusak {durasi} sehingga pembagian air "
                "ke sawah tidak merata. Petani di bagian hilir selalu kekurangan air.",
            ),
        ),
        ("irigasi", "petani", "sawah"),
    ),
    "kependudukan.ktp-el": LeafText(
        "KTP-el",
        "pencetakan KTP-el",
        (
            (
                "KTP-el Belum Dicetak Sejak Perekaman",
                "Saya sudah melakukan perekaman KTP-el di kantor Kecamatan {kec} "
                "{durasi}, tetapi sampai sekarang KTP-el belum dicetak dengan alasan "
                "blangko habis.",
            ),
            (
                "Biaya Pengurusan KTP-el di {tempat}",
                "Untuk mengurus KTP-el melalui perangkat di {lokasi}, kami diminta "
                "membayar Rp{nominal}. Bukankah pengurusan dokumen kependudukan tidak "
                "dipungut biaya?",
            ),
        ),
        ("ktp-el", "adminduk"),
    ),
    "kependudukan.kk": LeafText(
        "Kartu Keluarga",
        "penerbitan dan perubahan Kartu Keluarga",
        (
            (
                "Perubahan Data Kartu Keluarga Tidak Selesai",
                "Saya mengajukan perubahan data Kartu Keluarga di Disdukcapil "
                "{regency} {durasi}, namun KK baru belum selesai dan berkas saya "
                "dikatakan hilang.",
            ),
            (
                "Data di Kartu Keluarga Tidak Sesuai Akta",
                "Nama dan tanggal lahir anak saya di Kartu Keluarga tidak sesuai "
                "dengan akta kelahiran, sehingga pendaftaran sekolah terhambat. Mohon "
                "dibantu perbaikannya.",
            ),
        ),
        ("kartu keluarga", "adminduk"),
    ),
    "kependudukan.akta-kelahiran": LeafText(
        "Akta Kelahiran",
        "penerbitan akta kelahiran",
        (
            (
                "Akta Kelahiran Anak Belum Terbit",
                "Saya mengurus akta kelahiran anak kami melalui layanan daring "
                "Disdukcapil {regency} {durasi}, tetapi statusnya masih diproses "
                "tanpa kabar.",
            ),
            (
                "Persyaratan Akta Kelahiran Dipersulit",
                "Petugas di {lokasi} meminta surat keterangan tambahan yang tidak "
                "tercantum dalam persyaratan resmi untuk menerbitkan akta kelahiran "
                "anak kami.",
            ),
        ),
        ("akta kelahiran", "adminduk"),
    ),
    "kependudukan.pindah": LeafText(
        "Surat Pindah",
        "layanan pindah datang penduduk",
        (
            (
                "Surat Pindah Tidak Kunjung Diproses",
                "Saya mengajukan surat pindah dari {lokasi} {durasi} tetapi belum "
                "diproses, padahal berkas sudah lengkap. Akibatnya saya belum bisa "
                "mengurus KTP di domisili baru.",
            ),
        ),
        ("pindah datang", "adminduk"),
    ),
    "sosial.bansos": LeafText(
        "Bantuan Sosial",
        "penyaluran bantuan sosial",
        (
            (
                "Bansos Tidak Tepat Sasaran di {tempat}",
                "Penyaluran bantuan sosial di {lokasi} tidak tepat sasaran. Beberapa "
                "keluarga mampu, termasuk kerabat perangkat desa, menerima bantuan, "
                "sedangkan warga miskin dan lansia yang tinggal sendiri tidak "
                "terdaftar.",
            ),
            (
                "Bantuan Pangan Beras Tidak Diterima Lagi",
                "Kami terdaftar sebagai penerima bantuan pangan beras, tetapi "
                "{durasi} tidak lagi menerima bantuan di {lokasi}. Petugas tidak bisa "
                "memberi penjelasan.",
            ),
        ),
        ("bansos", "tepat sasaran"),
    ),
    "sosial.pkh": LeafText(
        "Bantuan PKH",
        "penyaluran bantuan PKH",
        (
            (
                "Saldo PKH Berkurang Tanpa Penjelasan",
                "Saldo bantuan PKH di kartu KKS kami lebih kecil dari yang "
                "seharusnya. Pendamping PKH di {lokasi} tidak bisa menjelaskan "
                "penyebabnya.",
            ),
            (
                "Oknum Pendamping PKH Meminta Uang",
                "Oknum pendamping PKH di {lokasi} meminta Rp{nominal} kepada setiap "
                "keluarga penerima dengan alasan biaya administrasi pencairan.",
            ),
        ),
        ("pkh", "bansos", "pungli"),
    ),
    "sosial.dtsen": LeafText(
        "Pendataan DTSEN",
        "pendataan keluarga miskin dalam DTSEN",
        (
            (
                "Mohon Pendataan Warga Miskin ke DTSEN",
                "Tetangga kami di {lokasi}, seorang janda dengan tiga anak, belum "
                "terdaftar di DTSEN sehingga tidak bisa menerima bantuan apa pun. "
                "Kami mohon dilakukan pendataan ulang.",
            ),
            (
                "Desil DTSEN Keluarga Kami Tidak Sesuai",
                "Keluarga kami di {lokasi} tercatat pada desil tinggi di DTSEN "
                "sehingga dianggap mampu dan bantuan dihentikan, padahal kondisi "
                "ekonomi kami tidak berubah.",
            ),
        ),
        ("dtsen", "pendataan"),
    ),
    "sosial.terlantar": LeafText(
        "Orang Terlantar dan ODGJ",
        "penanganan orang terlantar dan ODGJ",
        (
            (
                "ODGJ Berkeliaran di {jalan}",
                "Ada orang dengan gangguan jiwa yang berkeliaran di sekitar {jalan}, "
                "{lokasi} {durasi} dan kadang mengganggu warga. Mohon dinas sosial "
                "menangani dan merujuknya ke tempat rehabilitasi.",
            ),
            (
                "Lansia Hidup Sebatang Kara di {tempat}",
                "Seorang lansia di {lokasi} tinggal sendirian di rumah yang hampir "
                "roboh tanpa keluarga yang merawat. Mohon bantuan dan perhatian "
                "pemerintah.",
            ),
        ),
        ("odgj", "lansia"),
    ),
    "lingkungan.sampah": LeafText(
        "Sampah",
        "pengangkutan sampah",
        (
            (
                "Sampah Menumpuk di {jalan}",
                "Tumpukan sampah di pinggir {jalan}, {lokasi} tidak diangkut "
                "{durasi}. Baunya menyengat dan sampah mulai menutupi badan jalan.",
            ),
            (
                "Tempat Pembuangan Sampah Liar di {tempat}",
                "Lahan kosong di {lokasi} dijadikan tempat pembuangan sampah liar. "
                "Sampah sering dibakar malam hari dan asapnya masuk ke rumah warga.",
            ),
            (
                "Truk Sampah Tidak Datang ke {tempat}",
                "Petugas pengangkut sampah tidak lagi datang ke {lokasi} {durasi}, "
                "padahal kami rutin membayar retribusi sampah.",
            ),
        ),
        ("sampah", "kebersihan"),
    ),
    "lingkungan.pencemaran-sungai": LeafText(
        "Pencemaran Sungai",
        "pencemaran sungai",
        (
            (
                "Air Sungai di {tempat} Tercemar",
                "Air sungai di {lokasi} berubah keruh kehitaman dan banyak ikan mati. "
                "Warga masih memakai air sungai untuk mandi dan mencuci.",
            ),
            (
                "Sungai Keruh Akibat Aktivitas Tambang",
                "Aktivitas tambang di hulu sungai dekat {lokasi} membuat air sungai keruh dan berlumpur {durasi}.",
            ),
        ),
        ("pencemaran", "sungai"),
    ),
    "lingkungan.limbah": LeafText(
        "Limbah Industri",
        "pengawasan limbah industri",
        (
            (
                "Limbah Pabrik Kelapa Sawit Dibuang ke Sungai",
                "Limbah cair dari pabrik kelapa sawit di dekat {lokasi} diduga "
                "dibuang langsung ke anak sungai. Bau busuk tercium hingga ke "
                "permukiman.",
            ),
            (
                "Debu Stockpile Batubara Mengganggu Warga",
                "Debu dari stockpile batubara di sekitar {lokasi} beterbangan ke "
                "rumah warga setiap hari. Banyak anak yang batuk dan sesak napas.",
            ),
        ),
        ("limbah", "batubara", "sawit"),
    ),
    "ketertiban.pkl": LeafText(
        "Pedagang Kaki Lima",
        "penataan pedagang kaki lima",
        (
            (
                "PKL Memakai Trotoar {jalan}",
                "Pedagang kaki lima memakai trotoar dan sebagian badan {jalan} di "
                "{lokasi} sehingga pejalan kaki terpaksa berjalan di jalan raya dan "
                "sering terjadi kemacetan.",
            ),
            (
                "Lapak Pedagang Menutup Saluran Air",
                "Lapak pedagang di sekitar pasar Kecamatan {kec} dibangun di atas "
                "saluran air sehingga saluran tersumbat dan becek.",
            ),
        ),
        ("pkl", "trotoar"),
    ),
    "ketertiban.bangunan": LeafText(
        "Bangunan Liar",
        "penertiban bangunan tanpa izin",
        (
            (
                "Bangunan Liar di Bantaran Sungai {tempat}",
                "Ada bangunan semipermanen yang didirikan di bantaran sungai di "
                "{lokasi} tanpa izin dan mempersempit aliran sungai.",
            ),
            (
                "Teras Ruko Dibangun di Atas Drainase {jalan}",
                "Sebuah ruko di {jalan}, {lokasi} membangun teras di atas saluran "
                "drainase sehingga air tidak mengalir saat hujan.",
            ),
        ),
        ("bangunan liar", "perda"),
    ),
    "ketertiban.gangguan": LeafText(
        "Gangguan Ketenteraman",
        "ketenteraman dan ketertiban umum",
        (
            (
                "Balap Liar Setiap Malam di {jalan}",
                "Setiap malam Minggu terjadi balap liar di {jalan}, {lokasi}. Suara "
                "knalpot brong sangat mengganggu dan membahayakan pengguna jalan.",
            ),
            (
                "Tempat Hiburan Malam Mengganggu Warga {tempat}",
                "Sebuah tempat hiburan di {lokasi} beroperasi hingga dini hari dengan "
                "musik keras. Kami menduga tempat tersebut juga menjual minuman keras "
                "tanpa izin.",
            ),
        ),
        ("balap liar", "ketertiban"),
    ),
    "perhubungan.angkutan-umum": LeafText(
        "Angkutan Umum",
        "layanan angkutan umum",
        (
            (
                "Tarif Angkutan Umum Melebihi Ketentuan",
                "Sopir angkutan umum trayek Kecamatan {kec} menarik tarif melebihi "
                "ketentuan, terutama kepada pelajar dan penumpang dari luar kota.",
            ),
            (
                "Halte di {jalan} Rusak",
                "Halte di {jalan} rusak, atapnya bocor dan tempat duduknya hilang "
                "{durasi}. Penumpang terpaksa menunggu di bawah terik matahari.",
            ),
        ),
        ("angkutan umum", "tarif"),
    ),
    "perhubungan.parkir": LeafText(
        "Parkir Liar",
        "penertiban parkir",
        (
            (
                "Parkir Liar di {jalan}",
                "Parkir liar di sepanjang {jalan}, {lokasi} menyebabkan kemacetan "
                "setiap sore. Juru parkir menarik tarif di atas ketentuan tanpa "
                "memberi karcis.",
            ),
            (
                "Juru Parkir Liar di Minimarket",
                "Juru parkir di minimarket sekitar {lokasi} memungut uang parkir, "
                "padahal minimarket tersebut menyatakan parkir gratis.",
            ),
        ),
        ("parkir", "pungli"),
    ),
    "perhubungan.rambu": LeafText(
        "Rambu dan Lampu Lalu Lintas",
        "rambu dan lampu lalu lintas",
        (
            (
                "Lampu Lalu Lintas Mati di Simpang {jalan}",
                "Lampu lalu lintas di simpang {jalan} mati {durasi}. Pada jam sibuk "
                "kendaraan saling serobot dan hampir terjadi kecelakaan.",
            ),
            (
                "Rambu Tikungan Tajam Hilang",
                "Rambu peringatan di tikungan tajam {jalan} dekat {lokasi} sudah "
                "tidak ada, padahal di sana sering terjadi kecelakaan pada malam hari.",
            ),
        ),
        ("lalu lintas", "keselamatan"),
    ),
    "perhubungan.angkutan-batubara": LeafText(
        "Angkutan Batubara",
        "pengaturan angkutan batubara",
        (
            (
                "Truk Batubara Masih Melintas di Jalan Umum",
                "Truk angkutan batubara masih melintas di {jalan} di {lokasi} pada "
                "siang hari, menyebabkan kemacetan panjang dan jalan cepat rusak. "
                "Kami mohon aturan jalur khusus angkutan batubara ditegakkan.",
            ),
            (
                "Kecelakaan Akibat Konvoi Truk Batubara",
                "Kemarin terjadi kecelakaan antara truk batubara dan sepeda motor di "
                "{jalan}, {lokasi}. Truk berkonvoi dengan kecepatan tinggi dan sering "
                "parkir di bahu jalan pada malam hari.",
            ),
        ),
        ("batubara", "truk", "kemacetan"),
    ),
    "ketenagakerjaan.upah": LeafText(
        "Upah Pekerja",
        "pemenuhan upah dan hak normatif pekerja",
        (
            (
                "Gaji Karyawan di Bawah UMK",
                "Perusahaan tempat saya bekerja di {lokasi} membayar gaji di bawah "
                "UMK {regency} dan tidak mendaftarkan karyawan ke BPJS "
                "Ketenagakerjaan.",
            ),
            (
                "Upah Lembur Pekerja Kebun Tidak Dibayar",
                "Karyawan sebuah perusahaan perkebunan di {lokasi} diwajibkan lembur "
                "hingga malam tanpa upah lembur {durasi}.",
            ),
        ),
        ("upah", "umk", "buruh"),
    ),
    "ketenagakerjaan.phk": LeafText(
        "PHK dan THR",
        "pemutusan hubungan kerja dan THR",
        (
            (
                "PHK Sepihak Tanpa Pesangon",
                "Saya diberhentikan sepihak oleh perusahaan di {lokasi} setelah "
                "bekerja lima tahun, tanpa surat peringatan dan tanpa pesangon.",
            ),
            (
                "THR Karyawan Tidak Dibayar",
                "Perusahaan tempat kami bekerja di {lokasi} tidak membayarkan THR "
                "keagamaan tahun ini dengan alasan keuangan perusahaan sedang sulit.",
            ),
        ),
        ("phk", "thr", "buruh"),
    ),
    "ketenagakerjaan.kartu-kuning": LeafText(
        "Kartu Pencari Kerja",
        "layanan kartu pencari kerja (AK/1)",
        (
            (
                "Pembuatan Kartu Kuning Dipungut Biaya",
                "Untuk membuat kartu pencari kerja (AK/1) di Disnaker {regency}, saya "
                "diminta membayar Rp{nominal} oleh oknum petugas.",
            ),
            (
                "Layanan Kartu Kuning Daring Tidak Bisa Diakses",
                "Layanan pembuatan kartu pencari kerja secara daring tidak bisa "
                "diakses {durasi}, sementara saya membutuhkannya untuk melamar "
                "pekerjaan.",
            ),
        ),
        ("kartu kuning", "pencari kerja"),
    ),
    "energi.pju": LeafText(
        "Penerangan Jalan Umum",
        "penerangan jalan umum",
        (
            (
                "Lampu Jalan Mati di {jalan}",
                "Lampu penerangan jalan umum di sepanjang {jalan}, {lokasi} mati "
                "{durasi}. Jalan menjadi gelap gulita pada malam hari dan rawan "
                "kejahatan.",
            ),
            (
                "Mohon Pemasangan Lampu Jalan di {tempat}",
                "Jalan utama di {lokasi} belum memiliki lampu penerangan sama sekali. "
                "Warga yang pulang malam dari kebun merasa tidak aman.",
            ),
        ),
        ("pju", "lampu jalan"),
    ),
    "energi.pemadaman": LeafText(
        "Pemadaman Listrik",
        "pasokan listrik",
        (
            (
                "Listrik Sering Padam di {tempat}",
                "Listrik di {lokasi} padam hampir setiap hari {durasi}, kadang lebih "
                "dari empat jam tanpa pemberitahuan. Banyak peralatan elektronik "
                "warga rusak.",
            ),
            (
                "Tegangan Listrik Rendah pada Malam Hari",
                "Tegangan listrik di {lokasi} sangat rendah pada malam hari sehingga "
                "pompa air dan kulkas tidak bisa menyala.",
            ),
        ),
        ("listrik", "pln", "pemadaman"),
    ),
    "energi.sambungan": LeafText(
        "Sambungan Listrik",
        "sambungan listrik baru dan listrik desa",
        (
            (
                "Dusun di {tempat} Belum Teraliri Listrik",
                "Salah satu dusun di {lokasi} dengan puluhan kepala keluarga belum "
                "teraliri listrik PLN. Warga masih memakai genset dan lampu minyak.",
            ),
            (
                "Pemasangan Listrik Baru Tidak Kunjung Dilakukan",
                "Saya mengajukan pasang baru listrik untuk rumah di {lokasi} {durasi} "
                "dan sudah membayar, tetapi belum juga dipasang.",
            ),
        ),
        ("listrik", "pln"),
    ),
    "air-bersih.distribusi": LeafText(
        "Air Bersih Tidak Mengalir",
        "distribusi air bersih",
        (
            (
                "Air PDAM Tidak Mengalir di {tempat}",
                "Air PDAM di {lokasi} tidak mengalir {durasi}, padahal tagihan "
                "bulanan tetap datang. Warga terpaksa membeli air galon untuk mandi "
                "dan memasak.",
            ),
            (
                "Air Bersih Hanya Mengalir Dini Hari",
                "Di {lokasi} air bersih hanya mengalir sekitar pukul 01.00 sampai "
                "04.00 dini hari dengan debit sangat kecil.",
            ),
        ),
        ("air bersih", "pdam"),
    ),
    "air-bersih.kualitas": LeafText(
        "Kualitas Air Bersih",
        "kualitas air bersih",
        (
            (
                "Air PDAM Keruh dan Berbau",
                "Air yang mengalir ke rumah kami di {lokasi} keruh kecokelatan dan "
                "berbau {durasi}. Air tidak layak dipakai untuk memasak.",
            ),
        ),
        ("air bersih", "pdam"),
    ),
    "air-bersih.sarana": LeafText(
        "Sarana Air Bersih",
        "sarana air bersih perdesaan",
        (
            (
                "Sumur Bor Bantuan di {tempat} Tidak Berfungsi",
                "Sumur bor bantuan pemerintah di {lokasi} tidak berfungsi sejak "
                "pompanya rusak. Saat kemarau warga kesulitan mendapatkan air bersih.",
            ),
            (
                "Mohon Bantuan Sarana Air Bersih di {tempat}",
                "Warga {lokasi} masih memakai air sungai dan air hujan untuk "
                "kebutuhan sehari-hari. Kami mohon dibangunkan sarana air bersih.",
            ),
        ),
        ("air bersih", "sumur bor"),
    ),
    "kebencanaan.banjir": LeafText(
        "Banjir",
        "penanganan banjir",
        (
            (
                "Banjir Merendam Rumah Warga di {tempat}",
                "Hujan deras semalam membuat banjir setinggi lutut orang dewasa "
                "merendam puluhan rumah di {lokasi}. Warga membutuhkan perahu karet, "
                "makanan siap saji, dan obat-obatan.",
            ),
            (
                "Banjir Berulang di {jalan}",
                "Setiap hujan lebat kawasan {jalan}, {lokasi} selalu tergenang "
                "banjir. Kami mohon ada penanganan permanen.",
            ),
        ),
        ("banjir", "darurat"),
    ),
    "kebencanaan.longsor": LeafText(
        "Tanah Longsor",
        "penanganan tanah longsor",
        (
            (
                "Tebing Longsor Menutup Jalan ke {tempat}",
                "Tebing di tepi jalan menuju {lokasi} longsor dan menutup sebagian "
                "badan jalan. Kendaraan hanya bisa lewat bergantian dan masih ada "
                "retakan tanah di atas tebing.",
            ),
            (
                "Rumah Warga {tempat} Terancam Longsor",
                "Tanah di belakang beberapa rumah di {lokasi} mulai retak dan "
                "bergeser setelah hujan beberapa hari terakhir. Warga khawatir "
                "terjadi longsor.",
            ),
        ),
        ("longsor", "darurat"),
    ),
    "kebencanaan.karhutla": LeafText(
        "Kebakaran Lahan",
        "penanganan kebakaran hutan dan lahan",
        (
            (
                "Kebakaran Lahan Gambut di {tempat}",
                "Terjadi kebakaran lahan gambut di sekitar {lokasi} sejak dua hari "
                "lalu. Api belum padam dan asapnya sudah sampai ke permukiman.",
            ),
            (
                "Kabut Asap Mengganggu Kesehatan Warga",
                "Kabut asap di {lokasi} semakin pekat setiap pagi. Banyak anak-anak "
                "dan lansia terkena ISPA. Mohon penanganan titik api dan pembagian "
                "masker.",
            ),
        ),
        ("karhutla", "kabut asap", "darurat"),
    ),
    "pelayanan-publik.pungli": LeafText(
        "Pungutan Liar",
        "pungutan liar dalam pelayanan",
        (
            (
                "Pungli Pengurusan Surat di Kantor {tempat}",
                "Untuk mengurus surat keterangan di kantor {tempat}, warga dimintai uang Rp{nominal} tanpa kuitansi.",
            ),
            (
                "Pungutan Liar Pengurusan Sertifikat Tanah",
                "Oknum perangkat di {lokasi} meminta Rp{nominal} untuk pengurusan "
                "program sertifikat tanah, melebihi biaya yang ditetapkan.",
            ),
        ),
        ("pungli", "saber pungli"),
    ),
    "pelayanan-publik.petugas": LeafText(
        "Pelayanan Petugas",
        "sikap dan disiplin petugas layanan",
        (
            (
                "Kantor Kecamatan {kec} Tutup pada Jam Kerja",
                "Saya datang ke kantor Kecamatan {kec} pukul 10.00 pada hari kerja, "
                "tetapi pelayanan tutup dan tidak ada petugas.",
            ),
            (
                "Petugas Pelayanan Bersikap Kasar",
                "Petugas pelayanan di kantor {tempat} bersikap kasar dan membentak "
                "warga yang bertanya tentang persyaratan.",
            ),
        ),
        ("pelayanan", "disiplin asn"),
    ),
    "pelayanan-publik.dana-desa": LeafText(
        "Dana Desa",
        "pengelolaan dana desa",
        (
            (
                "Penggunaan Dana Desa {tempat} Tidak Transparan",
                "Pemerintah {tempat} tidak pernah memasang baliho APBDes dan "
                "penggunaan dana desa tidak disampaikan kepada warga. Pembangunan "
                "jalan desa tahun lalu juga tidak selesai.",
            ),
            (
                "BLT Dana Desa Dipotong Oknum Perangkat",
                "BLT Dana Desa yang diterima warga di {lokasi} dipotong Rp{nominal} oleh oknum perangkat desa.",
            ),
        ),
        ("dana desa", "transparansi"),
    ),
}

# Categories whose texts speak of a desa (kelurahan have no dana desa).
NEEDS_DESA = frozenset({"pelayanan-publik.dana-desa"})

# Topics where asking for the budget makes sense (the last information request).
BUDGET_TOPICS = frozenset({"infrastruktur", "air-bersih", "energi", "lingkungan", "kebencanaan"})
INFORMATION_REQUESTS: tuple[tuple[str, str], ...] = (
    (
        "Permintaan Informasi {subject}",
        "Saya ingin mendapatkan informasi mengenai {topic} di {regency}, khususnya "
        "persyaratan, prosedur, dan jadwalnya. Ke mana saya harus mengajukan dan "
        "berapa lama prosesnya?",
    ),
    (
        "Mohon Informasi Syarat dan Jadwal {subject}",
        "Mohon informasi resmi tentang {topic} untuk warga {lokasi}. Informasi yang "
        "beredar di media sosial simpang siur sehingga kami bingung.",
    ),
    (
        "Informasi Anggaran {subject} Tahun {tahun}",
        "Kami ingin mengetahui besaran anggaran dan daftar kegiatan {topic} di "
        "{lokasi} untuk tahun {tahun}. Apakah dokumen tersebut dapat diakses publik?",
    ),
)

ASPIRATIONS: tuple[tuple[str, str], ...] = (
    (
        "Usulan Peningkatan {subject} di {tempat}",
        "Kami warga {lokasi} mengusulkan agar Pemerintah {regency} memberi perhatian "
        "lebih pada {topic}. Usulan ini sudah kami sampaikan dalam musrenbang namun "
        "belum terealisasi.",
    ),
    (
        "Saran Perbaikan Layanan {subject}",
        "Sebagai masukan, sebaiknya layanan {topic} di {regency} dibuat lebih "
        "sederhana dan dapat dipantau secara daring oleh masyarakat.",
    ),
    (
        "Apresiasi dan Harapan terkait {subject}",
        "Kami mengapresiasi upaya pemerintah terkait {topic} selama ini. Harapan kami "
        "program ini dapat menjangkau {lokasi} secara merata.",
    ),
)

GREETINGS: tuple[str, ...] = (
    "Yth. Bapak/Ibu Admin LAPOR!,",
    "Selamat pagi Bapak/Ibu.",
    "Assalamualaikum wr. wb.",
    "Selamat siang,",
    "Mohon izin melapor.",
    "Kepada Yth. Pemerintah {regency},",
    "",
    "",
)
CLOSINGS: tuple[str, ...] = (
    "Mohon segera ditindaklanjuti. Terima kasih.",
    "Atas perhatian Bapak/Ibu kami ucapkan terima kasih.",
    "Kami berharap ada tindakan nyata dari instansi terkait.",
    "Terima kasih.",
    "Mohon bantuannya, terima kasih banyak.",
    "Wassalamualaikum wr. wb.",
    "",
)
DURATIONS: tuple[str, ...] = (
    "sejak dua minggu terakhir",
    "sudah lebih dari sebulan",
    "sudah tiga bulan",
    "sejak awal tahun",
    "sudah hampir setahun",
    "sejak musim hujan kemarin",
    "beberapa hari ini",
    "sudah berbulan-bulan",
)
AMOUNTS: tuple[str, ...] = (
    "50.000",
    "75.000",
    "100.000",
    "150.000",
    "200.000",
    "250.000",
    "300.000",
    "500.000",
    "1.500.000",
)
GENERAL_TAGS: tuple[str, ...] = ("mendesak", "berulang", "viral", "warga miskin")
