"""Reads of the register cross-checks: runs through `restrict` over their unit, each list's
children through `restrict` over persons (a reader sees only the children they may see)."""

import datetime as dt

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat
from django.db.models.lookups import StartsWith

from reach.accounts.models import User
from reach.accounts.scoping import restrict
from reach.common.errors import found
from reach.crosscheck.choices import FindingKind, RunStatus
from reach.crosscheck.models import CrosscheckRun, Finding, RegisterRow
from reach.crosscheck.rules import Rhythm, rules
from reach.geo.models import PATH_SEPARATOR, Unit
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


def _months_back(month: dt.date, months: int) -> dt.date:
    """The first day of the month `months` before `month`."""
    index = month.year * 12 + month.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def _covering_runs() -> QuerySet[CrosscheckRun]:
    """Over `Unit`: the compared runs of the unit or of a unit above it."""
    return CrosscheckRun.objects.filter(status=RunStatus.COMPARED).filter(
        Q(unit__path=OuterRef("path"))
        | Q(StartsWith(OuterRef("path"), Concat(F("unit__path"), Value(PATH_SEPARATOR))))
    )


def list_units_due_for_user(
    user: User | None, month: dt.date, unit: Unit | None = None
) -> list[tuple[Unit, Rhythm]]:
    """The units the user may see (under `unit` when given) that the rhythm (`rules.yaml`) has
    compare a register and that no compared cross-check covers for `month`: the reminder of the
    month. Each unit carries `last_compared` (the month of the latest run covering it, or None)
    and comes with its country's rhythm."""
    month = month.replace(day=1)
    next_month = _months_back(month, -1)
    units = restrict(Unit.objects.all(), user).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lt=next_month),
        Q(valid_to__isnull=True) | Q(valid_to__gte=month),
    )
    if unit is not None:
        units = units.filter(Q(path=unit.path) | Q(path__startswith=unit.path + PATH_SEPARATOR))
    due: list[tuple[Unit, Rhythm]] = []
    for rhythm in rules().rhythms:  # one query per country of the rhythm
        covering = _covering_runs().filter(month__lt=next_month)
        in_window = covering.filter(month__gte=_months_back(month, rhythm.every_months - 1))
        rows = (
            units.filter(level=rhythm.level)
            .filter(Q(path=rhythm.country) | Q(path__startswith=rhythm.country + PATH_SEPARATOR))
            .exclude(Exists(in_window))
            .annotate(last_compared=Subquery(covering.order_by("-month").values("month")[:1]))
            .order_by("path")
        )
        due.extend((row, rhythm) for row in rows)
    return due
