"""The demo category tree (kategori), shaped like the topics LAPOR! offers reporters."""

from __future__ import annotations

from functools import cache
from typing import Any

from gateway.domain.reference_file import parse_document
from schema.canonical import Category

# (id, name, ((child id suffix, child name), ...)). Child ids are "<parent>.<suffix>".
_TREE: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "pendidikan",
        "Pendidikan",
        (
            ("spmb", "Penerimaan Murid Baru (SPMB)"),
            ("pungutan", "Pungutan Sekolah"),
            ("sarana", "Sarana dan Prasarana Sekolah"),
            ("pip", "Program Indonesia Pintar (PIP)"),
            ("guru", "Guru dan Tenaga Kependidikan"),
        ),
    ),
    (
        "kesehatan",
        "Kesehatan",
        (
            ("puskesmas", "Pelayanan Puskesmas"),
            ("rumah-sakit", "Pelayanan Rumah Sakit"),
            ("jkn", "JKN / BPJS Kesehatan"),
            ("dbd", "Demam Berdarah dan Fogging"),
            ("posyandu", "Posyandu dan Stunting"),
        ),
    ),
    (
        "infrastruktur",
        "Infrastruktur",
        (
            ("jalan", "Jalan Rusak"),
            ("jembatan", "Jembatan"),
            ("drainase", "Drainase"),
            ("irigasi", "Irigasi"),
        ),
    ),
    (
        "kependudukan",
        "Kependudukan",
        (
            ("ktp-el", "KTP-el"),
            ("kk", "Kartu Keluarga"),
            ("akta-kelahiran", "Akta Kelahiran"),
            ("pindah", "Pindah Datang Penduduk"),
        ),
    ),
    (
        "sosial",
        "Sosial",
        (
            ("bansos", "Bantuan Sosial"),
            ("pkh", "Program Keluarga Harapan (PKH)"),
            ("dtsen", "Data Tunggal Sosial dan Ekonomi Nasional (DTSEN)"),
            ("terlantar", "Penanganan Orang Terlantar dan ODGJ"),
        ),
    ),
    (
        "lingkungan",
        "Lingkungan Hidup dan Kebersihan",
        (
            ("sampah", "Sampah"),
            ("pencemaran-sungai", "Pencemaran Sungai"),
            ("limbah", "Limbah Industri dan Debu Batubara"),
        ),
    ),
    (
        "ketertiban",
        "Ketertiban Umum",
        (
            ("pkl", "Pedagang Kaki Lima"),
            ("bangunan", "Bangunan Liar"),
            ("gangguan", "Gangguan Ketenteraman"),
        ),
    ),
    (
        "perhubungan",
        "Perhubungan",
        (
            ("angkutan-umum", "Angkutan Umum"),
            ("parkir", "Parkir Liar"),
            ("rambu", "Rambu dan Lampu Lalu Lintas"),
            ("angkutan-batubara", "Angkutan Batubara"),
        ),
    ),
    (
        "ketenagakerjaan",
        "Ketenagakerjaan",
        (
            ("upah", "Upah dan Hak Normatif"),
            ("phk", "Pemutusan Hubungan Kerja"),
            ("kartu-kuning", "Kartu Pencari Kerja (AK/1)"),
        ),
    ),
    (
        "energi",
        "Energi dan Listrik",
        (
            ("pju", "Penerangan Jalan Umum"),
            ("pemadaman", "Pemadaman Listrik"),
            ("sambungan", "Sambungan Listrik Baru"),
        ),
    ),
    (
        "air-bersih",
        "Air Bersih",
        (
            ("distribusi", "Air Tidak Mengalir"),
            ("kualitas", "Kualitas Air"),
            ("sarana", "Sarana Air Bersih Desa"),
        ),
    ),
    (
        "kebencanaan",
        "Kebencanaan",
        (
            ("banjir", "Banjir"),
            ("longsor", "Tanah Longsor"),
            ("karhutla", "Kebakaran Hutan dan Lahan"),
        ),
    ),
    (
        "pelayanan-publik",
        "Pelayanan Publik Umum",
        (
            ("pungli", "Pungutan Liar"),
            ("petugas", "Sikap Petugas Layanan"),
            ("dana-desa", "Dana Desa"),
        ),
    ),
)


def category_tables() -> list[dict[str, Any]]:
    """The demo tree as the [[category]] tables of a reference document."""
    out: list[dict[str, Any]] = []
    for top_id, top_name, leaves in _TREE:
        out.append({"id": top_id, "name": top_name})
        out.extend({"id": f"{top_id}.{suffix}", "name": name, "parent": top_id} for suffix, name in leaves)
    return out


@cache
def _build() -> tuple[Category, ...]:
    # Through the reference file parser: the demo's tree obeys the rules a file does.
    return parse_document({"category": category_tables()}).categories


@cache
def category_index() -> dict[str, Category]:
    """Every demo category by id (built once; do not mutate)."""
    return {c.id: c for c in _build()}


def leaf_ids() -> tuple[str, ...]:
    """The ids of the categories without children, in tree order."""
    return tuple(c.id for c in _build() if c.parent_id is not None)


def demo_categories() -> list[Category]:
    """The demo category tree: 13 top-level kategori, each with 3-5 children.

    Ids are stable slugs ("infrastruktur", "infrastruktur.jalan"); every parent is
    listed before its children.
    """
    return list(_build())
