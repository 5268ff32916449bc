"""The letter types every installation starts with (installed by migration 0002, kept in sync
by the demo seed). Regency officers change them afterwards; this module only adds missing types.

The words are Indonesian: they are printed on official letters (UU 24/2009).
"""

from __future__ import annotations

from typing import Any

OPERATOR = "village_operator"
SECRETARY = "village_secretary"
HEAD = "village_head"

KTP = {"key": "ktp", "label": "Foto KTP-el", "required": True}
KK = {"key": "kk", "label": "Foto Kartu Keluarga", "required": True}

CLOSING = (
    "Demikian surat keterangan ini dibuat dengan sebenarnya untuk dipergunakan "
    "sebagaimana mestinya."
)
OPENING = (
    "Yang bertanda tangan di bawah ini {position}, Kecamatan {district}, {regency}, "
    "menerangkan dengan sebenarnya bahwa:"
)


def _field(key: str, label: str, kind: str = "text", required: bool = True, **extra: Any) -> dict:
    return {"key": key, "label": label, "kind": kind, "required": required, **extra}


DEFAULT_TYPES: list[dict[str, Any]] = [
    {
        "code": "spm",
        "title": "Surat Pernyataan Miskin",
        "description": (
            "Pernyataan bahwa keluarga tergolong miskin/tidak mampu (juga dikenal sebagai "
            "Surat Keterangan Tidak Mampu, SKTM), untuk pelayanan kesehatan gratis, "
            "keringanan biaya pendidikan atau bantuan sosial."
        ),
        "number_code": "460",
        "fields": [
            _field(
                "keperluan",
                "Keperluan",
                "choice",
                choices=[
                    "pelayanan kesehatan gratis",
                    "keringanan biaya pendidikan",
                    "pengajuan bantuan sosial",
                ],
            ),
            _field("jumlah_tanggungan", "Jumlah tanggungan keluarga", "number", False),
            _field("penghasilan", "Penghasilan keluarga per bulan", "text", False),
        ],
        "documents": [KTP, KK, {"key": "foto_rumah", "label": "Foto rumah", "required": False}],
        "validity_days": 90,
        "target_minutes": 30,
        "body": (
            "Yang bertanda tangan di bawah ini {position}, Kecamatan {district}, {regency}, "
            "dengan ini menyatakan bahwa:\n\n{identity}\n\n"
            "adalah benar penduduk {village_kind} {village} yang menurut data dan pengetahuan "
            "kami tergolong keluarga miskin/tidak mampu.\n\n{fields}\n\n"
            "Surat pernyataan ini diberikan untuk keperluan {keperluan}.\n\n"
            "Demikian surat pernyataan ini dibuat dengan sebenarnya untuk dipergunakan "
            "sebagaimana mestinya."
        ),
        "sort_order": 10,
    },
    {
        "code": "domisili",
        "title": "Surat Keterangan Domisili",
        "description": "Keterangan tempat tinggal (domisili) seorang penduduk.",
        "number_code": "470",
        "fields": [
            _field("alamat_domisili", "Alamat domisili", "textarea", prefill="address"),
            _field("sejak", "Berdomisili sejak", "date", False),
            _field("keperluan", "Keperluan"),
        ],
        "documents": [KTP, {**KK, "required": False}],
        "validity_days": 180,
        "body": (
            OPENING + "\n\n{identity}\n\n"
            "adalah benar penduduk yang berdomisili di {alamat_domisili}, {village_kind} "
            "{village}, Kecamatan {district}, {regency}.\n\n{fields}\n\n"
            "Surat keterangan ini diberikan untuk keperluan {keperluan}.\n\n" + CLOSING
        ),
        "sort_order": 20,
    },
    {
        "code": "usaha",
        "title": "Surat Keterangan Usaha",
        "description": "Keterangan bahwa seorang penduduk menjalankan usaha di desa ini.",
        "number_code": "510",
        "fields": [
            _field("nama_usaha", "Nama usaha"),
            _field("jenis_usaha", "Jenis usaha"),
            _field("alamat_usaha", "Alamat usaha", "textarea", prefill="address"),
            _field("mulai_usaha", "Berdiri sejak (tahun)", "number", False),
            _field("keperluan", "Keperluan"),
        ],
        "documents": [KTP, {"key": "foto_usaha", "label": "Foto tempat usaha", "required": False}],
        "validity_days": 365,
        "body": (
            OPENING + "\n\n{identity}\n\n"
            "adalah benar penduduk {village_kind} {village} yang menjalankan usaha sebagai "
            "berikut:\n\n{fields}\n\n"
            "Surat keterangan ini diberikan untuk keperluan {keperluan}.\n\n" + CLOSING
        ),
        "sort_order": 30,
    },
    {
        "code": "pengantar-ktp-kk",
        "title": "Surat Pengantar KTP-el / Kartu Keluarga",
        "description": "Pengantar ke Dinas Kependudukan untuk KTP-el atau Kartu Keluarga.",
        "number_code": "471",
        "fields": [
            _field(
                "jenis_permohonan",
                "Jenis permohonan",
                "choice",
                choices=[
                    "pembuatan KTP-el baru",
                    "penggantian KTP-el hilang atau rusak",
                    "pembuatan Kartu Keluarga baru",
                    "perubahan data Kartu Keluarga",
                ],
            ),
            _field("keterangan", "Keterangan", "textarea", False),
        ],
        "documents": [
            KK,
            {
                "key": "surat_kehilangan",
                "label": "Surat keterangan kehilangan dari kepolisian",
                "required": False,
            },
        ],
        "validity_days": 30,
        "body": (
            OPENING + "\n\n{identity}\n\n"
            "adalah benar penduduk {village_kind} {village} yang mengajukan {jenis_permohonan}. "
            "Mohon yang bersangkutan dapat diberikan pelayanan sesuai ketentuan yang berlaku.\n\n"
            "{fields}\n\n" + CLOSING
        ),
        "sort_order": 40,
    },
    {
        "code": "kelahiran",
        "title": "Surat Keterangan Kelahiran",
        "description": "Keterangan kelahiran anak, untuk pembuatan akta kelahiran.",
        "number_code": "474.1",
        "fields": [
            _field("nama_anak", "Nama anak"),
            _field(
                "jenis_kelamin_anak",
                "Jenis kelamin anak",
                "choice",
                choices=["Laki-laki", "Perempuan"],
            ),
            _field("tempat_lahir_anak", "Tempat lahir anak"),
            _field("tanggal_lahir_anak", "Tanggal lahir anak", "date"),
            _field("nama_ayah", "Nama ayah"),
            _field("nama_ibu", "Nama ibu"),
        ],
        "documents": [
            {
                "key": "surat_lahir",
                "label": "Surat keterangan lahir dari bidan/rumah sakit",
                "required": True,
            },
            KK,
            {
                "key": "buku_nikah",
                "label": "Buku nikah / akta perkawinan orang tua",
                "required": False,
            },
        ],
        "validity_days": None,
        "body": (
            OPENING + "\n\n{fields}\n\n"
            "adalah benar anak yang lahir di {village_kind} {village} dari pasangan {nama_ayah} "
            "dan {nama_ibu}. Keterangan ini dibuat berdasarkan laporan dari:\n\n{identity}\n\n"
            + CLOSING
        ),
        "sort_order": 50,
    },
    {
        "code": "kematian",
        "title": "Surat Keterangan Kematian",
        "description": "Keterangan meninggalnya seorang penduduk, untuk akta kematian.",
        "number_code": "474.3",
        "fields": [
            _field("tanggal_meninggal", "Tanggal meninggal", "date"),
            _field("tempat_meninggal", "Tempat meninggal"),
            _field("sebab_meninggal", "Sebab meninggal", "text", False),
            _field("nama_pelapor", "Nama pelapor"),
            _field("hubungan_pelapor", "Hubungan pelapor dengan almarhum/almarhumah"),
        ],
        "documents": [
            KK,
            {
                "key": "surat_kematian",
                "label": "Surat keterangan kematian dari dokter/rumah sakit",
                "required": False,
            },
        ],
        "validity_days": None,
        "body": (
            OPENING + "\n\n{identity}\n\n"
            "telah meninggal dunia pada tanggal {tanggal_meninggal} di {tempat_meninggal}.\n\n"
            "{fields}\n\n"
            "Keterangan ini dibuat berdasarkan laporan {nama_pelapor} "
            "({hubungan_pelapor}).\n\n" + CLOSING
        ),
        "sort_order": 60,
    },
    {
        "code": "pengantar-skck",
        "title": "Surat Pengantar SKCK",
        "description": "Pengantar ke kepolisian untuk Surat Keterangan Catatan Kepolisian.",
        "number_code": "331",
        "fields": [_field("keperluan", "Keperluan SKCK")],
        "documents": [KTP, KK, {"key": "pas_foto", "label": "Pas foto", "required": False}],
        "validity_days": 30,
        "body": (
            OPENING + "\n\n{identity}\n\n"
            "adalah benar penduduk {village_kind} {village} yang sepanjang pengetahuan kami "
            "berkelakuan baik dan tidak sedang tersangkut perkara pidana. Surat pengantar ini "
            "diberikan untuk mengurus Surat Keterangan Catatan Kepolisian (SKCK) guna "
            "{keperluan}.\n\n" + CLOSING
        ),
        "sort_order": 70,
    },
    {
        "code": "pindah",
        "title": "Surat Keterangan Pindah",
        "description": "Keterangan pindah tempat tinggal ke desa/kelurahan lain.",
        "number_code": "475",
        "fields": [
            _field("alamat_tujuan", "Alamat tujuan", "textarea"),
            _field("desa_tujuan", "Desa/kelurahan tujuan"),
            _field("kecamatan_tujuan", "Kecamatan tujuan"),
            _field("kabupaten_tujuan", "Kabupaten/kota tujuan"),
            _field(
                "alasan_pindah",
                "Alasan pindah",
                "choice",
                choices=["pekerjaan", "pendidikan", "keluarga", "perumahan", "lainnya"],
            ),
            _field("jumlah_pengikut", "Jumlah anggota keluarga yang ikut pindah", "number", False),
        ],
        "documents": [KK, KTP],
        "validity_days": 30,
        "body": (
            OPENING + "\n\n{identity}\n\n"
            "adalah benar penduduk {village_kind} {village} yang akan pindah ke:\n\n{fields}\n\n"
            + CLOSING
        ),
        "sort_order": 80,
    },
]

DEFAULT_VERIFIERS = [OPERATOR, SECRETARY]
DEFAULT_APPROVERS = [HEAD]


# English labels of the default fields and documents (the catalogue is data, so its labels are
# not in the gettext catalogues; a field keeps "label" in Indonesian, as printed on the letter,
# and "label_en" for the English interface).
ENGLISH_LABELS: dict[str, str] = {
    "Foto KTP-el": "Photo of the e-KTP (ID card)",
    "Foto Kartu Keluarga": "Photo of the family card (KK)",
    "Foto rumah": "Photo of the house",
    "Foto tempat usaha": "Photo of the business premises",
    "Pas foto": "Passport photo",
    "Surat keterangan kehilangan dari kepolisian": "Police report of the loss",
    "Surat keterangan lahir dari bidan/rumah sakit": "Birth statement from the midwife/hospital",
    "Buku nikah / akta perkawinan orang tua": "Parents' marriage book / certificate",
    "Surat keterangan kematian dari dokter/rumah sakit": "Death statement from the doctor/hospital",
    "Keperluan": "Purpose",
    "Keperluan SKCK": "Purpose of the police certificate (SKCK)",
    "Jumlah tanggungan keluarga": "Number of dependants in the family",
    "Penghasilan keluarga per bulan": "Family income per month",
    "Alamat domisili": "Address of residence",
    "Berdomisili sejak": "Resident there since",
    "Nama usaha": "Business name",
    "Jenis usaha": "Type of business",
    "Alamat usaha": "Business address",
    "Berdiri sejak (tahun)": "Established (year)",
    "Jenis permohonan": "Type of request",
    "Keterangan": "Remarks",
    "Nama anak": "Child's name",
    "Jenis kelamin anak": "Child's sex",
    "Tempat lahir anak": "Child's place of birth",
    "Tanggal lahir anak": "Child's date of birth",
    "Nama ayah": "Father's name",
    "Nama ibu": "Mother's name",
    "Tanggal meninggal": "Date of death",
    "Tempat meninggal": "Place of death",
    "Sebab meninggal": "Cause of death",
    "Nama pelapor": "Name of the person reporting",
    "Hubungan pelapor dengan almarhum/almarhumah": "Relationship of the reporter to the deceased",
    "Alamat tujuan": "Destination address",
    "Desa/kelurahan tujuan": "Destination village",
    "Kecamatan tujuan": "Destination district (kecamatan)",
    "Kabupaten/kota tujuan": "Destination regency/city",
    "Alasan pindah": "Reason for moving",
    "Jumlah anggota keluarga yang ikut pindah": "Family members moving along",
}


def with_english_labels(specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The field or document dicts with ``label_en`` where the defaults know one."""
    return [
        {**spec, "label_en": ENGLISH_LABELS[spec["label"]]}
        if not spec.get("label_en") and spec.get("label") in ENGLISH_LABELS
        else spec
        for spec in specs
    ]


for _type in DEFAULT_TYPES:
    _type["fields"] = with_english_labels(_type["fields"])
    _type["documents"] = with_english_labels(_type["documents"])


def install_default_types(model: Any, regency_code: str) -> int:
    """Create the default types a regency lacks (by code); return how many were created.

    ``model`` is the LetterType class (the historical one inside a migration)."""
    created = 0
    for spec in DEFAULT_TYPES:
        if model.objects.filter(regency_id=regency_code, code=spec["code"]).exists():
            continue
        model.objects.create(
            **{
                "regency_id": regency_code,
                "verifier_roles": DEFAULT_VERIFIERS,
                "approver_roles": DEFAULT_APPROVERS,
                "target_minutes": 1440,
                **spec,
            }
        )
        created += 1
    return created
