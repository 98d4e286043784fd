from django.db import models
from django.utils.translation import gettext_lazy as _

from reach.accounts.choices import Role


class RunStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


ACTIVE_STATUSES = (RunStatus.PENDING, RunStatus.RUNNING)


class RunStage(models.TextChoices):
    """Where a computed run stands in approval (maker-checker), publication and closing."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")
    REPLACED = "replaced", _("Replaced by a later run")


# Approved runs are frozen: their lines are in force and no re-run replaces them.
FROZEN_STAGES = (RunStage.APPROVED, RunStage.PUBLISHED, RunStage.CLOSED)
# Stages whose lines a re-run of the same key replaces.
OPEN_STAGES = (RunStage.DRAFT, RunStage.RETURNED)

# Who may start a run over a unit and submit it: its office, its ward officers.
RUN_ROLES = frozenset({Role.OFFICE, Role.WARD_OFFICER})
# Who approves, returns, publishes and closes a run, and resolves objections: the office.
DECIDE_ROLES = frozenset({Role.OFFICE})


class LineStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_FORCE = "in_force", _("In force")
    SUPERSEDED = "superseded", _("Superseded by a correction")


class ObjectionStatus(models.TextChoices):
    """An objection to a line of a public notice: open until it is upheld (a correction run
    follows) or dismissed (with the reason)."""

    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")
