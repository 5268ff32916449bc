from django.urls import path

from .views import budgets, editing, execution, imports, regency, workflow

app_name = "budgets"
urlpatterns = [
    path("", budgets.budget_index, name="index"),
    path("new/", budgets.budget_create, name="create"),
    path("<int:pk>/", budgets.budget_detail, name="detail"),
    path("<int:pk>/preview/", editing.budget_preview, name="preview"),
    path("<int:pk>/revenue/add/", editing.revenue_add, name="revenue_add"),
    path("<int:pk>/revenue/<int:line_id>/delete/", editing.revenue_delete, name="revenue_delete"),
    path("<int:pk>/financing/add/", editing.financing_add, name="financing_add"),
    path(
        "<int:pk>/financing/<int:line_id>/delete/",
        editing.financing_delete,
        name="financing_delete",
    ),
    path("<int:pk>/activities/add/", editing.activity_add, name="activity_add"),
    path("<int:pk>/activities/<int:activity_id>/", editing.activity_edit, name="activity_edit"),
    path(
        "<int:pk>/activities/<int:activity_id>/delete/",
        editing.activity_delete,
        name="activity_delete",
    ),
    path("<int:pk>/activities/<int:activity_id>/items/add/", editing.item_add, name="item_add"),
    path("<int:pk>/items/<int:item_id>/", editing.item_edit, name="item_edit"),
    path("<int:pk>/items/<int:item_id>/delete/", editing.item_delete, name="item_delete"),
    path("<int:pk>/submit/", workflow.budget_submit, name="submit"),
    path("<int:pk>/evaluate/", workflow.budget_evaluate, name="evaluate"),
    path("<int:pk>/decide/", workflow.budget_decide, name="decide"),
    path("<int:pk>/revise/", workflow.budget_revise, name="revise"),
    path("<int:pk>/discard/", workflow.budget_discard, name="discard"),
    path("<int:pk>/diff/", workflow.budget_diff, name="diff"),
    path("<int:pk>/apbdes.xlsx", workflow.budget_export, name="export"),
    path("<int:pk>/execution/", execution.execution_page, name="execution"),
    path(
        "<int:pk>/execution/request/", execution.disbursement_request, name="disbursement_request"
    ),
    path("<int:pk>/execution/receipts/", execution.receipt_add, name="receipt_add"),
    path(
        "disbursements/<int:disbursement_id>/approve/",
        execution.disbursement_approve,
        name="disbursement_approve",
    ),
    path(
        "disbursements/<int:disbursement_id>/reject/",
        execution.disbursement_reject,
        name="disbursement_reject",
    ),
    path(
        "disbursements/<int:disbursement_id>/cancel/",
        execution.disbursement_cancel,
        name="disbursement_cancel",
    ),
    path(
        "disbursements/<int:disbursement_id>/paid/",
        execution.disbursement_mark_paid,
        name="disbursement_mark_paid",
    ),
    path("lra/<str:code>/<int:year>/", execution.lra, name="lra"),
    path("consolidation/", regency.consolidation_page, name="consolidation"),
    path("ceilings/", regency.ceilings_page, name="ceilings"),
    path("ceilings/import/", regency.ceilings_import, name="ceilings_import"),
    path("ssh/", regency.ssh_page, name="ssh"),
    path("ssh/import/", regency.ssh_import, name="ssh_import"),
    path("reference/", regency.reference_page, name="reference"),
    path("import/", imports.siskeudes_upload, name="import"),
    path("import/<int:pk>/", imports.siskeudes_report, name="import_report"),
]
