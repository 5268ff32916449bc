"""Letter types whose body is still a default one print every field the citizen fills in
(ADR 0117): the SPM its dependents and income, the domicile letter the date, the KTP/KK cover
letter the remarks, the death letter the cause. Bodies a regency rewrote are left alone (the
type editor now asks for every field to be printed)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

OLD_BODIES = {
    "spm": (
        "Yang bertanda tangan di bawah ini {position}, Kecamatan {district}, {regency}, "
        "dengan ini menyatakan bahwa:\n\n"
        "{identity}\n\n"
        "adalah benar penduduk {village_kind} {village} yang menurut data dan "
        "pengetahuan kami tergolong keluarga miskin/tidak mampu.\n\n"
        "Surat pernyataan ini diberikan untuk keperluan {keperluan}.\n\n"
        "Demikian surat pernyataan ini dibuat dengan sebenarnya untuk dipergunakan "
        "sebagaimana mestinya."
    ),
    "domisili": (
        "Yang bertanda tangan di bawah ini {position}, Kecamatan {district}, {regency}, "
        "menerangkan dengan sebenarnya bahwa:\n\n"
        "{identity}\n\n"
        "adalah benar penduduk yang berdomisili di {alamat_domisili}, {village_kind} "
        "{village}, Kecamatan {district}, {regency}.\n\n"
        "Surat keterangan ini diberikan untuk keperluan {keperluan}.\n\n"
        "Demikian surat keterangan ini dibuat dengan sebenarnya untuk dipergunakan "
        "sebagaimana mestinya."
    ),
    "pengantar-ktp-kk": (
        "Yang bertanda tangan di bawah ini {position}, Kecamatan {district}, {regency}, "
        "menerangkan dengan sebenarnya bahwa:\n\n"
        "{identity}\n\n"
        "adalah benar penduduk {village_kind} {village} yang mengajukan "
        "{jenis_permohonan}. Mohon yang bersangkutan dapat diberikan pelayanan sesuai "
        "ketentuan yang berlaku.\n\n"
        "Demikian surat keterangan ini dibuat dengan sebenarnya untuk dipergunakan "
        "sebagaimana mestinya."
    ),
    "kematian": (
        "Yang bertanda tangan di bawah ini {position}, Kecamatan {district}, {regency}, "
        "menerangkan dengan sebenarnya bahwa:\n\n"
        "{identity}\n\n"
        "telah meninggal dunia pada tanggal {tanggal_meninggal} di {tempat_meninggal}.\n\n"
        "Keterangan ini dibuat berdasarkan laporan {nama_pelapor} ({hubungan_pelapor}).\n\n"
        "Demikian surat keterangan ini dibuat dengan sebenarnya untuk dipergunakan "
        "sebagaimana mestinya."
    ),
}

NEW_BODIES = {
    "spm": (
        "Yang bertanda tangan di bawah ini {position}, Kecamatan {district}, {regency}, "
        "dengan ini menyatakan bahwa:\n\n"
        "{identity}\n\n"
        "adalah benar penduduk {village_kind} {village} yang menurut data dan "
        "pengetahuan kami tergolong keluarga miskin/tidak mampu.\n\n"
        "{fields}\n\n"
        "Surat pernyataan ini diberikan untuk keperluan {keperluan}.\n\n"
        "Demikian surat pernyataan ini dibuat dengan sebenarnya untuk dipergunakan "
        "sebagaimana mestinya."
    ),
    "domisili": (
        "Yang bertanda tangan di bawah ini {position}, Kecamatan {district}, {regency}, "
        "menerangkan dengan sebenarnya bahwa:\n\n"
        "{identity}\n\n"
        "adalah benar penduduk yang berdomisili di {alamat_domisili}, {village_kind} "
        "{village}, Kecamatan {district}, {regency}.\n\n"
        "{fields}\n\n"
        "Surat keterangan ini diberikan untuk keperluan {keperluan}.\n\n"
        "Demikian surat keterangan ini dibuat dengan sebenarnya untuk dipergunakan "
        "sebagaimana mestinya."
    ),
    "pengantar-ktp-kk": (
        "Yang bertanda tangan di bawah ini {position}, Kecamatan {district}, {regency}, "
        "menerangkan dengan sebenarnya bahwa:\n\n"
        "{identity}\n\n"
        "adalah benar penduduk {village_kind} {village} yang mengajukan "
        "{jenis_permohonan}. Mohon yang bersangkutan dapat diberikan pelayanan sesuai "
        "ketentuan yang berlaku.\n\n"
        "{fields}\n\n"
        "Demikian surat keterangan ini dibuat dengan sebenarnya untuk dipergunakan "
        "sebagaimana mestinya."
    ),
    "kematian": (
        "Yang bertanda tangan di bawah ini {position}, Kecamatan {district}, {regency}, "
        "menerangkan dengan sebenarnya bahwa:\n\n"
        "{identity}\n\n"
        "telah meninggal dunia pada tanggal {tanggal_meninggal} di {tempat_meninggal}.\n\n"
        "{fields}\n\n"
        "Keterangan ini dibuat berdasarkan laporan {nama_pelapor} ({hubungan_pelapor}).\n\n"
        "Demikian surat keterangan ini dibuat dengan sebenarnya untuk dipergunakan "
        "sebagaimana mestinya."
    ),
}


def _swap(apps: Any, source: dict[str, str], target: dict[str, str]) -> None:
    LetterType = apps.get_model("letters", "LetterType")
    for code, body in source.items():
        LetterType.objects.filter(code=code, body=body).update(body=target[code])


def print_every_field(apps: Any, schema_editor: Any) -> None:
    _swap(apps, OLD_BODIES, NEW_BODIES)


def back(apps: Any, schema_editor: Any) -> None:
    _swap(apps, NEW_BODIES, OLD_BODIES)


class Migration(migrations.Migration):
    dependencies = [("letters", "0004_catalogue_english_labels")]
    operations = [migrations.RunPython(print_every_field, back)]
