"""The catalogue: letter types are data that regency officers manage (ADR 0040).

A type says which fields the applicant fills, which documents they attach, who checks and who
approves, how long the letter is valid, how it is numbered and the words of its body. The layout
(letterhead, identity table, signature block, QR code) is shared by every type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

DEFAULT_NUMBER_FORMAT = "[code]/[number]/[village code]/[month roman]/[year]"


class FieldKind(models.TextChoices):
    TEXT = "text", _("Short text")
    TEXTAREA = "textarea", _("Long text")
    DATE = "date", _("Date")
    NUMBER = "number", _("Number")
    CHOICE = "choice", _("Choice")


def _label_in_language(label: str, label_en: str) -> str:
    """Catalogue labels are data in two languages: English where the interface is English and
    the type has an English label, else the Indonesian one."""
    language = get_language() or "id"
    return label_en if label_en and language.startswith("en") else label


@dataclass(frozen=True)
class FieldSpec:
    """One field the applicant fills (stored as a dict in ``LetterType.fields``)."""

    key: str
    label: str
    kind: str = FieldKind.TEXT
    required: bool = True
    prefill: str = ""  # a register attribute that prefills the field, e.g. "address"
    choices: tuple[str, ...] = ()
    label_en: str = ""  # the label in the English interface; ``label`` is printed on the letter

    @property
    def display_label(self) -> str:
        return _label_in_language(self.label, self.label_en)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FieldSpec:
        return cls(
            key=str(data["key"]),
            label=str(data["label"]),
            kind=str(data.get("kind", FieldKind.TEXT)),
            required=bool(data.get("required", True)),
            prefill=str(data.get("prefill", "")),
            choices=tuple(str(c) for c in data.get("choices", ())),
            label_en=str(data.get("label_en", "")),
        )

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "key": self.key,
            "label": self.label,
            "kind": self.kind,
            "required": self.required,
        }
        if self.prefill:
            data["prefill"] = self.prefill
        if self.choices:
            data["choices"] = list(self.choices)
        if self.label_en:
            data["label_en"] = self.label_en
        return data


@dataclass(frozen=True)
class DocumentSpec:
    """One document the applicant attaches (stored as a dict in ``LetterType.documents``)."""

    key: str
    label: str
    required: bool = True
    label_en: str = ""

    @property
    def display_label(self) -> str:
        return _label_in_language(self.label, self.label_en)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DocumentSpec:
        return cls(
            key=str(data["key"]),
            label=str(data["label"]),
            required=bool(data.get("required")),
            label_en=str(data.get("label_en", "")),
        )

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"key": self.key, "label": self.label, "required": self.required}
        if self.label_en:
            data["label_en"] = self.label_en
        return data


class LetterType(models.Model):
    # Each regency keeps its own catalogue (started from the defaults, ADR 0040).
    regency = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("regency")
    )
    code = models.SlugField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(pgettext_lazy("letter type", "description"), blank=True)
    # The archive classification code that numbers start with (the "[code]" of the format).
    number_code = models.CharField(_("number code"), max_length=20)
    number_format = models.CharField(
        _("number format"), max_length=120, default=DEFAULT_NUMBER_FORMAT
    )
    fields = models.JSONField(_("fields to fill"), default=list, blank=True)
    documents = models.JSONField(_("documents to attach"), default=list, blank=True)
    verifier_roles = models.JSONField(_("who checks"), default=list)
    approver_roles = models.JSONField(_("who approves and signs"), default=list)
    validity_days = models.PositiveIntegerField(_("valid for (days)"), null=True, blank=True)
    target_minutes = models.PositiveIntegerField(_("target time to issue (minutes)"), default=1440)
    body = models.TextField(_("body text"))
    is_active = models.BooleanField(_("offered"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "title"]
        verbose_name = _("letter type")
        verbose_name_plural = _("letter types")
        constraints = [
            models.UniqueConstraint(fields=["regency", "code"], name="letters_type_code_unique")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def field_specs(self) -> list[FieldSpec]:
        return [FieldSpec.from_dict(f) for f in self.fields or []]

    @property
    def document_specs(self) -> list[DocumentSpec]:
        return [DocumentSpec.from_dict(d) for d in self.documents or []]
