"""Budgets, their lines, the workflow and the version diff."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from smartkampung.accounts.stepup import stepup_check_headers
from smartkampung.core.api import ERRORS, BoundedLimitOffsetPagination, Year
from smartkampung.core.exceptions import NotFound

from .. import services
from ..models import BudgetActivity, BudgetFinancing, BudgetItem, BudgetRevenue, VillageBudget
from ..permissions import can_approve_budget
from ..schemas import (
    ActivityIn,
    ActivityOut,
    ActivityPatch,
    BudgetCreateIn,
    BudgetDetailOut,
    BudgetOut,
    DiffOut,
    FinancingIn,
    ItemIn,
    ItemOut,
    ItemPatch,
    LineOut,
    RevenueIn,
    ReviewIn,
)
from ..selectors import budgets as selectors
from ..selectors.diff import version_diff
from .common import activity_out, actor, budget_out, item_out, line_out

router = Router()


class BudgetFilter(Schema):
    year: Year | None = None
    village: str | None = None
    region: str | None = None
    status: str | None = None


def _budget(request: HttpRequest, budget_id: int) -> VillageBudget:
    return selectors.budget_get(actor=actor(request), budget_id=budget_id)


@router.get("/", response={200: list[BudgetOut], **ERRORS}, summary="Budgets I may see")
@paginate(BoundedLimitOffsetPagination)
def budget_list(request: HttpRequest, filters: Query[BudgetFilter]) -> list[dict[str, Any]]:
    rows = selectors.budget_list(
        actor=actor(request),
        year=filters.year,
        village_code=filters.village,
        region_code=filters.region,
        status=filters.status,
    )
    return [budget_out(b) for b in rows]


@router.post("/", response={201: BudgetOut, **ERRORS}, summary="Start a draft APBDes")
def budget_create(request: HttpRequest, payload: BudgetCreateIn) -> Status[dict[str, Any]]:
    budget = services.budget_create(
        actor=actor(request), village_code=payload.village, year=payload.year
    )
    return Status(201, budget_out(selectors.budget_get(actor=actor(request), budget_id=budget.pk)))


@router.get(
    "/{int:budget_id}",
    response={200: BudgetDetailOut, **ERRORS},
    summary="A version with its lines",
)
def budget_detail(request: HttpRequest, budget_id: int) -> dict[str, Any]:
    budget = _budget(request, budget_id)
    content = selectors.budget_content(budget)
    totals, findings = content.evaluate()
    return {
        **budget_out(budget),
        "totals": totals.as_dict(),
        "findings": [f.as_dict() for f in findings],
        "revenues": [line_out(r) for r in content.revenues],
        "financing": [line_out(f) for f in content.financing],
        "activities": [activity_out(a) for a in content.activities],
        "items": [item_out(i) for i in content.items],
    }


@router.get("/{int:budget_id}/items", response={200: list[ItemOut], **ERRORS}, summary="Items")
def budget_items(request: HttpRequest, budget_id: int) -> list[dict[str, Any]]:
    content = selectors.budget_content(_budget(request, budget_id))
    return [item_out(i) for i in content.items]


def _transition(request: HttpRequest, budget_id: int, call: Any) -> dict[str, Any]:
    budget = call(_budget(request, budget_id))
    return budget_out(selectors.budget_get(actor=actor(request), budget_id=budget.pk))


@router.post("/{int:budget_id}/submit", response={200: BudgetOut, **ERRORS}, summary="Submit")
def budget_submit(request: HttpRequest, budget_id: int) -> dict[str, Any]:
    return _transition(
        request, budget_id, lambda b: services.budget_submit(actor=actor(request), budget=b)
    )


@router.post(
    "/{int:budget_id}/evaluate", response={200: BudgetOut, **ERRORS}, summary="Kecamatan evaluation"
)
def budget_evaluate(request: HttpRequest, budget_id: int, payload: ReviewIn) -> dict[str, Any]:
    return _transition(
        request,
        budget_id,
        lambda b: services.budget_evaluate(
            actor=actor(request), budget=b, approve=payload.approve, notes=payload.notes
        ),
    )


@router.post(
    "/{int:budget_id}/decide", response={200: BudgetOut, **ERRORS}, summary="Regency decision"
)
def budget_decide(request: HttpRequest, budget_id: int, payload: ReviewIn) -> dict[str, Any]:
    """Approving locks the budget: step-up (ADR 0112) in `X-Step-Up-Password` or
    `X-Step-Up-Code`."""
    budget = _budget(request, budget_id)
    if payload.approve and can_approve_budget(actor(request), budget):
        stepup_check_headers(request, purpose="budgets.budget_lock", target=budget)
    return _transition(
        request,
        budget_id,
        lambda b: services.budget_decide(
            actor=actor(request), budget=b, approve=payload.approve, notes=payload.notes
        ),
    )


@router.post(
    "/{int:budget_id}/revise",
    response={201: BudgetOut, **ERRORS},
    summary="Start a revision (new version)",
)
def budget_revise(request: HttpRequest, budget_id: int) -> Status[dict[str, Any]]:
    revision = services.budget_revise(actor=actor(request), budget=_budget(request, budget_id))
    return Status(201, _transition(request, revision.pk, lambda b: b))


@router.get(
    "/{int:budget_id}/diff", response={200: DiffOut, **ERRORS}, summary="Changes between versions"
)
def budget_diff(request: HttpRequest, budget_id: int, against: int | None = None) -> dict[str, Any]:
    new = _budget(request, budget_id)
    other = against or new.based_on_id
    if other is None:
        raise NotFound(_("This version has no earlier version to compare with."))
    old = _budget(request, other)
    diff = version_diff(old=old, new=new)
    return {
        "old": old.pk,
        "new": new.pk,
        "rows": [
            {
                "section": r.section,
                "change": r.change,
                "label": r.label,
                "old_amount": r.old_amount,
                "new_amount": r.new_amount,
                "fields": r.fields,
            }
            for r in diff.rows
        ],
        "totals": [
            {"label": label, "old": o, "new": n, "change": c} for label, o, n, c in diff.totals
        ],
    }


# --- lines ------------------------------------------------------------------------------------


@router.post("/{int:budget_id}/revenues", response={201: LineOut, **ERRORS}, summary="Add revenue")
def revenue_add(request: HttpRequest, budget_id: int, payload: RevenueIn) -> Status[dict[str, Any]]:
    line = services.revenue_add(
        actor=actor(request),
        budget=_budget(request, budget_id),
        account_code=payload.account,
        fund_source_code=payload.fund_source,
        amount=payload.amount,
        description=payload.description,
    )
    return Status(201, line_out(line))


@router.delete("/{int:budget_id}/revenues/{int:line_id}", response={204: None, **ERRORS})
def revenue_delete(request: HttpRequest, budget_id: int, line_id: int) -> Status[None]:
    budget = _budget(request, budget_id)
    line = BudgetRevenue.objects.filter(pk=line_id, budget=budget).select_related("budget").first()
    if line is None:
        raise NotFound()
    services.revenue_delete(actor=actor(request), line=line)
    return Status(204, None)


@router.post(
    "/{int:budget_id}/financing", response={201: LineOut, **ERRORS}, summary="Add financing"
)
def financing_add(
    request: HttpRequest, budget_id: int, payload: FinancingIn
) -> Status[dict[str, Any]]:
    line = services.financing_add(
        actor=actor(request),
        budget=_budget(request, budget_id),
        account_code=payload.account,
        fund_source_code=payload.fund_source,
        amount=payload.amount,
        description=payload.description,
    )
    return Status(201, line_out(line))


@router.delete("/{int:budget_id}/financing/{int:line_id}", response={204: None, **ERRORS})
def financing_delete(request: HttpRequest, budget_id: int, line_id: int) -> Status[None]:
    budget = _budget(request, budget_id)
    line = BudgetFinancing.objects.filter(pk=line_id, budget=budget).first()
    if line is None:
        raise NotFound()
    services.financing_delete(actor=actor(request), line=line)
    return Status(204, None)


@router.post(
    "/{int:budget_id}/activities", response={201: ActivityOut, **ERRORS}, summary="Add an activity"
)
def activity_add(
    request: HttpRequest, budget_id: int, payload: ActivityIn
) -> Status[dict[str, Any]]:
    data = payload.dict()
    code = data.pop("activity")
    row = services.activity_add(
        actor=actor(request), budget=_budget(request, budget_id), activity_code=code, **data
    )
    return Status(201, activity_out(row))


def _activity(request: HttpRequest, budget_id: int, activity_id: int) -> BudgetActivity:
    budget = _budget(request, budget_id)
    row = (
        BudgetActivity.objects.select_related("activity", "budget")
        .filter(pk=activity_id, budget=budget)
        .first()
    )
    if row is None:
        raise NotFound()
    return row


@router.patch(
    "/{int:budget_id}/activities/{int:activity_id}", response={200: ActivityOut, **ERRORS}
)
def activity_update(
    request: HttpRequest, budget_id: int, activity_id: int, payload: ActivityPatch
) -> dict[str, Any]:
    row = services.activity_update(
        actor=actor(request),
        activity=_activity(request, budget_id, activity_id),
        **payload.dict(exclude_unset=True),
    )
    return activity_out(row)


@router.delete("/{int:budget_id}/activities/{int:activity_id}", response={204: None, **ERRORS})
def activity_delete(request: HttpRequest, budget_id: int, activity_id: int) -> Status[None]:
    services.activity_delete(
        actor=actor(request), activity=_activity(request, budget_id, activity_id)
    )
    return Status(204, None)


def _item_fields(data: dict[str, Any]) -> dict[str, Any]:
    renames = {"fund_source": "fund_source_code", "account": "account_code", "ssh": "ssh_id"}
    return {renames.get(k, k): v for k, v in data.items()}


@router.post(
    "/{int:budget_id}/activities/{int:activity_id}/items",
    response={201: ItemOut, **ERRORS},
    summary="Add an item to an activity",
)
def item_add(
    request: HttpRequest, budget_id: int, activity_id: int, payload: ItemIn
) -> Status[dict[str, Any]]:
    row = _activity(request, budget_id, activity_id)
    item = services.item_add(actor=actor(request), activity=row, **_item_fields(payload.dict()))
    return Status(201, item_out(item))


def _item(request: HttpRequest, budget_id: int, item_id: int) -> BudgetItem:
    budget = _budget(request, budget_id)
    item = (
        BudgetItem.objects.select_related("activity", "budget")
        .filter(pk=item_id, budget=budget)
        .first()
    )
    if item is None:
        raise NotFound()
    return item


@router.patch("/{int:budget_id}/items/{int:item_id}", response={200: ItemOut, **ERRORS})
def item_update(
    request: HttpRequest, budget_id: int, item_id: int, payload: ItemPatch
) -> dict[str, Any]:
    item = services.item_update(
        actor=actor(request),
        item=_item(request, budget_id, item_id),
        **_item_fields(payload.dict(exclude_unset=True)),
    )
    return item_out(item)


@router.delete("/{int:budget_id}/items/{int:item_id}", response={204: None, **ERRORS})
def item_delete(request: HttpRequest, budget_id: int, item_id: int) -> Status[None]:
    services.item_delete(actor=actor(request), item=_item(request, budget_id, item_id))
    return Status(204, None)
