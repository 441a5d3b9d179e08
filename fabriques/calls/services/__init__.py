"""Writes for calls and applications: drafting, submitting, scoring, deciding, purging.

Every function checks its input and the state of the call before writing anything, raises
ValidationError with a French message otherwise, runs in one transaction and leaves an
audit event. E-mails are queued to be sent once the transaction commits.
"""

from .applications import (
    REQUIRED_TO_SUBMIT,
    TEXT_FIELDS,
    ApplicationInput,
    application_save_and_submit,
    application_save_draft,
    application_submit,
)
from .calls import (
    CriterionInput,
    call_close_early_notify,
    call_save,
    criteria_save,
    criterion_create,
    criterion_delete,
    criterion_update,
)
from .retention import (
    PurgeReport,
    applications_erase_person,
    applications_purge,
    deliberations_purge_orphans,
)
from .review import (
    NotifyReport,
    ScoreInput,
    application_reject,
    application_score,
    application_select,
    application_shortlist,
    call_applications_export,
    call_notify_outcomes,
)

__all__ = [
    "REQUIRED_TO_SUBMIT",
    "TEXT_FIELDS",
    "ApplicationInput",
    "CriterionInput",
    "NotifyReport",
    "PurgeReport",
    "ScoreInput",
    "application_reject",
    "application_save_and_submit",
    "application_save_draft",
    "application_score",
    "application_select",
    "application_shortlist",
    "application_submit",
    "applications_erase_person",
    "applications_purge",
    "call_applications_export",
    "call_close_early_notify",
    "call_notify_outcomes",
    "call_save",
    "criteria_save",
    "criterion_create",
    "criterion_delete",
    "criterion_update",
    "deliberations_purge_orphans",
]
