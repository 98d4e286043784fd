"""The one scoping function: what a user may see.

Every page, API endpoint, count, aggregate and export of units, schools or personal data
passes its queryset through `restrict(queryset, user)`. A user sees the units they are a
member of and everything under them (by materialised-path prefix); a school member sees
their school's pupils and the households those pupils live in; a user without membership
sees nothing; superusers and system administrators see everything.

Where a row sits in the tree is declared by its model (`scope = ScopePath(...)`, see
`reach.common.scoping`), so a new model holding a person needs no change here.
"""

from dataclasses import dataclass
from functools import cache

from django.db.models import Model, Q, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.utils import timezone

from reach.accounts.choices import Role
from reach.accounts.models import User
from reach.common.scoping import ScopePath
from reach.geo.models import PATH_SEPARATOR, Unit, UnitLink


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    unit_paths: tuple[str, ...] = ()
    school_ids: tuple[int, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.everything or self.unit_paths or self.school_ids)


@dataclass(frozen=True)
class Grant:
    """One membership: a role over a unit path, or over a school (which sits in a unit)."""

    role: str
    unit_path: str | None = None
    school_id: int | None = None
    school_unit_path: str | None = None
    organisation_id: int | None = None  # set when the membership is of an organisation


def grants_of(user: User | None) -> tuple[Grant, ...]:
    """The user's memberships as grants, read once per request."""
    if user is None or not user.is_authenticated:
        return ()
    cached = getattr(user, "_reach_grants", None)
    if cached is not None:
        return cached
    grants = []
    for m in user.memberships.select_related("unit", "organisation__unit", "school__unit"):
        if m.unit is not None:
            grants.append(Grant(role=m.role, unit_path=m.unit.path))
            grants.extend(Grant(role=m.role, unit_path=path) for path in _successor_paths(m.unit))
        elif m.organisation is not None:
            unit = m.organisation.unit
            grants.extend(
                Grant(role=m.role, unit_path=path, organisation_id=m.organisation_id)
                for path in [unit.path, *_successor_paths(unit)]
            )
        elif m.school is not None:
            grants.append(
                Grant(role=m.role, school_id=m.school_id, school_unit_path=m.school.unit.path)
            )
    result = tuple(grants)
    user._reach_grants = result  # type: ignore[attr-defined]  # a per-request cache, not a field
    return result


def _successor_paths(unit: Unit) -> list[str]:
    """A membership of a unit closed by a reorganisation (or of an organisation in it) follows
    it: the units that took over from it or from the units under it (District 12's education
    office keeps its wards after they were merged into wards of the city). Open units cost no
    query."""
    if unit.valid_to is None or unit.valid_to >= timezone.localdate():
        return []
    links = UnitLink.objects.filter(under_paths("predecessor__path", (unit.path,)))
    return sorted(set(links.values_list("successor__path", flat=True)))


def scope_of(user) -> Scope:
    """The units and schools a user belongs to, read once per request (from the same read of
    the memberships as their grants) and cached on it."""
    if user is None or not user.is_authenticated:
        return Scope()
    cached = getattr(user, "_reach_scope", None)
    if cached is not None:
        return cached
    grants = () if user.is_superuser else grants_of(user)
    if user.is_superuser or any(g.role == Role.SYSTEM_ADMIN for g in grants):
        scope = Scope(everything=True)
    else:
        paths = {g.unit_path for g in grants if g.unit_path}
        schools = {g.school_id for g in grants if g.school_id}
        scope = Scope(unit_paths=tuple(sorted(paths)), school_ids=tuple(sorted(schools)))
    user._reach_scope = scope
    return scope


def under_paths(lookup: str, paths: tuple[str, ...]) -> Q:
    """Rows whose unit path is one of `paths` or lies below one of them."""
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{lookup: path}) | Q(**{f"{lookup}__startswith": path + PATH_SEPARATOR})
    return q


def scope_path_of(model: type[Model]) -> ScopePath:
    """The path to the unit tree that `model` declares as its `scope` attribute."""
    declared = getattr(model, "scope", None)
    if not isinstance(declared, ScopePath):
        raise LookupError(
            f"{model._meta.label} declares no scope: give it `scope = ScopePath(unit_path=..., "
            "school=...)` (reach.common.scoping) before passing it to restrict()"
        )
    return declared


@cache
def _crosses_many(model: type[Model], lookup: str) -> bool:
    """Whether `lookup`, followed from `model`, goes through a to-many relation."""
    for name in lookup.split(LOOKUP_SEP):
        field = model._meta.get_field(name)
        if field.one_to_many or field.many_to_many:
            return True
        if not field.is_relation:
            return False
        model = field.related_model
    return False


def _each_row_once(model: type[Model], lookup: str, q: Q) -> Q:
    """`q` over `lookup`, as a subquery of primary keys when the lookup crosses a to-many
    relation, so that a row reached through several related rows comes back once."""
    if _crosses_many(model, lookup):
        return Q(pk__in=model._default_manager.filter(q).values("pk"))
    return q


def restrict(queryset: QuerySet, user) -> QuerySet:
    """Narrow `queryset` to the rows `user` may see. The only place that decides it."""
    model: type[Model] = queryset.model
    path = scope_path_of(model)
    scope = scope_of(user)
    if scope.everything:
        return queryset
    if scope.empty:
        return queryset.none()
    q = _each_row_once(model, path.unit_path, under_paths(path.unit_path, scope.unit_paths))
    if scope.school_ids:
        q |= _each_row_once(model, path.school, Q(**{f"{path.school}__in": scope.school_ids}))
    return queryset.filter(q)


def can_see_unit_path(user, path: str) -> bool:
    scope = scope_of(user)
    return scope.everything or any(
        path == p or path.startswith(p + PATH_SEPARATOR) for p in scope.unit_paths
    )


def is_administrator(user) -> bool:
    """A superuser or a system administrator: sees and may do everything."""
    return scope_of(user).everything
