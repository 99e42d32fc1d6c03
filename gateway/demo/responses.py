"""What agencies and reporters answer: tindak lanjut, admin notes, tanggapan, ratings.

Placeholders in follow-up texts: {unit} (full agency name), {lokasi}, {tanggal} (an
Indonesian date), {topic}, {tahun}.
"""

from __future__ import annotations

from datetime import date

MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def tanggal(d: date) -> str:
    """An Indonesian date: '14 Maret 2026'."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


GENERIC_FOLLOW_UPS: tuple[str, ...] = (
    "Terima kasih atas laporan Saudara. Laporan terkait {topic} di {lokasi} telah "
    "ditindaklanjuti oleh {unit}. Tim kami telah melakukan verifikasi lapangan pada "
    "{tanggal} dan hasilnya menjadi dasar penanganan lebih lanjut.",
    "Yth. Pelapor, bersama ini kami sampaikan bahwa {unit} telah berkoordinasi dengan "
    "pihak terkait di {lokasi} pada {tanggal}. Permasalahan yang Saudara sampaikan "
    "sedang dalam proses penyelesaian. Terima kasih atas partisipasi Saudara.",
)

# By OPD kind (regency and province share them) or by agency id for other bodies.
FOLLOW_UPS: dict[str, tuple[str, ...]] = {
    "disdik": (
        "Menindaklanjuti laporan Saudara, pengawas sekolah dari {unit} telah "
        "memanggil kepala sekolah yang bersangkutan pada {tanggal}. Sekolah diminta "
        "menghentikan praktik yang tidak sesuai ketentuan dan akan dipantau secara "
        "berkala.",
        "Laporan Saudara terkait {topic} telah kami terima. Kebutuhan perbaikan telah "
        "dimasukkan dalam rencana kegiatan tahun {tahun} dan sementara ini sekolah "
        "diminta melakukan penanganan darurat.",
    ),
    "dinkes": (
        "{unit} telah melakukan pembinaan kepada kepala puskesmas terkait pada "
        "{tanggal}. Jadwal dokter dan petugas telah diatur ulang agar pelayanan tidak "
        "terganggu.",
        "Petugas surveilans {unit} telah melakukan penyelidikan epidemiologi dan "
        "pemberantasan sarang nyamuk di {lokasi} pada {tanggal}. Pengasapan dilakukan "
        "sesuai kriteria kasus.",
    ),
    "rsud": (
        "Manajemen {unit} memohon maaf atas ketidaknyamanan yang Saudara alami. "
        "Petugas yang bersangkutan telah dipanggil dan dibina pada {tanggal}, dan "
        "alur antrean pelayanan sedang kami evaluasi.",
    ),
    "pupr": (
        "Tim Bidang Bina Marga {unit} telah meninjau lokasi pada {tanggal}. "
        "Penanganan sementara berupa penimbunan dan tambal lubang sudah dilakukan, "
        "sedangkan perbaikan permanen dijadwalkan dalam pemeliharaan rutin tahun "
        "{tahun}.",
        "Berdasarkan survei lapangan pada {tanggal}, lokasi yang Saudara laporkan "
        "telah masuk daftar prioritas penanganan {unit}. Pengerjaan direncanakan "
        "setelah proses pengadaan selesai.",
    ),
    "disdukcapil": (
        "Dokumen kependudukan Saudara telah selesai diproses pada {tanggal} dan dapat "
        "diambil di kantor {unit} atau dicetak mandiri melalui layanan daring. "
        "Pelayanan dokumen kependudukan tidak dipungut biaya.",
        "Berdasarkan pengecekan data SIAK, permohonan Saudara terkendala data ganda. "
        "Mohon Saudara datang ke kantor {unit} dengan membawa KK asli untuk perbaikan "
        "data.",
    ),
    "dinsos": (
        "{unit} telah melakukan verifikasi dan validasi lapangan di {lokasi} pada "
        "{tanggal}. Keluarga yang dimaksud telah diusulkan untuk dimutakhirkan dalam "
        "DTSEN melalui musyawarah desa/kelurahan.",
        "Pendamping sosial yang bersangkutan telah dipanggil untuk klarifikasi pada "
        "{tanggal}. Pemotongan bantuan tidak dibenarkan dan dana yang dipotong wajib "
        "dikembalikan kepada penerima.",
    ),
    "dlh": (
        "Armada pengangkut sampah {unit} telah dikerahkan ke {lokasi} pada {tanggal} "
        "dan tumpukan sampah sudah dibersihkan. Jadwal pengangkutan rutin untuk "
        "wilayah tersebut telah ditambah.",
        "Tim {unit} telah mengambil sampel air di sekitar {lokasi} pada {tanggal} "
        "untuk diuji di laboratorium. Perusahaan terkait telah diberi teguran "
        "tertulis sambil menunggu hasil uji.",
    ),
    "satpolpp": (
        "Personel {unit} telah melakukan penertiban di {lokasi} pada {tanggal}. Pihak "
        "terkait telah diberi surat peringatan dan diminta mematuhi Peraturan Daerah.",
        "Patroli malam di {lokasi} telah ditingkatkan oleh {unit} bersama kepolisian sektor setempat sejak {tanggal}.",
    ),
    "dishub": (
        "Petugas {unit} telah memperbaiki lampu dan rambu di lokasi yang Saudara laporkan pada {tanggal}.",
        "Penertiban parkir dan angkutan yang melanggar telah dilakukan {unit} bersama "
        "kepolisian pada {tanggal}. Pengawasan akan dilakukan secara berkala.",
    ),
    "disnaker": (
        "Mediator hubungan industrial {unit} telah memanggil pihak perusahaan pada "
        "{tanggal}. Perusahaan bersedia memenuhi hak pekerja sesuai ketentuan dan "
        "perundingan bipartit akan kami pantau.",
        "Layanan kartu pencari kerja di {unit} sudah kembali normal dan tidak "
        "dipungut biaya. Oknum yang memungut biaya sedang kami periksa.",
    ),
    "bpbd": (
        "Tim Reaksi Cepat {unit} telah diterjunkan ke {lokasi} pada {tanggal} untuk "
        "kaji cepat dan penanganan darurat. Bantuan logistik telah disalurkan kepada "
        "warga terdampak.",
        "Satgas karhutla bersama Manggala Agni, TNI, dan Polri telah melakukan "
        "pemadaman di {lokasi} pada {tanggal}. Api telah padam dan dilakukan "
        "pendinginan.",
    ),
    "inspektorat": (
        "{unit} telah melakukan klarifikasi kepada pihak yang dilaporkan pada "
        "{tanggal}. Hasil pemeriksaan akan ditindaklanjuti sesuai ketentuan dan "
        "identitas pelapor dijaga kerahasiaannya.",
        "Audit dengan tujuan tertentu atas penggunaan anggaran di {lokasi} sedang "
        "dilaksanakan {unit}. Hasilnya akan disampaikan kepada kepala daerah untuk "
        "ditindaklanjuti.",
    ),
    "pln-uid-s2jb": (
        "PLN memohon maaf atas gangguan yang terjadi. Petugas telah memperbaiki "
        "jaringan dan memangkas pohon yang menyentuh kabel di {lokasi} pada "
        "{tanggal}; pasokan listrik kini normal.",
        "Permohonan Saudara telah kami catat. Perluasan jaringan ke lokasi tersebut "
        "telah diusulkan dalam program listrik desa tahun {tahun}.",
    ),
    "kemen-pu-bbpjn-16": (
        "Tim pemeliharaan {unit} telah menangani kerusakan pada ruas jalan nasional "
        "tersebut pada {tanggal}. Rekonstruksi akan dilaksanakan pada tahun anggaran "
        "{tahun}.",
    ),
    "kemen-pu-bbws-s8": (
        "{unit} telah meninjau kerusakan saluran pada {tanggal}. Perbaikan darurat "
        "dilakukan bersama P3A setempat sebelum musim tanam.",
    ),
    "bpjs-kesehatan-palembang": (
        "Status kepesertaan JKN Saudara telah kami periksa pada {tanggal}. "
        "Kepesertaan dapat diaktifkan kembali melalui pengusulan Dinas Sosial, dan "
        "fasilitas kesehatan tidak boleh menarik iur biaya atas obat yang ditanggung "
        "JKN.",
    ),
    "kemensos-linjamsos": (
        "Data keluarga yang Saudara laporkan telah kami periksa pada {tanggal}. "
        "Penyaluran bantuan mengikuti hasil pemutakhiran DTSEN oleh pemerintah daerah.",
    ),
    "ombudsman-16": (
        "{unit} telah menerima laporan ini dan melakukan pemeriksaan dugaan "
        "maladministrasi pada {tanggal}. Pihak terlapor telah dimintai klarifikasi.",
    ),
}
# Answers to a permintaan informasi or an aspirasi, whoever gives them.
INFORMATION_ANSWERS: tuple[str, ...] = (
    "Terima kasih atas permintaan informasi Saudara. Informasi mengenai {topic} telah "
    "kami sampaikan melalui PPID {unit} pada {tanggal}; dokumen terkait kami "
    "lampirkan dan juga tersedia di laman resmi instansi.",
    "Yth. Pelapor, persyaratan dan jadwal terkait {topic} dapat dilihat pada "
    "pengumuman resmi {unit}. Untuk penjelasan lebih lanjut Saudara dapat datang ke "
    "layanan informasi kami pada hari kerja.",
)
ASPIRATION_ANSWERS: tuple[str, ...] = (
    "Terima kasih atas aspirasi Saudara. Usulan terkait {topic} telah kami catat pada "
    "{tanggal} dan menjadi bahan pertimbangan dalam penyusunan rencana kerja tahun "
    "{tahun}.",
    "{unit} menghargai masukan Saudara mengenai {topic}. Usulan tersebut telah kami "
    "teruskan kepada bidang terkait untuk dikaji.",
)

FOLLOW_UP_ALIASES: dict[str, str] = {"disnakertrans": "disnaker"}

TUNDA_NOTES: tuple[str, ...] = (
    "Mohon pelapor melengkapi lokasi kejadian secara rinci (desa/kelurahan dan nama jalan).",
    "Mohon pelapor melampirkan foto atau bukti pendukung.",
    "Mohon penjelasan lebih rinci mengenai waktu kejadian dan pihak yang dilaporkan.",
)
ARCHIVE_NOTES: tuple[str, ...] = (
    "Diarsipkan: masukan terlalu umum dan tidak dapat ditindaklanjuti.",
    "Diarsipkan: tidak relevan dengan kinerja pemerintah.",
    "Diarsipkan: laporan ganda dengan laporan sebelumnya.",
    "Diarsipkan: isi laporan tidak dapat dipahami.",
)
ARCHIVE_AFTER_TUNDA = "Diarsipkan: pelapor tidak memberikan klarifikasi dalam batas waktu."
CLOSED_SATISFIED = "Ditutup: pelapor menyatakan tindak lanjut telah sesuai."
CLOSED_TIMEOUT = "Ditutup: tidak ada tanggapan pelapor dalam 10 hari."
CLOSED_BY_ADMIN = "Ditutup oleh admin instansi setelah tindak lanjut akhir."

CLARIFICATIONS: tuple[str, ...] = (
    "Lokasinya di {lokasi}, dekat masjid dan sekolah dasar. Foto kondisi terbaru saya lampirkan.",
    "Berikut saya lampirkan foto dan titik lokasinya. Kejadiannya masih berlangsung sampai sekarang.",
    "Kejadian tersebut terakhir terjadi minggu lalu di {lokasi}. Saya bersedia dihubungi petugas bila perlu.",
)
DISSATISFIED_REPLIES: tuple[str, ...] = (
    "Mohon maaf, sampai hari ini kondisi di lapangan belum berubah. Jawaban yang diberikan hanya normatif.",
    "Tindak lanjut belum sesuai. Petugas belum pernah datang ke lokasi.",
    "Perbaikan baru dilakukan sebagian dan masalahnya muncul lagi. Mohon ditinjau ulang.",
    "Saya sudah datang ke kantor sesuai arahan tetapi tetap belum dilayani.",
)
SATISFIED_REPLIES: tuple[str, ...] = (
    "Terima kasih, masalah sudah ditangani dengan baik.",
    "Alhamdulillah sudah diperbaiki. Terima kasih atas respons cepatnya.",
    "Terima kasih atas penjelasannya, sudah cukup jelas.",
    "Sudah selesai, terima kasih LAPOR! dan instansi terkait.",
)
RATING_COMMENTS: dict[int, tuple[str, ...]] = {
    5: ("Pelayanan sangat cepat dan memuaskan.", "Mantap, terima kasih."),
    4: ("Cukup baik, semoga dipertahankan.", "Sudah ditangani walau agak lama."),
    3: ("Lumayan, tapi prosesnya lama.",),
    2: ("Respons lambat dan kurang jelas.",),
    1: ("Masalah tidak benar-benar diselesaikan.",),
}


def follow_up_templates(agency_id: str, kind: str | None) -> tuple[str, ...]:
    """The follow-up texts an agency writes, by its OPD kind or its own id."""
    key = FOLLOW_UP_ALIASES.get(kind or "", kind or "")
    return FOLLOW_UPS.get(key) or FOLLOW_UPS.get(agency_id) or GENERIC_FOLLOW_UPS
