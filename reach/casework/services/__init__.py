"""Writes of casework (see `cases` for the life cycle of a case). Each function owns its
transaction, checks the actor's permission itself (`reach.casework.permissions`) and leaves an
audit event for every case, visit and action it changes."""

from reach.casework.services._common import CaseConflict, CaseError
from reach.casework.services.campaigns import create_campaign, set_campaign_target
from reach.casework.services.cases import (
    assign_case,
    close_case,
    link_action,
    open_case,
    record_action,
    record_visit,
    reopen_case,
)
from reach.casework.services.groups import add_work_group_member, create_work_group
from reach.casework.services.lists import open_cases_for_persons, open_cases_from_lists

__all__ = [
    "CaseConflict",
    "CaseError",
    "add_work_group_member",
    "assign_case",
    "close_case",
    "create_campaign",
    "create_work_group",
    "link_action",
    "open_case",
    "open_cases_for_persons",
    "open_cases_from_lists",
    "record_action",
    "record_visit",
    "reopen_case",
    "set_campaign_target",
]
