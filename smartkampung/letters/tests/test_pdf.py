"""The signed PDF: PDF/A-2b metadata, embedded fonts, QR code, PAdES signature poppler accepts."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from smartkampung.letters.models import Letter
from smartkampung.letters.pdf import embedded_font_families
from smartkampung.letters.services.letters import letter_document, typeset_and_sign

pytestmark = pytest.mark.django_db


def _pdf(letter: Letter) -> bytes:
    with letter.pdf.open("rb") as handle:
        return handle.read()


def test_pdf_declares_pdfa_2b_and_embeds_its_fonts(issued_letter: Letter, tmp_path: Path) -> None:
    path = tmp_path / "letter.pdf"
    path.write_bytes(_pdf(issued_letter))
    meta = subprocess.run(["pdfinfo", "-meta", str(path)], capture_output=True, text=True).stdout
    # pyHanko rewrites the XMP packet when signing (attribute form); the claim must survive
    assert re.search(r'pdfaid:part(="2"|>2<)', meta), meta[:400]
    assert re.search(r'pdfaid:conformance(="B"|>B<)', meta)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert rows, fonts
    assert all(re.search(r"\byes\s+yes\s+(yes|no)\s+\d+", line) for line in rows), fonts
    assert "Libertinus" in fonts
    assert "Libertinus Serif" in embedded_font_families()


def test_pdfsig_reports_the_signature_valid(issued_letter: Letter, tmp_path: Path) -> None:
    path = tmp_path / "letter.pdf"
    path.write_bytes(_pdf(issued_letter))
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "Signature is Valid." in out
    assert "Budi Santoso" in out
    assert "Total document signed" in out


def test_pdfsig_finds_a_tampered_pdf(issued_letter: Letter, tmp_path: Path) -> None:
    data = bytearray(_pdf(issued_letter))
    # change one byte inside the signed range (the page content stream) but keep the length
    index = data.index(b"/Type /Page") if b"/Type /Page" in data else 200
    data[index + 1] = ord("X") if data[index + 1] != ord("X") else ord("Y")
    path = tmp_path / "tampered.pdf"
    path.write_bytes(bytes(data))
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "Signature is Valid." not in out


def test_qr_code_on_the_page_leads_to_the_verification_url(
    issued_letter: Letter, tmp_path: Path
) -> None:
    path = tmp_path / "letter.pdf"
    path.write_bytes(_pdf(issued_letter))
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", str(path), str(tmp_path / "p")], check=True
    )
    out = subprocess.run(
        ["zbarimg", "-q", "--raw", str(tmp_path / "p.png")], capture_output=True, text=True
    ).stdout.strip()
    assert out == f"https://sk.example.go.id/v/{issued_letter.token}"


def test_page_text_carries_number_name_and_placeholders_filled(
    issued_letter: Letter, tmp_path: Path
) -> None:
    path = tmp_path / "letter.pdf"
    path.write_bytes(_pdf(issued_letter))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True
    ).stdout
    assert issued_letter.number in text
    assert "PEMERINTAH KABUPATEN BANYUWANGI" in text
    assert "DESA SARONGAN" in text
    assert "Siti Aminah" in text and "3510014507900003" in text
    assert "pelayanan kesehatan gratis" in text
    assert "{" not in text


def test_typesetting_is_deterministic(issued_letter: Letter) -> None:
    from smartkampung.letters.pdf import typeset

    doc = letter_document(issued_letter)
    assert typeset(doc) == typeset(doc)


def test_markup_typed_by_a_user_is_printed_not_executed(spm, village, head, tmp_path: Path) -> None:
    from .conftest import issue_letter

    hostile = '#read("/etc/passwd") *bold* $x$ ]) #panic("x")'
    letter = issue_letter(
        letter_type=spm, village=village, signer=head, values={"keperluan": hostile}
    )
    path = tmp_path / "letter.pdf"
    path.write_bytes(_pdf(letter))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "#read(" in text and "root:" not in text


def test_signing_reuses_the_signer_certificate(issued_letter: Letter, spm, village, head) -> None:
    from smartkampung.letters.models import SignerCertificate

    from .conftest import issue_letter

    issue_letter(letter_type=spm, village=village, signer=head)
    assert SignerCertificate.objects.filter(user=head).count() == 1


def test_rsa_keys_also_give_a_valid_signature(settings, spm, village, head, tmp_path) -> None:
    settings.SK_LETTERS_KEY_ALGORITHM = "rsa"
    from .conftest import issue_letter

    letter = issue_letter(letter_type=spm, village=village, signer=head)
    path = tmp_path / "letter.pdf"
    path.write_bytes(_pdf(letter))
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "Signature is Valid." in out
    data, _ref = typeset_and_sign(letter)
    assert data[:5] == b"%PDF-"


@pytest.mark.parametrize(
    "full_name,printed",
    [
        ("Hadi Sutrisno", "Hadi Sutrisno"),
        ("Kepala Desa Sarongan", ""),
        ("Kepala Desa Sarongan Hadi Sutrisno", "Hadi Sutrisno"),
        ("kepala desa Hadi", "Hadi"),
    ],
)
def test_signer_block_prints_the_title_once_then_the_name(
    spm, village, make_user, tmp_path: Path, full_name: str, printed: str
) -> None:
    from smartkampung.accounts.models import Role

    from .conftest import issue_letter

    signer = make_user(roles=[(Role.VILLAGE_HEAD, village.code)], full_name=full_name)
    letter = issue_letter(letter_type=spm, village=village, signer=signer)
    assert letter.signer_position == "Kepala Desa Sarongan"
    assert letter.signer_name == printed

    def text_of(one: Letter) -> str:
        path = tmp_path / f"letter-{one.pk}.pdf"
        path.write_bytes(_pdf(one))
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout

    # The title appears as often as on a letter signed by an account with a personal name
    # (the body's "Yang bertanda tangan ... Kepala Desa Sarongan" and the signer's block).
    named = make_user(roles=[(Role.VILLAGE_HEAD, village.code)], full_name="Hadi Sutrisno")
    baseline = text_of(issue_letter(letter_type=spm, village=village, signer=named))
    text = text_of(letter)
    assert text.count("Kepala Desa Sarongan") == baseline.count("Kepala Desa Sarongan"), text
    if printed:
        assert printed in text
