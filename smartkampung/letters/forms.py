"""HTML forms. They shape input; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from smartkampung.accounts.models import Role

from .composition import LETTER_PLACEHOLDERS, SUBJECT_PLACEHOLDERS
from .exceptions import LetterInvalid
from .models import DEFAULT_NUMBER_FORMAT, FieldKind, FieldSpec, LetterType
from .numbering import TOKENS
from .permissions import ASSIGNABLE_ROLES
from .services.catalogue import (
    LetterTypeInput,
    document_lines,
    field_lines,
    parse_document_lines,
    parse_field_lines,
)

ROLE_CHOICES = [(r.value, r.label) for r in Role if r in ASSIGNABLE_ROLES]


class LetterTypeForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=20)
    title = forms.CharField(label=_("Title"), max_length=150)
    description = forms.CharField(
        label=_("Description for applicants"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    number_code = forms.CharField(
        label=_("Number code"),
        max_length=20,
        help_text=_("The archive classification code that begins the number, e.g. 470."),
    )
    number_format = forms.CharField(
        label=_("Number format"),
        max_length=120,
        initial=DEFAULT_NUMBER_FORMAT,
    )
    fields_text = forms.CharField(
        label=_("Fields to fill"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
    )
    documents_text = forms.CharField(
        label=_("Documents to attach"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=_("One per line: key | label | required or optional."),
    )
    verifier_roles = forms.MultipleChoiceField(
        label=_("Who checks the request"),
        choices=ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    approver_roles = forms.MultipleChoiceField(
        label=_("Who approves and signs"),
        choices=ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    validity_days = forms.IntegerField(
        label=_("Valid for (days)"),
        required=False,
        min_value=1,
        max_value=3650,
        help_text=_("Leave empty if the letter does not expire."),
    )
    target_minutes = forms.IntegerField(
        label=_("Target time from request to signed letter (minutes)"),
        min_value=1,
        max_value=60 * 24 * 30,
    )
    body = forms.CharField(
        label=_("Body text"),
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    is_active = forms.BooleanField(label=_("Offered to applicants"), required=False, initial=True)
    sort_order = forms.IntegerField(
        label=_("Order in the list"), min_value=0, max_value=32000, initial=100
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Help texts with lists are built per request, in the user's language.
        self.fields["number_format"].help_text = gettext("Parts: %(parts)s") % {
            "parts": ", ".join(TOKENS)
        }
        self.fields["fields_text"].help_text = gettext(
            "One per line: key | label | kind | required or optional | prefill. Kinds: text, "
            "textarea, date, number, choice: option one; option two. Prefill from the register: "
            "%(sources)s."
        ) % {"sources": ", ".join(SUBJECT_PLACEHOLDERS)}
        english = gettext(
            "A label is in Indonesian, then “//” and the English label: Keperluan // Purpose."
        )
        for name in ("fields_text", "documents_text"):
            self.fields[name].help_text = f"{self.fields[name].help_text} {english}"
        placeholders = ", ".join(
            "{" + p + "}" for p in [*SUBJECT_PLACEHOLDERS, *LETTER_PLACEHOLDERS]
        )
        self.fields["body"].help_text = gettext(
            "Paragraphs separated by an empty line. Placeholders: %(placeholders)s and the "
            "field keys, in braces. A paragraph that is only {identity} or {fields} becomes a "
            "table; {fields} lists the filled fields the body does not name. Every field is "
            "printed: name it, or keep a {fields} paragraph."
        ) % {"placeholders": placeholders}

    @classmethod
    def for_type(cls, letter_type: LetterType, data: Any = None) -> LetterTypeForm:
        initial = {
            "code": letter_type.code,
            "title": letter_type.title,
            "description": letter_type.description,
            "number_code": letter_type.number_code,
            "number_format": letter_type.number_format,
            "fields_text": field_lines(letter_type.field_specs),
            "documents_text": document_lines(letter_type.document_specs),
            "verifier_roles": letter_type.verifier_roles,
            "approver_roles": letter_type.approver_roles,
            "validity_days": letter_type.validity_days,
            "target_minutes": letter_type.target_minutes,
            "body": letter_type.body,
            "is_active": letter_type.is_active,
            "sort_order": letter_type.sort_order,
        }
        form = cls(data, initial=initial)
        form.fields["code"].disabled = True
        return form

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            data["fields"] = parse_field_lines(data.get("fields_text", ""))
        except LetterInvalid as exc:
            self.add_error("fields_text", exc.message)
        try:
            data["documents"] = parse_document_lines(data.get("documents_text", ""))
        except LetterInvalid as exc:
            self.add_error("documents_text", exc.message)
        return data

    def to_input(self) -> LetterTypeInput:
        d = self.cleaned_data
        return LetterTypeInput(
            code=d["code"],
            title=d["title"],
            description=d.get("description", ""),
            number_code=d["number_code"],
            number_format=d["number_format"],
            fields=d["fields"],
            documents=d["documents"],
            verifier_roles=list(d["verifier_roles"]),
            approver_roles=list(d["approver_roles"]),
            validity_days=d.get("validity_days"),
            target_minutes=d["target_minutes"],
            body=d["body"],
            is_active=bool(d.get("is_active")),
            sort_order=d.get("sort_order") or 0,
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=pgettext_lazy("decision", "Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


ACCEPT = "image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf"


def _field_for(spec: FieldSpec) -> forms.Field:
    common: dict[str, Any] = {"label": spec.display_label, "required": spec.required}
    if spec.kind == FieldKind.TEXTAREA:
        return forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 3}), **common)
    if spec.kind == FieldKind.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if spec.kind == FieldKind.NUMBER:
        return forms.IntegerField(min_value=0, max_value=999_999_999, **common)
    if spec.kind == FieldKind.CHOICE:
        choices = [("", "—"), *[(c, c) for c in spec.choices]]
        return forms.ChoiceField(choices=choices, **common)
    return forms.CharField(max_length=200, **common)


class LetterRequestForm(forms.Form):
    """The fields of one letter type, the documents it asks for, and (for a citizen) whom the
    letter is for. Files are only read here; the service checks their content."""

    def __init__(
        self,
        *args: Any,
        letter_type: LetterType,
        subjects: list[tuple[int, str]] | None = None,
        with_files: bool = True,
        existing_documents: set[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.letter_type = letter_type
        if subjects is not None:
            self.fields["resident"] = forms.TypedChoiceField(
                label=_("The letter is for"),
                choices=subjects,
                coerce=int,
                widget=forms.RadioSelect,
                initial=subjects[0][0] if subjects else None,
            )
        for spec in letter_type.field_specs:
            self.fields[f"f_{spec.key}"] = _field_for(spec)
        if with_files:
            existing = existing_documents or set()
            for doc in letter_type.document_specs:
                self.fields[f"d_{doc.key}"] = forms.FileField(
                    label=doc.display_label,
                    required=doc.required and doc.key not in existing,
                    widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
                    help_text=_("Photo (JPEG, PNG) or PDF, at most %(mb)d MB.")
                    % {"mb": settings.SK_LETTERS_ATTACHMENT_MAX_BYTES // (1024 * 1024)},
                )

    def values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for spec in self.letter_type.field_specs:
            value = self.cleaned_data.get(f"f_{spec.key}")
            if value not in (None, ""):
                out[spec.key] = value.isoformat() if hasattr(value, "isoformat") else str(value)
        return out

    def file_fields(self) -> list[tuple[str, Any]]:
        return [
            (doc.key, self.cleaned_data.get(f"d_{doc.key}"))
            for doc in self.letter_type.document_specs
            if self.cleaned_data.get(f"d_{doc.key}")
        ]

    def apply_errors(self, details: Any) -> bool:
        """Show the service's per-field problems next to the fields; True if any matched."""
        if not isinstance(details, dict):
            return False
        matched = False
        for key, message in details.items():
            name = f"f_{key}"
            if name in self.fields:
                self.add_error(name, str(message))
                matched = True
        return matched


class ResidentSearchForm(forms.Form):
    q = forms.CharField(label=_("NIK or name"), max_length=100, required=False)


class VillageOfficialForm(forms.Form):
    """One entry of the village's list of officials (ADR 0118)."""

    name = forms.CharField(
        label=_("Name as printed"),
        max_length=150,
        help_text=_("With degrees, as it stands under the signature: Hadi Sutrisno, S.Pd."),
    )
    position = forms.CharField(
        label=_("Title as printed"),
        max_length=150,
        help_text=_("Kepala Desa Sarongan, Plt. Kepala Desa Sarongan, Sekretaris Desa …"),
    )
    nip = forms.CharField(label=_("Official number (NIP / NIPD)"), max_length=30, required=False)
    user = forms.TypedChoiceField(
        label=_("Login"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Letters this login signs carry the name and title above."),
    )
    is_active = forms.BooleanField(label=_("In office"), required=False, initial=True)

    def __init__(self, *args: Any, logins: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user_field = self.fields["user"]
        assert isinstance(user_field, forms.TypedChoiceField)
        user_field.choices = [("", "—"), *logins]
