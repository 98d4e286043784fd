"""The refusals of the entitlements app, each with its reason for the user: a `DomainError`
(the API answers 422), or a `Conflict` (409) when it clashes with the state of the runs."""

from reach.common.errors import Conflict, DomainError
from reach.entitlements.models import EntitlementRun


class EntitlementError(DomainError):
    """A run that cannot be made; the message says why."""


class UnknownPolicy(EntitlementError):
    """A policy named that is not loaded."""


class RunFailed(EntitlementError):
    """The run failed and was rolled back; `run` is marked failed with the reason."""

    def __init__(self, message: str, *, run: EntitlementRun):
        super().__init__(message)
        self.run = run


class FrozenRun(EntitlementError, Conflict):
    """The key's lines are approved: only a correction that names the run may follow."""


class RunUnderReview(EntitlementError, Conflict):
    """A submitted run holds draft lines the new run would replace: they stay as submitted
    until the office approves or returns it."""
