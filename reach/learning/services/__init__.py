"""Every write of learning titles and training; each checks its permission, owns its
transaction and writes the audit event (on the household where there is one)."""

from reach.learning.services.month import record_board, record_commendation, record_event
from reach.learning.services.outreach import record_outreach
from reach.learning.services.titles import (
    LearningError,
    create_clan,
    decide,
    evaluate,
    load_criteria_sets,
    register,
    save_criteria_set,
    self_assess,
)
from reach.learning.services.training import (
    add_participant,
    complete_participation,
    create_course,
    record_attendance,
    record_session,
    record_training_need,
)

__all__ = [
    "LearningError",
    "add_participant",
    "complete_participation",
    "create_clan",
    "create_course",
    "decide",
    "evaluate",
    "load_criteria_sets",
    "record_attendance",
    "record_board",
    "record_commendation",
    "record_event",
    "record_outreach",
    "record_session",
    "record_training_need",
    "register",
    "save_criteria_set",
    "self_assess",
]
