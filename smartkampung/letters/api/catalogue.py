from django.http import HttpRequest
from ninja import Router, Status

from smartkampung.core.api import ERRORS
from smartkampung.core.exceptions import NotFound

from .. import selectors
from ..models import DocumentSpec, FieldSpec, LetterType
from ..permissions import can_manage_letter_types
from ..schemas import LetterTypeIn, LetterTypeOut
from ..services import catalogue as services

router = Router(tags=["letters"])


def type_out(letter_type: LetterType) -> dict[str, object]:
    return {
        "code": letter_type.code,
        "title": letter_type.title,
        "description": letter_type.description,
        "number_code": letter_type.number_code,
        "number_format": letter_type.number_format,
        "fields": [f.as_dict() for f in letter_type.field_specs],
        "documents": [d.as_dict() for d in letter_type.document_specs],
        "verifier_roles": letter_type.verifier_roles,
        "approver_roles": letter_type.approver_roles,
        "validity_days": letter_type.validity_days,
        "target_minutes": letter_type.target_minutes,
        "body": letter_type.body,
        "is_active": letter_type.is_active,
        "sort_order": letter_type.sort_order,
    }


def _input(payload: LetterTypeIn) -> services.LetterTypeInput:
    # The same checks as the officers' line format: build it, then parse it.
    fields = services.parse_field_lines(
        services.field_lines([FieldSpec.from_dict(f.dict()) for f in payload.fields])
    )
    documents = services.parse_document_lines(
        services.document_lines([DocumentSpec.from_dict(d.dict()) for d in payload.documents])
    )
    return services.LetterTypeInput(
        code=payload.code,
        title=payload.title,
        description=payload.description,
        number_code=payload.number_code,
        number_format=payload.number_format,
        fields=fields,
        documents=documents,
        verifier_roles=payload.verifier_roles,
        approver_roles=payload.approver_roles,
        validity_days=payload.validity_days,
        target_minutes=payload.target_minutes,
        body=payload.body,
        is_active=payload.is_active,
        sort_order=payload.sort_order,
    )


def _regency(request: HttpRequest, regency: str | None) -> str:
    code = regency or selectors.actor_regency_code(request.user) or selectors.default_regency_code()
    if code is None or not selectors.regency_exists(regency_code=code):
        raise NotFound()
    return code


@router.get(
    "",
    response={200: list[LetterTypeOut], **ERRORS},
    auth=None,
    summary="A regency's letter types (regency defaults to yours, or the only one)",
)
def type_list(request: HttpRequest, regency: str | None = None) -> list[dict[str, object]]:
    code = _regency(request, regency)
    return [type_out(t) for t in selectors.letter_type_list(regency_code=code)]


@router.get(
    "/{code}", response={200: LetterTypeOut, **ERRORS}, auth=None, summary="One letter type"
)
def type_detail(request: HttpRequest, code: str, regency: str | None = None) -> dict[str, object]:
    return type_out(selectors.letter_type_get(regency_code=_regency(request, regency), code=code))


@router.post(
    "", response={201: LetterTypeOut, **ERRORS}, summary="Add a letter type (regency officers)"
)
def type_create(
    request: HttpRequest, payload: LetterTypeIn, regency: str | None = None
) -> Status[dict[str, object]]:
    letter_type = services.letter_type_create(
        actor=request.user, regency_code=_regency(request, regency), data=_input(payload)
    )
    return Status(201, type_out(letter_type))


@router.put("/{code}", response={200: LetterTypeOut, **ERRORS}, summary="Change a letter type")
def type_update(
    request: HttpRequest, code: str, payload: LetterTypeIn, regency: str | None = None
) -> dict[str, object]:
    regency_code = _regency(request, regency)
    if not can_manage_letter_types(request.user, regency_code):
        raise NotFound()
    existing = selectors.letter_type_get(
        regency_code=regency_code, code=code, include_inactive=True
    )
    letter_type = services.letter_type_update(
        actor=request.user, letter_type_id=existing.pk, data=_input(payload)
    )
    return type_out(letter_type)
