from smartkampung.core.privacy import mask_identifier, mask_name
from smartkampung.core.templatetags.sk import rupiah


def test_nik_is_masked_keeping_region_and_serial():
    assert mask_identifier("3510014507900003") == "3510••••••••0003"


def test_short_values_are_fully_masked():
    assert mask_identifier("1234") == "••••"
    assert mask_identifier("") == ""
    assert mask_identifier(None) == ""


def test_name_masking():
    assert mask_name("Siti Aminah") == "S*** A*****"


def test_rupiah_format():
    assert rupiah(1234567) == "Rp 1.234.567"
    assert rupiah(-5000) == "-Rp 5.000"
