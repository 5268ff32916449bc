"""Managing the catalogue of letter types (regency officers).

Officers edit the fields and documents as simple lines (``key | label | kind | required``)
rather than code; everything is checked before anything is saved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from smartkampung import audit
from smartkampung.core.exceptions import NotFound, PermissionDenied
from smartkampung.regions.models import Level, Region

from ..composition import (
    KNOWN_PLACEHOLDERS,
    SUBJECT_PLACEHOLDERS,
    TABLE_LINES,
    body_placeholders,
)
from ..defaults import install_default_types
from ..exceptions import LetterErrorCode, LetterInvalid
from ..models import DocumentSpec, FieldKind, FieldSpec, LetterType
from ..numbering import PER_TYPE, numbering_mode, validate_number_format
from ..permissions import ASSIGNABLE_ROLES, can_manage_letter_types

KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
REQUIRED_WORDS = {"required", "wajib", "yes", "ya"}
OPTIONAL_WORDS = {"optional", "opsional", "no", "tidak"}
MAX_FIELDS = 30
MAX_DOCUMENTS = 10


def _invalid(message: str, details: Any = None) -> LetterInvalid:
    return LetterInvalid(message, code=LetterErrorCode.TYPE_INVALID, details=details)


def _required_flag(word: str, line_no: int) -> bool:
    word = word.strip().lower()
    if not word or word in REQUIRED_WORDS:
        return True
    if word in OPTIONAL_WORDS:
        return False
    raise _invalid(
        _("Line %(line)d: write “required” or “optional”, not “%(word)s”.")
        % {"line": line_no, "word": word}
    )


def parse_field_lines(text: str) -> list[FieldSpec]:
    """``key | label | kind | required | prefill`` per line; kind ``choice: a; b; c``."""
    specs: list[FieldSpec] = []
    seen: set[str] = set()
    for line_no, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        parts = [p.strip() for p in raw.split("|")]
        if len(parts) < 2 or len(parts) > 5:
            raise _invalid(
                _("Line %(line)d: expected “key | label | kind | required”.") % {"line": line_no}
            )
        key, (label, label_en) = parts[0], _labels(parts[1], line_no)
        kind_text = parts[2] if len(parts) > 2 and parts[2] else FieldKind.TEXT
        required = _required_flag(parts[3] if len(parts) > 3 else "", line_no)
        prefill = parts[4] if len(parts) > 4 else ""
        if not KEY_RE.match(key) or key in KNOWN_PLACEHOLDERS:
            raise _invalid(
                _(
                    "Line %(line)d: the key “%(key)s” must be lower-case letters, digits and _, "
                    "and not a built-in placeholder."
                )
                % {"line": line_no, "key": key}
            )
        if key in seen:
            raise _invalid(
                _("Line %(line)d: the key “%(key)s” is used twice.") % {"line": line_no, "key": key}
            )
        if not label or len(label) > 100:
            raise _invalid(
                _("Line %(line)d: a label of 1–100 characters is needed.") % {"line": line_no}
            )
        choices: tuple[str, ...] = ()
        kind = kind_text.lower()
        if kind.startswith("choice"):
            _kind, _sep, options = kind_text.partition(":")
            choices = tuple(o.strip() for o in options.split(";") if o.strip())
            kind = FieldKind.CHOICE
            if len(choices) < 2:
                raise _invalid(
                    _("Line %(line)d: a choice needs at least two options (choice: a; b).")
                    % {"line": line_no}
                )
        elif kind not in FieldKind.values:
            raise _invalid(
                _("Line %(line)d: unknown kind “%(kind)s” (known: %(known)s).")
                % {"line": line_no, "kind": kind, "known": ", ".join(FieldKind.values)}
            )
        if prefill and prefill not in SUBJECT_PLACEHOLDERS:
            raise _invalid(
                _("Line %(line)d: cannot prefill from “%(source)s” (known: %(known)s).")
                % {"line": line_no, "source": prefill, "known": ", ".join(SUBJECT_PLACEHOLDERS)}
            )
        seen.add(key)
        specs.append(FieldSpec(key, label, kind, required, prefill, choices, label_en))
    if len(specs) > MAX_FIELDS:
        raise _invalid(_("At most %(n)d fields.") % {"n": MAX_FIELDS})
    return specs


def parse_document_lines(text: str) -> list[DocumentSpec]:
    """``key | label | required`` per line."""
    specs: list[DocumentSpec] = []
    seen: set[str] = set()
    for line_no, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        parts = [p.strip() for p in raw.split("|")]
        if len(parts) < 2 or len(parts) > 3:
            raise _invalid(
                _("Line %(line)d: expected “key | label | required”.") % {"line": line_no}
            )
        key, (label, label_en) = parts[0], _labels(parts[1], line_no)
        if not KEY_RE.match(key) or key in seen:
            raise _invalid(
                _("Line %(line)d: the key “%(key)s” is not valid or used twice.")
                % {"line": line_no, "key": key}
            )
        if not label or len(label) > 100:
            raise _invalid(
                _("Line %(line)d: a label of 1–100 characters is needed.") % {"line": line_no}
            )
        seen.add(key)
        specs.append(
            DocumentSpec(
                key, label, _required_flag(parts[2] if len(parts) > 2 else "", line_no), label_en
            )
        )
    if len(specs) > MAX_DOCUMENTS:
        raise _invalid(_("At most %(n)d documents.") % {"n": MAX_DOCUMENTS})
    return specs


def _labels(cell: str, line_no: int) -> tuple[str, str]:
    """``Keperluan // Purpose``: the Indonesian label (printed on the letter) and, after
    ``//``, the English one (shown in the English interface; optional)."""
    label, _sep, label_en = (part.strip() for part in cell.partition("//"))
    if len(label_en) > 100:
        raise _invalid(
            _("Line %(line)d: a label of 1–100 characters is needed.") % {"line": line_no}
        )
    return label, label_en


def _label_cell(label: str, label_en: str) -> str:
    return f"{label} // {label_en}" if label_en else label


def field_lines(specs: list[FieldSpec]) -> str:
    lines = []
    for s in specs:
        kind = f"choice: {'; '.join(s.choices)}" if s.kind == FieldKind.CHOICE else s.kind
        parts = [
            s.key,
            _label_cell(s.label, s.label_en),
            kind,
            "required" if s.required else "optional",
        ]
        if s.prefill:
            parts.append(s.prefill)
        lines.append(" | ".join(parts))
    return "\n".join(lines)


def document_lines(specs: list[DocumentSpec]) -> str:
    return "\n".join(
        f"{s.key} | {_label_cell(s.label, s.label_en)} | {'required' if s.required else 'optional'}"
        for s in specs
    )


@dataclass(frozen=True)
class LetterTypeInput:
    code: str
    title: str
    description: str
    number_code: str
    number_format: str
    fields: list[FieldSpec]
    documents: list[DocumentSpec]
    verifier_roles: list[str]
    approver_roles: list[str]
    validity_days: int | None
    target_minutes: int
    body: str
    is_active: bool = True
    sort_order: int = 100


def _validate(data: LetterTypeInput, *, regency_code: str, instance_pk: int | None) -> None:
    if not KEY_RE.match(data.code.replace("-", "_")) or len(data.code) > 20:
        raise _invalid(_("The code must be 1–20 lower-case letters, digits or dashes."))
    if not data.title.strip():
        raise _invalid(_("A title is required."))
    if not data.number_code.strip() or "/" in data.number_code:
        raise _invalid(_("A number code without “/” is required."))
    validate_number_format(data.number_format)
    for roles in (data.verifier_roles, data.approver_roles):
        if not roles or any(r not in ASSIGNABLE_ROLES for r in roles):
            raise _invalid(_("Choose at least one village role for checking and for approving."))
    if data.validity_days is not None and not 1 <= data.validity_days <= 3650:
        raise _invalid(_("The validity must be between 1 and 3650 days."))
    if not 1 <= data.target_minutes <= 60 * 24 * 30:
        raise _invalid(_("The target time must be between 1 minute and 30 days."))
    if not data.body.strip():
        raise _invalid(_("The body text is required."))
    used = body_placeholders(data.body)
    allowed = KNOWN_PLACEHOLDERS | {f.key for f in data.fields}
    unknown = sorted(used - allowed)
    if unknown:
        raise _invalid(
            _("Unknown placeholders in the body: %(names)s.")
            % {"names": ", ".join("{" + n + "}" for n in unknown)},
            details={"unknown": unknown},
        )
    unprinted = [f.key for f in data.fields if f.key not in used and "fields" not in used]
    if unprinted:
        # What the citizen enters is printed on the letter (ADR 0117).
        raise _invalid(
            _(
                "The body never prints these fields: %(names)s. Name them in the text or add "
                "a paragraph that is only {fields}."
            )
            % {"names": ", ".join("{" + n + "}" for n in unprinted)},
            details={"unprinted": unprinted},
        )
    for table in TABLE_LINES:
        marker = "{" + table + "}"
        for paragraph in re.split(r"\n\s*\n", data.body):
            if marker in paragraph and paragraph.strip() != marker:
                raise _invalid(
                    _("%(marker)s must stand alone in its own paragraph.") % {"marker": marker}
                )
    if numbering_mode() == PER_TYPE and "[type]" not in data.number_format:
        # Per-type sequences restart at 1 for every type: the printed numbers of two types
        # differ only if their number codes do.
        clash = LetterType.objects.filter(
            regency_id=regency_code, number_code=data.number_code.strip()
        )
        if instance_pk is not None:
            clash = clash.exclude(pk=instance_pk)
        if clash.exists():
            raise _invalid(
                _(
                    "Another letter type uses the number code %(code)s; with a sequence per "
                    "type their numbers would repeat. Use another code or put [type] in the "
                    "number format."
                )
                % {"code": data.number_code}
            )


def _apply(instance: LetterType, data: LetterTypeInput) -> None:
    instance.code = data.code.strip()
    instance.title = data.title.strip()
    instance.description = data.description.strip()
    instance.number_code = data.number_code.strip()
    instance.number_format = data.number_format.strip()
    instance.fields = [f.as_dict() for f in data.fields]
    instance.documents = [d.as_dict() for d in data.documents]
    instance.verifier_roles = list(data.verifier_roles)
    instance.approver_roles = list(data.approver_roles)
    instance.validity_days = data.validity_days
    instance.target_minutes = data.target_minutes
    instance.body = data.body.strip().replace("\r\n", "\n")
    instance.is_active = data.is_active
    instance.sort_order = data.sort_order


def letter_type_create(*, actor: Any, regency_code: str, data: LetterTypeInput) -> LetterType:
    """Add a letter type to the regency's catalogue."""
    if not can_manage_letter_types(actor, regency_code):
        raise PermissionDenied(_("Only regency officers manage the letter types."))
    _validate(data, regency_code=regency_code, instance_pk=None)
    instance = LetterType(regency_id=regency_code)
    _apply(instance, data)
    try:
        with transaction.atomic():
            instance.save()
            audit.record(actor, "letters.type_create", instance, {"code": instance.code})
    except IntegrityError as exc:
        raise _invalid(_("A letter type with this code exists already.")) from exc
    return instance


def letter_type_update(*, actor: Any, letter_type_id: int, data: LetterTypeInput) -> LetterType:
    """Change a letter type. Letters already issued keep the words they were issued with."""
    instance = LetterType.objects.filter(pk=letter_type_id).first()
    if instance is None or not can_manage_letter_types(actor, instance.regency_id):
        raise NotFound(_("Not found."))
    if data.code.strip() != instance.code:
        raise _invalid(_("The code of a letter type cannot change."))
    _validate(data, regency_code=instance.regency_id, instance_pk=instance.pk)
    with transaction.atomic():
        instance = LetterType.objects.select_for_update().get(pk=instance.pk)
        _apply(instance, data)
        instance.save()
        audit.record(actor, "letters.type_update", instance, {"code": instance.code})
    return instance


def letter_types_install_defaults(*, regency_code: str) -> int:
    """Add the default letter types a regency lacks (system; idempotent)."""
    if not Region.objects.filter(code=regency_code, level=Level.REGENCY).exists():
        raise NotFound(_("Not found."))
    with transaction.atomic():
        created = install_default_types(LetterType, regency_code)
        if created:
            audit.record(
                None, "letters.types_install", None, {"created": created}, scope=regency_code
            )
    return created


def letter_types_ensure(*, regency_code: str) -> None:
    """A regency's catalogue starts from the default types the first time it is used."""
    if not LetterType.objects.filter(regency_id=regency_code).exists():
        letter_types_install_defaults(regency_code=regency_code)
