"""Check the rows of a household import as a whole and against the database.

Errors are collected, never raised, so the person fixing the file sees every problem at once.
Database checks run on chunks of rows with one `__in` query per kind of lookup.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reach.accounts.scoping import can_see_unit_path, restrict
from reach.geo.models import PATH_SEPARATOR, School, Unit
from reach.registry import permissions
from reach.registry.imports import values
from reach.registry.imports.headings import CONSISTENT_COLUMNS
from reach.registry.imports.merge import ROWS
from reach.registry.imports.rows import STATUS_PAIR, Findings, StagedRow
from reach.registry.models import Enrolment, Household, Person


class FileChecks:
    """Checks across the rows of one file: duplicates and households told two ways."""

    def __init__(self, findings: Findings):
        self.findings = findings
        self.national_ids: dict[str, int] = {}
        self.person_keys: dict[tuple, int] = {}
        self.households: dict[str, tuple[int, dict]] = {}
        self.name_births: dict[tuple, tuple[int, str]] = {}

    def check(self, row: StagedRow) -> None:
        data, line = row.data, row.line
        code = data.get("household_code")
        if national_id := data.get("national_id"):
            first = self.national_ids.setdefault(national_id, line)
            if first != line:
                self.findings.error(
                    line,
                    "national_id",
                    _("National ID %(id)s is already on line %(line)s")
                    % {"id": national_id, "line": first},
                )
        if code and data.get("full_name") and data.get("birth_date"):
            person = (code, values.key(data["full_name"]), data["birth_date"])
            first = self.person_keys.setdefault(person, line)
            if first != line:
                self.findings.error(
                    line,
                    "full_name",
                    _(
                        "The same person (household, full name, birth date) is already on line "
                        "%(line)s"
                    )
                    % {"line": first},
                )
            self._check_other_households(row, code)
        if code:
            self._check_household(row, code)

    def _check_other_households(self, row: StagedRow, code: str) -> None:
        name_birth = (values.key(row.data["full_name"]), row.data["birth_date"])
        first_line, first_code = self.name_births.setdefault(name_birth, (row.line, code))
        if first_code != code:
            self.findings.duplicate(
                row.line,
                _(
                    "Same full name and birth date as line %(line)s (household %(household)s) "
                    "in this file"
                )
                % {"line": first_line, "household": first_code},
                None,
                first_code,
            )

    def _check_household(self, row: StagedRow, code: str) -> None:
        own = {c: row.data[c] for c in CONSISTENT_COLUMNS if c in row.data}
        if not row.status_given:
            own.update(dict.fromkeys(STATUS_PAIR, ""))  # compared as "no status"
        first_line, first = self.households.setdefault(code, (row.line, own))
        if first_line == row.line:
            return
        for column in CONSISTENT_COLUMNS:
            if column in own and column in first and own[column] != first[column]:
                self.findings.error(
                    row.line,
                    column,
                    _(
                        "Household %(code)s has %(column)s “%(first)s” on line %(line)s but "
                        "“%(value)s” here"
                    )
                    % {
                        "code": code,
                        "column": column,
                        "first": first[column],
                        "line": first_line,
                        "value": own[column],
                    },
                )


REGISTERED_ELSEWHERE = gettext_lazy("Registered elsewhere; ask the district office")
STATUS_RULE = gettext_lazy(
    "Only the ward or district office that keeps the poor and near-poor list sets a "
    "household's poverty status"
)
OWN_PUPILS_RULE = gettext_lazy(
    "School staff import only their own school's pupils: enrol the person at your school"
)
HOUSEHOLD_RULE = gettext_lazy(
    "A household's head, address and unit are kept by the ward office: leave them as on record"
)
OTHER_SCHOOL_RULE = gettext_lazy(
    "This person is a pupil of another school in that school year: only that school or the "
    "ward office changes their record"
)


@dataclass
class UnitInfo:
    id: int
    country: str
    in_scope: bool  # the importer may import households of this unit
    owns_list: bool  # the importer keeps its poor / near-poor list (sets statuses)


@dataclass(frozen=True)
class Refusal:
    """A row that named a record outside the importer's area: audited, never described."""

    line: int
    object_type: str
    object_id: int
    household_id: int


@dataclass(frozen=True)
class _Owner:
    person_id: int
    household_id: int
    household_code: str
    visible: bool


class DatabaseChecks:
    """Checks against the registry, a chunk of rows at a time, caching reference lookups.

    With a `user`, every row must also be theirs to import (`reach.registry.permissions`);
    without one (the command line's operator) only the data is checked. Rows naming a record
    outside the user's area get one neutral message and are collected in `refusals`."""

    def __init__(self, *, user=None, findings: Findings, report_duplicates: bool = True):
        self.user = user
        self.findings = findings
        self.report_duplicates = report_duplicates
        self.units: dict[str, UnitInfo | None] = {}
        self.schools: dict[str, int | None] = {}
        self.reported_hidden: set[str] = set()
        self.refusals: list[Refusal] = []
        self.staffed = set() if user is None else permissions.schools_staffed_by(user)

    def _scoped(self, queryset):
        return queryset if self.user is None else restrict(queryset, self.user)

    def _load_units(self, codes: set[str]) -> None:
        missing = codes - self.units.keys()
        if not missing:
            return
        self.units.update(dict.fromkeys(missing))
        for unit in Unit.objects.filter(code__in=missing):
            country = unit.path.split(PATH_SEPARATOR)[0]
            if self.user is None:
                self.units[unit.code] = UnitInfo(unit.pk, country, True, True)
                continue
            self.units[unit.code] = UnitInfo(
                unit.pk,
                country,
                permissions.can_import_households(self.user, unit),
                permissions.can_set_poverty_status(self.user, unit),
            )

    def _load_schools(self, codes: set[str]) -> None:
        missing = codes - self.schools.keys()
        if missing:
            found = dict(School.objects.filter(code__in=missing).values_list("code", "id"))
            self.schools.update({code: found.get(code) for code in missing})

    def unit_id(self, code: str) -> int:
        info = self.units[code]
        assert info is not None
        return info.id

    def school_id(self, code: str | None) -> int | None:
        return self.schools[code] if code else None

    def check(self, rows: list[StagedRow]) -> None:
        self._load_units({r.data["unit_code"] for r in rows if r.data.get("unit_code")})
        self._load_schools({r.data["school_code"] for r in rows if r.data.get("school_code")})
        codes = {r.data["household_code"] for r in rows if r.data.get("household_code")}
        existing = {
            h["code"]: h
            for h in Household.objects.filter(code__in=codes).values(
                "id", "code", "unit_id", "head_name", "address"
            )
        }
        hidden = set(existing) - set(
            self._scoped(Household.objects.filter(code__in=existing)).values_list("code", flat=True)
        )
        owners = self._national_id_owners(rows)
        namesakes = self._namesakes(rows) if self.report_duplicates else {}
        visible = {code: h for code, h in existing.items() if code not in hidden}
        pupils_elsewhere = self._pupils_of_other_schools(rows, visible)
        for row in rows:
            self._check_row(row, existing, hidden, owners, namesakes)
            if self._school_only(row):
                stored = visible.get(row.data["household_code"])
                self._check_school_row(row, stored, pupils_elsewhere)

    def check_national_ids(self, rows: list[StagedRow]) -> None:
        """Each national ID in the format of its unit's country (`check` leaves it out: the
        cell's own check, made once when the file is read)."""
        self._load_units({r.data["unit_code"] for r in rows if r.data.get("national_id")})
        for row in rows:
            national_id = row.data.get("national_id")
            unit = self.units.get(row.data.get("unit_code", "")) if national_id else None
            if unit is not None:
                problem = values.national_id_problem(national_id, unit.country, row.numeric_id)
                if problem:
                    self.findings.error(row.line, "national_id", problem)

    def report_namesakes(self) -> None:
        """The possible duplicates of `check` for the staged rows of the open merge
        (`merge.ROWS`), found by one query: persons on record of another household with a
        row's full name and birth date."""
        person, household, unit = (m._meta.db_table for m in (Person, Household, Unit))
        found = _rows_query(
            f"SELECT r.line, r.hcode, p.id, h.code, u.path FROM {ROWS} r "  # noqa: S608
            f"JOIN {person} p ON p.full_name = r.full_name AND p.birth_date = r.birth_date "
            f"JOIN {household} h ON h.id = p.household_id JOIN {unit} u ON u.id = h.unit_id "
            "WHERE h.code <> r.hcode ORDER BY r.line, p.id"
        )
        for line, code, person_id, other_code, path in found:
            self._report_namesake(line, code, person_id, other_code, self._visible(path))

    def _report_namesake(self, line, code, person_id, other_code, visible) -> None:
        if other_code == code:
            return
        self.findings.duplicate(
            line,
            _("Same full name and birth date as person #%(id)s of household %(household)s")
            % {"id": person_id, "household": other_code}
            if visible
            else _("Same full name and birth date as a person of a household outside your area"),
            person_id if visible else None,
            other_code if visible else "",
        )

    def may_have_errors(self) -> bool:
        """Whether the staged rows of the open merge (`merge.ROWS`) may fail a check of
        `check`: queries over all of them at once, which find nothing on a batch that passes
        (the case of a commit), so that only a batch the database no longer fits is checked
        again row by row to name its errors. School staff's rows are always checked row by
        row (their rules are about their school's pupils)."""
        units = _rows_query(f"SELECT DISTINCT unit_code FROM {ROWS}")  # noqa: S608
        self._load_units({code for (code,) in units})
        if any(unit is None or not unit.owns_list for unit in self.units.values()):
            return True
        person, household = Person._meta.db_table, Household._meta.db_table
        country = (
            "substr(r.unit_path, 1, instr(r.unit_path || '.', '.') - 1)"
            if connection.vendor == "sqlite"
            else "split_part(r.unit_path, '.', 1)"
        )
        queries: list[tuple[str, list]] = [
            (f"SELECT 1 FROM {ROWS} r WHERE r.school_code IS NOT NULL AND r.school_id IS NULL", []),  # noqa: S608
            (
                f"SELECT 1 FROM {ROWS} r WHERE r.national_id IS NOT NULL AND ("  # noqa: S608
                f"{country} = 'VN' AND length(r.national_id) NOT IN (9, 12) "
                f"OR {country} = 'CN' AND length(r.national_id) <> 18)",
                [],
            ),
            (
                f"SELECT 1 FROM {ROWS} r JOIN {person} p ON p.national_id = r.national_id "  # noqa: S608
                f"JOIN {household} h ON h.id = p.household_id WHERE h.code <> r.hcode",
                [],
            ),
        ]
        if self.user is not None:
            visible = restrict(Household.objects.all(), self.user).values("id")
            sql, params = visible.query.sql_with_params()
            queries.append(
                (
                    f"SELECT 1 FROM {ROWS} r JOIN {household} h ON h.code = r.hcode "  # noqa: S608
                    f"WHERE h.id NOT IN ({sql})",
                    list(params),
                )
            )
        return any(_rows_query(f"{sql} LIMIT 1", params) for sql, params in queries)

    def _refuse(self, line: int, column: str, object_type: str, object_id: int, household_id: int):
        self.findings.error(line, column, str(REGISTERED_ELSEWHERE))
        self.refusals.append(Refusal(line, object_type, object_id, household_id))

    def _check_row(self, row, existing, hidden, owners, namesakes) -> None:
        data, line, f = row.data, row.line, self.findings
        code = data.get("household_code", "")
        unit = self.units.get(data.get("unit_code", ""))
        if unit_code := data.get("unit_code"):
            if unit is None:
                f.error(line, "unit_code", _("Unknown unit code %(code)s") % {"code": unit_code})
            elif not unit.in_scope:
                reason = _("Unit %(code)s is outside your area") % {"code": unit_code}
                f.error(line, "unit_code", reason)
            elif "poverty_status" in data and not unit.owns_list:
                f.error(line, "poverty_status", str(STATUS_RULE))
        if code in hidden and code not in self.reported_hidden:
            self.reported_hidden.add(code)
            household_id = existing[code]["id"]
            self._refuse(line, "household_code", "registry.household", household_id, household_id)
        school_code = data.get("school_code")
        if school_code and self.schools.get(school_code) is None:
            f.error(line, "school_code", _("Unknown school code %(code)s") % {"code": school_code})
        national_id = data.get("national_id")
        owner = owners.get(national_id) if national_id else None
        if owner and owner.household_code != code:
            if owner.visible:
                f.error(
                    line,
                    "national_id",
                    _("National ID %(id)s belongs to a person of another household (%(household)s)")
                    % {"id": national_id, "household": owner.household_code},
                )
            else:
                self._refuse(
                    line, "national_id", "registry.person", owner.person_id, owner.household_id
                )
        if data.get("full_name") and data.get("birth_date"):
            for person_id, other_code, visible in namesakes.get(
                (data["full_name"], data["birth_date"]), ()
            ):
                self._report_namesake(line, code, person_id, other_code, visible)

    def _school_only(self, row: StagedRow) -> bool:
        """Whether the row is imported by school staff, not by the owners of the unit's list."""
        unit = self.units.get(row.data.get("unit_code", ""))
        return self.user is not None and unit is not None and unit.in_scope and not unit.owns_list

    def _check_school_row(self, row: StagedRow, stored: dict | None, pupils_elsewhere) -> None:
        """School staff: their own school's pupils only, and the household as on record."""
        data, line, f = row.data, row.line, self.findings
        if self.schools.get(data.get("school_code", "")) not in self.staffed:
            f.error(line, "school_code", str(OWN_PUPILS_RULE))
        if stored is not None:
            unit = self.units[data["unit_code"]]
            wanted = {"unit_code": unit.id if unit else None, "head_name": data.get("head_name")}
            on_record = {"unit_code": stored["unit_id"], "head_name": stored["head_name"]}
            if "address" in data:
                wanted["address"], on_record["address"] = data["address"], stored["address"]
            for column, value in wanted.items():
                if value != on_record[column]:
                    f.error(line, column, str(HOUSEHOLD_RULE))
            if _person_keys(data) & pupils_elsewhere:
                f.error(line, "school_code", str(OTHER_SCHOOL_RULE))

    def _pupils_of_other_schools(self, rows: list[StagedRow], visible: dict) -> set[tuple]:
        """Keys (see `_person_keys`) of the persons of the school staff's rows' households who
        are enrolled at another school in a school year those rows name."""
        school_rows = [
            r for r in rows if r.data.get("household_code") in visible and self._school_only(r)
        ]
        if not school_rows:
            return set()
        enrolled = (
            Enrolment.objects.filter(
                person__household__code__in={r.data["household_code"] for r in school_rows},
                school_year__in={
                    r.data["school_year"] for r in school_rows if "school_year" in r.data
                },
            )
            .exclude(school_id__in=self.staffed)
            .exclude(school__isnull=True)
            .values_list(
                "person__household__code",
                "person__national_id",
                "person__full_name",
                "person__birth_date",
                "school_year",
            )
        )
        keys: set[tuple] = set()
        for code, national_id, name, birth, year in enrolled:
            person = {
                "household_code": code,
                "full_name": name,
                "birth_date": birth.isoformat(),
                "national_id": national_id,
                "school_year": year,
            }
            keys |= _person_keys(person)
        return keys

    def _visible(self, unit_path: str) -> bool:
        return self.user is None or can_see_unit_path(self.user, unit_path)

    def _national_id_owners(self, rows: list[StagedRow]) -> dict[str, _Owner]:
        ids = {r.data["national_id"] for r in rows if r.data.get("national_id")}
        found = Person.objects.filter(national_id__in=ids).values_list(
            "national_id", "id", "household_id", "household__code", "household__unit__path"
        )
        return {
            nid: _Owner(person_id, household_id, code, self._visible(path))
            for nid, person_id, household_id, code, path in found
        }

    def _namesakes(self, rows: list[StagedRow]) -> dict[tuple, list[tuple[int, str, bool]]]:
        """Persons on record with the full name and birth date of a row, by (name, birth)."""
        wanted = sorted(
            {
                (r.data["full_name"], r.data["birth_date"])
                for r in rows
                if r.data.get("full_name") and r.data.get("birth_date")
            }
        )
        namesakes: dict[tuple, list[tuple[int, str, bool]]] = defaultdict(list)
        for start in range(0, len(wanted), 1000):
            part = wanted[start : start + 1000]
            for person_id, name, birth, code, path in _persons_named(part):
                birth = birth if isinstance(birth, str) else birth.isoformat()
                namesakes[(name, birth)].append((person_id, code, self._visible(path)))
        return namesakes


def _rows_query(sql: str, params: list | tuple = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _person_keys(data: dict) -> set[tuple]:
    """How a row (or a person on record) is matched in its household and school year: by
    national ID, and by full name and birth date."""
    code, year = data.get("household_code"), data.get("school_year")
    keys = set()
    if data.get("full_name") and data.get("birth_date"):
        keys.add((code, year, "name", values.key(data["full_name"]), data["birth_date"]))
    if data.get("national_id"):
        keys.add((code, year, "id", data["national_id"]))
    return keys


def _persons_named(pairs: list[tuple[str, str]]) -> list[tuple]:
    """(id, full name, birth date, household code, unit path) of the persons having one of the
    (full name, ISO birth date) pairs: one indexed probe per pair. (Two separate `__in` filters
    would probe every name with every date.)"""
    quote = connection.ops.quote_name
    person, household, unit = (quote(m._meta.db_table) for m in (Person, Household, Unit))
    adapt = connection.ops.adapt_datefield_value
    params = [
        value for name, birth in pairs for value in (name, adapt(dt.date.fromisoformat(birth)))
    ]
    pairs_sql = ", ".join(["(%s, %s)"] * len(pairs))
    sql = (
        f"SELECT p.id, p.full_name, p.birth_date, h.code, u.path FROM {person} p "  # noqa: S608
        f"JOIN {household} h ON h.id = p.household_id JOIN {unit} u ON u.id = h.unit_id "
        f"WHERE (p.full_name, p.birth_date) IN (VALUES {pairs_sql})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
