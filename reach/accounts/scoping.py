"""The one scoping function: what a user may see.

Every page, API endpoint, count, aggregate and export of units, schools or personal data
passes its queryset through `restrict(queryset, user)`. A user sees the units they are a
member of and everything under them (by materialised-path prefix); a school member sees
their school's pupils and the households those pupils live in; a user without membership
sees nothing; superusers and system administrators see everything.
"""

from dataclasses import dataclass

from django.db.models import Model, Q, QuerySet

from reach.accounts.choices import Role
from reach.geo.models import PATH_SEPARATOR


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    unit_paths: tuple[str, ...] = ()
    school_ids: tuple[int, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.everything or self.unit_paths or self.school_ids)


@dataclass(frozen=True)
class _Rule:
    path: str  # lookup to the unit path that places a row in the tree
    school: str  # lookup to the school id that places a row in a school
    crosses_many: bool = False  # the school lookup follows a to-many relation


_RULES: dict[str, _Rule] = {
    "geo.unit": _Rule(path="path", school="schools__id", crosses_many=True),
    "geo.school": _Rule(path="unit__path", school="id"),
    "geo.organisation": _Rule(path="unit__path", school="unit__schools__id", crosses_many=True),
    "registry.household": _Rule(
        path="unit__path", school="members__enrolments__school_id", crosses_many=True
    ),
    "registry.householdyearstatus": _Rule(
        path="household__unit__path",
        school="household__members__enrolments__school_id",
        crosses_many=True,
    ),
    "registry.person": _Rule(
        path="household__unit__path", school="enrolments__school_id", crosses_many=True
    ),
    "registry.enrolment": _Rule(path="person__household__unit__path", school="school_id"),
    "entitlements.entitlementline": _Rule(
        path="person__household__unit__path", school="enrolment__school_id"
    ),
    "payments.paymentclaim": _Rule(
        path="person__household__unit__path", school="line__enrolment__school_id"
    ),
    "payments.disbursement": _Rule(
        path="person__household__unit__path", school="line__enrolment__school_id"
    ),
}


def scope_of(user) -> Scope:
    """The units and schools a user belongs to, read once per request and cached on it."""
    if user is None or not user.is_authenticated:
        return Scope()
    cached = getattr(user, "_reach_scope", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        scope = Scope(everything=True)
    else:
        memberships = list(
            user.memberships.select_related("unit", "organisation__unit").only(
                "role", "unit__path", "organisation__unit__path", "school_id"
            )
        )
        if any(m.role == Role.SYSTEM_ADMIN for m in memberships):
            scope = Scope(everything=True)
        else:
            paths = {m.unit.path for m in memberships if m.unit_id}
            paths |= {m.organisation.unit.path for m in memberships if m.organisation_id}
            schools = {m.school_id for m in memberships if m.school_id}
            scope = Scope(unit_paths=tuple(sorted(paths)), school_ids=tuple(sorted(schools)))
    user._reach_scope = scope
    return scope


def under_paths(lookup: str, paths: tuple[str, ...]) -> Q:
    """Rows whose unit path is one of `paths` or lies below one of them."""
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{lookup: path}) | Q(**{f"{lookup}__startswith": path + PATH_SEPARATOR})
    return q


def restrict(queryset: QuerySet, user) -> QuerySet:
    """Narrow `queryset` to the rows `user` may see. The only place that decides it."""
    model: type[Model] = queryset.model
    rule = _RULES.get(model._meta.label_lower)
    if rule is None:
        raise LookupError(f"No scoping rule for {model._meta.label}")
    scope = scope_of(user)
    if scope.everything:
        return queryset
    if scope.empty:
        return queryset.none()
    q = under_paths(rule.path, scope.unit_paths)
    if scope.school_ids:
        school_q = Q(**{f"{rule.school}__in": scope.school_ids})
        if rule.crosses_many:
            school_q = Q(pk__in=model._default_manager.filter(school_q).values("pk"))
        q |= school_q
    return queryset.filter(q)


def can_see_unit_path(user, path: str) -> bool:
    scope = scope_of(user)
    return scope.everything or any(
        path == p or path.startswith(p + PATH_SEPARATOR) for p in scope.unit_paths
    )


def is_administrator(user) -> bool:
    """A superuser or a system administrator: sees and may do everything."""
    return scope_of(user).everything
