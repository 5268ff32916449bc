"""The PDF "no active content" check parses the document (pypdf) and inspects every object.

Each evasion the probe found is built here: name escapes (``/Open#41ction``,
``/Java#53cript``), a script kept inside a compressed object stream (invisible in the raw
bytes), embedded files, launch and submit-form actions, XFA forms, encryption."""

from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.writer import PdfFileWriter
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    StreamObject,
    TextStringObject,
)

from smartkampung.core.uploads import UploadRejected, validate_pdf


def _raw_pdf(extra: bytes = b"") -> bytes:
    """A one-object-per-line PDF whose catalogue carries ``extra`` (escapes kept as typed)."""
    body = (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R " + extra + b" >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    )
    xref_pos = len(body)
    body += (
        b"xref\n0 3\n0000000000 65535 f \n"
        + b"%010d 00000 n \n" % 9
        + b"%010d 00000 n \n" % body.index(b"2 0 obj")
        + b"trailer << /Size 3 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref_pos
    )
    return body


def _name(text: str) -> generic.NameObject:
    return generic.NameObject(text)


def _in_object_stream(catalogue_key: str, value: dict[str, object]) -> bytes:
    """A PDF 1.7 with cross-reference streams whose active dictionary lives, compressed, in an
    object stream; the catalogue points to it through another compressed object, so the raw
    bytes show no telling name at all."""
    writer = PdfFileWriter(stream_xrefs=True)
    stream = writer.prepare_object_stream()

    def pdf_value(item: object) -> generic.PdfObject:
        if isinstance(item, str) and item.startswith("/"):
            return _name(item)
        if isinstance(item, str):
            return generic.TextStringObject(item)
        if isinstance(item, dict):
            return generic.DictionaryObject({_name(k): pdf_value(v) for k, v in item.items()})
        if isinstance(item, list):
            return generic.ArrayObject([pdf_value(v) for v in item])
        raise TypeError(item)

    active = writer.add_object(pdf_value(value), obj_stream=stream)
    holder = writer.add_object(
        generic.DictionaryObject({_name(catalogue_key): active}), obj_stream=stream
    )
    writer.root[_name("/Names")] = holder
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _refused(data: bytes, code: str = "pdf_active_content") -> None:
    with pytest.raises(UploadRejected) as info:
        validate_pdf(data)
    assert info.value.code == code
    assert "PDF" in str(info.value.message)


def _pypdf_blank() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def _written(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# --- harmless documents pass -----------------------------------------------------------------


def test_a_typeset_pdf_is_accepted():
    import typst

    validate_pdf(typst.compile(b"= Kartu Keluarga\nSalinan.", format="pdf"))


def test_a_pdf_with_compressed_object_streams_and_no_action_is_accepted():
    validate_pdf(_in_object_stream("/Dests", {"/Type": "/Annot", "/Contents": "catatan"}))


def test_a_plain_link_is_accepted():
    validate_pdf(_in_object_stream("/Dests", {"/S": "/URI", "/URI": "https://example.org/"}))


def test_resource_names_and_stream_data_are_not_read_as_actions():
    """A graphics state the author called /JS, and ``/AA`` in stream bytes, are no script."""
    writer = _pypdf_blank()
    page = writer.pages[0]
    content = StreamObject()
    content.set_data(b"q /JS gs /AA /OpenAction BT ET Q")
    page[NameObject("/Contents")] = writer._add_object(content)
    page[NameObject("/Resources")] = DictionaryObject(
        {
            NameObject("/ExtGState"): DictionaryObject(
                {NameObject("/JS"): DictionaryObject({NameObject("/CA"): NameObject("/x")})}
            )
        }
    )
    validate_pdf(_written(writer))


# --- name escapes ------------------------------------------------------------------------------


def test_open_action_spelt_with_a_name_escape_is_refused():
    _refused(_raw_pdf(b"/Open#41ction << /S /Java#53cript /J#53 (app.alert(1)) >>"))


def test_javascript_spelt_with_a_name_escape_is_refused():
    _refused(_raw_pdf(b"/Names << /Java#53cript << /Names [(a) << /S /URI >>] >> >>"))


def test_an_action_type_spelt_with_escapes_is_refused():
    _refused(_raw_pdf(b"/Outlines << /A << /S /#4Caunch /F (cmd.exe) >> >>"))


# --- inside compressed object streams ----------------------------------------------------------


def test_a_script_inside_a_compressed_object_stream_is_refused():
    data = _in_object_stream("/OpenAction", {"/S": "/JavaScript", "/JS": "app.alert(1)"})
    assert b"JavaScript" not in data and b"OpenAction" not in data  # invisible to a byte scan
    _refused(data)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("/A", {"/S": "/Launch", "/F": "cmd.exe"}),
        ("/A", {"/S": "/SubmitForm", "/F": {"/FS": "/URL", "/F": "https://evil.example/"}}),
        ("/A", {"/S": "/ImportData", "/F": "data.fdf"}),
        ("/A", {"/S": "/GoToR", "/F": "other.pdf"}),
        ("/AcroForm", {"/Fields": [], "/XFA": "<xdp:xdp/>"}),
        ("/Dests", {"/Type": "/Filespec", "/F": "x.exe", "/EF": {"/F": "/x"}}),
        ("/Dests", {"/Type": "/Annot", "/Subtype": "/FileAttachment", "/Contents": "x"}),
        ("/Dests", {"/Type": "/Annot", "/AA": {"/O": {"/S": "/URI"}}}),
    ],
    ids=["launch", "submit-form", "import-data", "remote-goto", "xfa", "embedded", "attach", "aa"],
)
def test_actions_and_files_inside_object_streams_are_refused(key, value):
    _refused(_in_object_stream(key, value))


# --- written by a PDF library ------------------------------------------------------------------


def test_document_javascript_is_refused():
    writer = _pypdf_blank()
    action = writer._add_object(
        DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert('x');"),
            }
        )
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {
            NameObject("/JavaScript"): DictionaryObject(
                {NameObject("/Names"): ArrayObject([TextStringObject("init"), action])}
            )
        }
    )
    _refused(_written(writer))


def test_an_embedded_file_is_refused():
    writer = _pypdf_blank()
    writer.add_attachment("payload.exe", b"MZ\x90\x00")
    _refused(_written(writer))


def test_an_xfa_form_is_refused():
    writer = _pypdf_blank()
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject(), NameObject("/XFA"): TextStringObject("<xdp/>")}
    )
    _refused(_written(writer))


def test_a_link_that_launches_a_program_is_refused():
    writer = _pypdf_blank()
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject(),
            NameObject("/A"): DictionaryObject(
                {
                    NameObject("/S"): NameObject("/Launch"),
                    NameObject("/F"): TextStringObject("cmd.exe"),
                }
            ),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    _refused(_written(writer))


def test_an_encrypted_pdf_is_refused():
    writer = _pypdf_blank()
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    _refused(_written(writer), code="pdf_encrypted")


def test_a_damaged_pdf_is_refused():
    _refused(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R\n%%EOF\n", code="pdf_damaged")
