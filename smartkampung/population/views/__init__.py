"""Population pages (thin: parse input, call one selector or service, render)."""

from .citizen import activate, me
from .files import export_register, import_job, import_page, import_progress, import_template
from .households import event_list, household_detail, household_list
from .residents import (
    activation_issue,
    index,
    resident_create,
    resident_detail,
    resident_edit,
    resident_event,
    resident_list,
    resident_missing,
    resident_transfer,
)
from .statistics import statistics, statistics_home
from .transfers import transfer_decide, transfer_list

__all__ = [
    "activate",
    "activation_issue",
    "event_list",
    "export_register",
    "household_detail",
    "household_list",
    "import_job",
    "import_page",
    "import_progress",
    "import_template",
    "index",
    "me",
    "resident_create",
    "resident_detail",
    "resident_edit",
    "resident_event",
    "resident_list",
    "resident_missing",
    "resident_transfer",
    "statistics",
    "statistics_home",
    "transfer_decide",
    "transfer_list",
]
