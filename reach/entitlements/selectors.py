"""Reads of entitlement runs and lines; lines are personal data and pass through `restrict`.

A user sees the runs whose scope overlaps theirs: runs over their units or below, and runs over
a unit above theirs (or over everything), of which they see their own part (the lines of the
pupils they may see, and totals computed from those lines only).
"""

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from reach.accounts.models import User
from reach.accounts.permissions import grants_of
from reach.accounts.scoping import (
    can_see_unit_path,
    is_administrator,
    restrict,
    scope_of,
    under_paths,
)
from reach.entitlements.choices import RUN_ROLES, RunStage
from reach.entitlements.models import EntitlementLine, EntitlementRun, Objection
from reach.entitlements.totals import run_totals
from reach.geo.choices import UnitLevel
from reach.geo.models import PATH_SEPARATOR, School, Unit
from reach.policy.models import Benefit
from reach.registry.models import Person


def get_unit_by_code(code: str) -> Unit | None:
    return Unit.objects.filter(code=code).first()


def get_run(run_id: int) -> EntitlementRun | None:
    return EntitlementRun.objects.select_related("unit").filter(pk=run_id).first()


def list_runs() -> QuerySet[EntitlementRun]:
    return EntitlementRun.objects.select_related("unit").order_by("-id")


def list_units_to_run_for_user(user: User) -> tuple[list[Unit], bool]:
    """The units `user` may start runs over (villages left out), and whether they may also run
    over everything."""
    units = Unit.objects.exclude(level=UnitLevel.VILLAGE).order_by("path")
    if is_administrator(user):
        return list(units), True
    paths = {g.unit_path for g in grants_of(user) if g.role in RUN_ROLES and g.unit_path}
    if not paths:
        return [], False
    return list(units.filter(under_paths("path", tuple(sorted(paths))))), False


def _user_paths(user: User) -> tuple[str, ...]:
    """The unit paths a user belongs to, their schools' units included."""
    scope = scope_of(user)
    schools = School.objects.filter(pk__in=scope.school_ids).values_list("unit__path", flat=True)
    return tuple(sorted({*scope.unit_paths, *schools}))


def _ancestors(path: str) -> list[str]:
    parts = path.split(PATH_SEPARATOR)
    return [PATH_SEPARATOR.join(parts[:end]) for end in range(1, len(parts))]


def list_runs_for_user(user: User) -> QuerySet[EntitlementRun]:
    """The runs whose scope overlaps the user's, newest first."""
    runs = list_runs().select_related("requested_by")
    scope = scope_of(user)
    if scope.everything:
        return runs
    paths = _user_paths(user)
    if not paths:
        return runs.none()
    above = {ancestor for path in paths for ancestor in _ancestors(path)}
    return runs.filter(
        Q(unit__isnull=True) | under_paths("unit__path", paths) | Q(unit__path__in=above)
    )


def get_run_for_user(user: User, run_id: int) -> EntitlementRun | None:
    return list_runs_for_user(user).filter(pk=run_id).first()


def covers_run(user: User, run: EntitlementRun) -> bool:
    """Whether the user's scope holds the run's whole scope (then they see all of it)."""
    scope = scope_of(user)
    if scope.everything:
        return True
    if run.unit is None:
        return False
    path = run.unit.path
    return any(path == p or path.startswith(p + PATH_SEPARATOR) for p in scope.unit_paths)


def list_lines_for_user(user: User, run: EntitlementRun) -> QuerySet[EntitlementLine]:
    """The lines of `run` about persons `user` may see."""
    visible = restrict(Person.objects.all(), user)
    return (
        run.lines.filter(person__in=visible.values("pk"))
        .select_related("person", "unit", "benefit")
        .order_by("person_id", "policy_code", "benefit__position")
    )


def run_totals_for_user(user: User, run: EntitlementRun) -> tuple[dict, bool]:
    """The run's totals as the user may see them, and whether they are the whole run's (else
    they are computed from the lines of the user's pupils)."""
    if covers_run(user, run) or not run.totals:
        return run.totals, True
    lines = list_lines_for_user(user, run)
    benefits = Benefit.objects.filter(pk__in=lines.values("benefit_id"))
    return run_totals(run, benefits=list(benefits), lines=lines), False


def run_diff_for_user(user: User, run: EntitlementRun) -> dict:
    """The run's difference from the previous one, with only the user's pupils listed (the
    counts are the whole run's when the user covers it)."""
    diff = run.diff or {}
    if covers_run(user, run) or not diff:
        return diff
    listed = {entry["person"] for key in ("added", "removed", "changed") for entry in diff[key]}
    visible = set(restrict(Person.objects.filter(pk__in=listed), user).values_list("pk", flat=True))
    mine = {
        key: [entry for entry in diff[key] if entry["person"] in visible]
        for key in ("added", "removed", "changed")
    }
    return {**mine, "counts": {key: len(mine[key]) for key in mine}, "partial": True}


def list_entitlements_for_user(user: User, person: Person) -> QuerySet[EntitlementLine]:
    """Every entitlement line of a person the user may see, newest school year first."""
    visible = restrict(Person.objects.filter(pk=person.pk), user)
    return (
        EntitlementLine.objects.filter(person__in=visible.values("pk"))
        .select_related("run", "benefit__version")
        .order_by("-school_year", "policy_code", "benefit__position")
    )


def benefits_of_run(run: EntitlementRun) -> dict[tuple[str, str], Benefit]:
    """The benefit versions a run applied, by (policy code, benefit code)."""
    versions = Q(pk__in=[])
    for code, number in (run.versions or {}).items():
        versions |= Q(version__policy__code=code, version__number=number)
    benefits = Benefit.objects.filter(versions).select_related("version__policy")
    return {(benefit.version.policy.code, benefit.code): benefit for benefit in benefits}


def unit_names(codes: Iterable[str]) -> dict[str, str]:
    """The names of units by code."""
    return dict(Unit.objects.filter(code__in=set(codes)).values_list("code", "name"))


def line_visible_to(user: User | None, line: EntitlementLine) -> bool:
    """Whether `user` may see the pupil of `line`."""
    return restrict(Person.objects.filter(pk=line.person_id), user).exists()


def get_line_for_user(user: User, line_id: int) -> EntitlementLine | None:
    visible = restrict(Person.objects.all(), user)
    return (
        EntitlementLine.objects.filter(pk=line_id, person__in=visible.values("pk"))
        .select_related("run__unit", "person", "unit", "enrolment__school", "benefit")
        .first()
    )


def list_objections_for_user(
    user: User, *, run: EntitlementRun | None = None, person: Person | None = None
) -> QuerySet[Objection]:
    """The objections to lines of pupils `user` may see (of one run, or of one person)."""
    visible = restrict(Person.objects.all(), user)
    objections = Objection.objects.filter(line__person__in=visible.values("pk"))
    if run is not None:
        objections = objections.filter(line__run=run)
    if person is not None:
        objections = objections.filter(line__person=person)
    return objections.select_related(
        "line__person", "line__run", "recorded_by", "resolved_by", "correction"
    )


def get_objection_for_user(user: User, objection_id: int) -> Objection | None:
    return list_objections_for_user(user).filter(pk=objection_id).first()


# -- the public notice ---------------------------------------------------------------------

NOTICE_STAGES = (RunStage.PUBLISHED, RunStage.CLOSED)


def has_notice(run: EntitlementRun) -> bool:
    """Whether the run's public notice is out (published, or closed after its period)."""
    return run.stage in NOTICE_STAGES


def list_notice_schools_for_user(user: User, run: EntitlementRun) -> list[School]:
    """The schools of the run's pupils that `user` may see: one notice each."""
    schools = School.objects.filter(
        pk__in=list_lines_for_user(user, run).values("enrolment__school_id")
    ).select_related("unit")
    return list(restrict(schools, user).order_by("unit__path", "name"))


def list_notice_wards_for_user(user: User, run: EntitlementRun) -> list[Unit]:
    """The communes / wards of the run's pupils' households that `user` belongs to (or lies
    under): one notice each."""
    paths = set(list_lines_for_user(user, run).values_list("unit__path", flat=True).distinct())
    prefixes = {ancestor for path in paths for ancestor in [*_ancestors(path), path]}
    wards = Unit.objects.filter(level=UnitLevel.COMMUNE, path__in=prefixes).order_by("path")
    return [ward for ward in wards if can_see_unit_path(user, ward.path)]


def list_notice_lines_for_user(
    user: User, run: EntitlementRun, *, school: School | None = None, ward: Unit | None = None
) -> QuerySet[EntitlementLine]:
    """The lines of one school's or one ward's notice, of the pupils `user` may see."""
    lines = list_lines_for_user(user, run).select_related("enrolment__school")
    if school is not None:
        lines = lines.filter(enrolment__school=school)
    if ward is not None:
        lines = lines.filter(under_paths("unit__path", (ward.path,)))
    return lines.order_by("person__full_name", "person_id", "policy_code", "benefit__position")
