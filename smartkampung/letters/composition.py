"""From a letter type, a subject and the filled fields to the words on the page.

The body is the officer's text with ``{placeholders}``; a line holding only ``{identity}`` or
``{fields}`` becomes a table (the subject's identity, or the filled fields the body does not
name elsewhere). Every field is printed: by name or in ``{fields}``. Values are placed as
plain text (the typesetter never interprets them). Everything is frozen into the letter's
``content`` at issue, so the PDF can always be made again exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, fields
from typing import Any

from .models import FieldSpec
from .pdf import Block, date_id

PLACEHOLDER_RE = re.compile(r"\{([a-z][a-z0-9_]*)\}")
TABLE_LINES = {"identity", "fields"}

# Placeholders every body may use, with a description for the officers' help text.
SUBJECT_PLACEHOLDERS = {
    "name": "nama",
    "nik": "NIK",
    "kk_number": "nomor KK",
    "sex": "jenis kelamin",
    "birth_place": "tempat lahir",
    "birth_date": "tanggal lahir",
    "religion": "agama",
    "occupation": "pekerjaan",
    "marital_status": "status perkawinan",
    "nationality": "kewarganegaraan",
    "address": "alamat lengkap",
}
LETTER_PLACEHOLDERS = {
    "village": "nama desa/kelurahan",
    "village_kind": "Desa/Kelurahan",
    "district": "kecamatan",
    "regency": "kabupaten",
    "position": "jabatan penanda tangan",
    "date": "tanggal surat",
}
KNOWN_PLACEHOLDERS = set(SUBJECT_PLACEHOLDERS) | set(LETTER_PLACEHOLDERS) | TABLE_LINES


@dataclass(frozen=True)
class LetterSubject:
    """The person the letter is about, as printed (display values, in Indonesian)."""

    name: str
    nik: str = ""
    kk_number: str = ""
    sex: str = ""
    birth_place: str = ""
    birth_date: str = ""  # already formatted, e.g. "17 Agustus 1985"
    religion: str = ""
    occupation: str = ""
    marital_status: str = ""
    nationality: str = "WNI"
    address: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LetterSubject:
        names = {f.name for f in fields(cls)}
        return cls(**{k: str(v) for k, v in data.items() if k in names})


IDENTITY_ROWS = (
    ("Nama", "name"),
    ("NIK", "nik"),
    ("Tempat/Tanggal Lahir", "birth"),
    ("Jenis Kelamin", "sex"),
    ("Agama", "religion"),
    ("Pekerjaan", "occupation"),
    ("Status Perkawinan", "marital_status"),
    ("Kewarganegaraan", "nationality"),
    ("Alamat", "address"),
)


def _identity_rows(subject: LetterSubject) -> tuple[tuple[str, str], ...]:
    values = subject.as_dict()
    values["birth"] = ", ".join(v for v in (subject.birth_place, subject.birth_date) if v)
    return tuple((label, values[key]) for label, key in IDENTITY_ROWS if values.get(key))


@dataclass(frozen=True)
class Letterhead:
    regency: str  # "Kabupaten Banyuwangi"
    district: str  # "Pesanggaran"
    village: str  # "Sarongan"
    village_kind: str  # "Desa" / "Kelurahan"


def signer_position(head: Letterhead) -> str:
    return (
        f"Lurah {head.village}"
        if head.village_kind == "Kelurahan"
        else (f"Kepala Desa {head.village}")
    )


def signer_name_for(name: str, position: str) -> str:
    """The name printed under the position in the signer's block: the person's name once,
    never the title again. An account named after its office ("Kepala Desa Sarongan", or
    "Kepala Desa Sarongan Hadi Sutrisno") keeps only what follows the title; an account with
    no personal name prints nothing under the position rather than the title twice."""
    text = " ".join(name.split())
    for title in (position, "Kepala Desa", "Lurah"):
        if title and text.lower().startswith(title.lower()):
            text = text[len(title) :].strip(" ,.-")
            break
    return text


def compose_blocks(
    *,
    body: str,
    subject: LetterSubject,
    field_specs: list[FieldSpec],
    values: dict[str, str],
    head: Letterhead,
    position: str,
    day: dt.date,
) -> list[Block]:
    """The body's paragraphs and tables, placeholders filled in."""
    substitutions: dict[str, str] = dict(subject.as_dict())
    substitutions.update(
        {
            "village": head.village,
            "village_kind": head.village_kind,
            "district": head.district,
            "regency": head.regency,
            "position": position,
            "date": date_id(day),
        }
    )
    for spec in field_specs:
        substitutions[spec.key] = values.get(spec.key, "")
    # {fields} lists what the citizen entered that the body does not print by name, so a
    # value is printed once: where the body places it, else in the table (ADR 0117).
    named = body_placeholders(body)
    field_rows = tuple(
        (spec.label, values[spec.key])
        for spec in field_specs
        if values.get(spec.key) and spec.key not in named
    )

    blocks: list[Block] = []
    for paragraph in re.split(r"\n\s*\n", body.replace("\r\n", "\n").strip()):
        text = " ".join(line.strip() for line in paragraph.splitlines() if line.strip())
        if text == "{identity}":
            blocks.append(Block(kind="table", rows=_identity_rows(subject)))
        elif text == "{fields}":
            if field_rows:
                blocks.append(Block(kind="table", rows=field_rows))
        elif text:
            blocks.append(
                Block(
                    kind="para",
                    text=PLACEHOLDER_RE.sub(lambda m: substitutions.get(m.group(1), ""), text),
                )
            )
    return blocks


def body_placeholders(body: str) -> set[str]:
    return set(PLACEHOLDER_RE.findall(body))
