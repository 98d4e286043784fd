"""Reads of the register cross-checks: runs through `restrict` over their unit, each list's
children through `restrict` over persons (a reader sees only the children they may see)."""

from django.db.models import QuerySet

from reach.accounts.models import User
from reach.accounts.scoping import restrict
from reach.common.errors import found
from reach.crosscheck.choices import FindingKind
from reach.crosscheck.models import CrosscheckRun, Finding, RegisterRow
from reach.geo.models import Unit
from reach.registry.models import Person

# The lists of a run's page: (key, kind, only poor households)
LISTS = (
    ("not_in_register", FindingKind.NOT_IN_REGISTER, False),
    ("not_attending", FindingKind.NOT_ATTENDING, False),
    ("poor_dropouts", FindingKind.DROPOUT, True),
    ("dropouts", FindingKind.DROPOUT, False),
)
LIST_KEYS = tuple(key for key, _kind, _poor in LISTS)


def list_runs_for_user(user: User | None, unit: Unit | None = None) -> QuerySet[CrosscheckRun]:
    """The runs the user may see (of `unit` only, when given), newest month first: the history
    of the ledgers."""
    runs = restrict(CrosscheckRun.objects.select_related("unit"), user)
    if unit is not None:
        runs = runs.filter(unit=unit)
    return runs


def get_run_for_user(user: User | None, run_id: int) -> CrosscheckRun:
    return found(list_runs_for_user(user).filter(pk=run_id).first())


def list_findings_for_user(user: User | None, run: CrosscheckRun, key: str) -> QuerySet[Finding]:
    """One list of a run (`key` of LISTS), the children `user` may see."""
    kind, poor = next((kind, poor) for k, kind, poor in LISTS if k == key)
    findings = Finding.objects.filter(run=run, kind=kind)
    if poor:
        findings = findings.filter(poor=True)
    visible = restrict(Person.objects.all(), user).values("pk")
    return (
        findings.filter(person__in=visible)
        .select_related("person", "household__unit", "register_row")
        .order_by("household__code", "person__birth_date", "person_id")
    )


def list_register_rows_for_user(user: User | None, run: CrosscheckRun) -> QuerySet[RegisterRow]:
    """A run's staged register rows (its preview)."""
    return restrict(RegisterRow.objects.filter(run=run), user).order_by("line")
