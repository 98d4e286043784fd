"""Match staged rows to the registry and count, or write, what they change.

Households match by code; persons within their household by national ID, else by full name
(ignoring case) and birth date; statuses by (household, year); enrolments by (person, school
year, level). The same code computes the preview (`write=False`) and the commit (`write=True`),
a chunk of whole households at a time with a fixed number of queries per chunk. Records are
plain dicts of column values; writes are set-based (see `bulk`).
"""

import datetime as dt
from collections import defaultdict

from django.db import models
from django.db.models import F
from django.utils import timezone

from reach.accounts.choices import AuditAction
from reach.accounts.models import AuditEvent
from reach.registry.imports import bulk, values
from reach.registry.imports.headings import PERSON_COLUMNS
from reach.registry.imports.rows import StagedRow
from reach.registry.imports.validation import DatabaseChecks
from reach.registry.models import Enrolment, Household, HouseholdYearStatus, Person

KINDS = ("households", "statuses", "persons", "enrolments")
OUTCOMES = ("new", "changed", "unchanged")
ENROLMENT_COLUMNS = {  # model column: import column
    "school_id": "school_code",
    "grade": "grade",
    "boarding": "boarding",
    "status": "enrollment_status",
}
MODELS = {
    "households": Household,
    "statuses": HouseholdYearStatus,
    "persons": Person,
    "enrolments": Enrolment,
}
NATURAL_KEYS = {
    "households": ("code",),
    "statuses": ("household_id", "year"),
    "persons": ("household_id", "full_name", "birth_date"),
    "enrolments": ("person_id", "school_year", "level"),
}
UPDATABLE = {
    "households": ("unit_id", "head_name", "address", "updated_at"),
    "statuses": ("status",),
    "persons": ("full_name", "sex", "birth_date", "national_id", "ethnicity", "ethnic_minority",
                "relation", "disabled", "orphan", "martyr_child", "left_behind", "migrant",
                "unsupported", "caregiver_name", "caregiver_relation", "education_completed"),
    "enrolments": ("school_id", "grade", "boarding", "status"),
}  # fmt: skip
AUDIT_COLUMNS = ("action", "object_type", "object_id", "object_repr", "household_id", "before",
                 "after")  # fmt: skip
SKIPPED_IN_SNAPSHOT = {"id", "created_at", "updated_at"}  # as accounts.services.snapshot


def empty_summary() -> dict:
    summary = {f"{kind}_{outcome}": 0 for kind in KINDS for outcome in OUTCOMES}
    summary["persons_not_in_file"] = 0
    return summary


def _columns(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if f.attname != "id"]


def _defaults(model: type[models.Model]) -> dict:
    return {f.attname: f.get_default() for f in model._meta.concrete_fields if f.attname != "id"}


def snapshot(record: dict, model: type[models.Model]) -> dict:
    """The audited values of a record, as `accounts.services.snapshot` gives them for objects."""
    values = {column: record[column] for column in _AUDITED[model]}
    for column in _DATES[model]:
        if values[column] is not None:
            values[column] = values[column].isoformat()
    return values


_AUDITED = {
    model: [c for c in _columns(model) if c not in SKIPPED_IN_SNAPSHOT] for model in MODELS.values()
}
_DATES = {
    model: [f.attname for f in model._meta.concrete_fields if isinstance(f, models.DateField)
            and f.attname in _AUDITED[model]]
    for model in MODELS.values()
}  # fmt: skip
_DEFAULTS = {model: _defaults(model) for model in MODELS.values()}


class Merge:
    def __init__(self, *, checks: DatabaseChecks, write: bool, actor=None, reason: str = ""):
        self.checks = checks
        self.write = write
        self.actor = actor if actor is not None and actor.pk else None
        self.reason = reason[:200]
        self.summary = empty_summary()
        self.todo: dict[str, tuple[list, list]] = {}  # kind: (new, changed) of the current chunk

    def apply(self, rows: list[StagedRow]) -> None:
        """Merge a chunk of rows holding whole households (grouped by household code)."""
        groups: dict[str, list[dict]] = defaultdict(list)
        for row in rows:
            groups[row.data["household_code"]].append(row.data)
        households = {
            h["code"]: h for h in Household.objects.filter(code__in=list(groups)).values()
        }
        ids = [h["id"] for h in households.values()]
        members: dict[int, list[dict]] = defaultdict(list)
        for person in Person.objects.filter(household_id__in=ids).values():
            members[person["household_id"]].append(person)
        statuses = {
            (s["household_id"], s["year"]): s
            for s in HouseholdYearStatus.objects.filter(household_id__in=ids).values()
        }
        enrolments = {
            (e["person_id"], e["school_year"], e["level"]): e
            for e in Enrolment.objects.filter(person__household_id__in=ids).values(
                "id", *_columns(Enrolment), household=F("person__household_id")
            )
        }
        self.todo = {kind: ([], []) for kind in KINDS}
        for code, group in groups.items():
            household = self._household(code, group[0], households.get(code))
            self._status(household, group[0], statuses)
            people = self._persons(household, group, members.get(household.get("id"), []))
            for person, data in zip(people, group, strict=True):
                if "school_year" in data:
                    self._enrolment(household, person, data, enrolments)
        if self.write:
            self._save()

    def _new(self, kind: str, record: dict, links: dict, household: dict | None = None) -> dict:
        """Count a new record; `links` name the records whose ids its foreign keys take."""
        self.summary[f"{kind}_new"] += 1
        record = _DEFAULTS[MODELS[kind]] | record
        if self.write:
            self.todo[kind][0].append((record, links, household or record))
        return record

    def _compare(self, kind: str, stored: dict, wanted: dict, household: dict) -> None:
        differing = {column: value for column, value in wanted.items() if stored[column] != value}
        self.summary[f"{kind}_{'changed' if differing else 'unchanged'}"] += 1
        if differing and self.write:
            before = snapshot(stored, MODELS[kind])
            stored.update(differing)
            self.todo[kind][1].append((stored, before, household))

    def _household(self, code: str, data: dict, stored: dict | None) -> dict:
        wanted = {"unit_id": self.checks.unit_id(data["unit_code"]), "head_name": data["head_name"]}
        if "address" in data:
            wanted["address"] = data["address"]
        if stored is None:
            return self._new("households", {"code": code, **wanted}, {})
        self._compare("households", stored, wanted, stored)
        return stored

    def _status(self, household: dict, data: dict, statuses: dict) -> None:
        if "poverty_status" not in data:
            return
        stored = statuses.get((household.get("id"), data["status_year"]))
        if stored is None:
            record = {"year": data["status_year"], "status": data["poverty_status"]}
            self._new("statuses", record, {"household_id": household}, household)
        else:
            self._compare("statuses", stored, {"status": data["poverty_status"]}, household)

    def _persons(self, household: dict, group: list[dict], stored: list[dict]) -> list[dict]:
        """The person of each row: matched by national ID first, then by name and birth date."""
        by_id = {p["national_id"]: p for p in stored if p["national_id"]}
        matched = [by_id.get(data.get("national_id")) for data in group]
        taken = {p["id"] for p in matched if p}
        by_name = {
            (values.key(p["full_name"]), p["birth_date"].isoformat()): p
            for p in stored
            if p["id"] not in taken
        }
        people = []
        for data, person in zip(group, matched, strict=True):
            wanted = {column: data[column] for column in PERSON_COLUMNS if column in data}
            wanted["birth_date"] = dt.date.fromisoformat(data["birth_date"])
            person = person or by_name.pop(
                (values.key(data["full_name"]), data["birth_date"]), None
            )
            if person is None:
                person = self._new("persons", wanted, {"household_id": household}, household)
            else:
                taken.add(person["id"])
                self._compare("persons", person, wanted, household)
            people.append(person)
        self.summary["persons_not_in_file"] += len(stored) - len(taken)
        return people

    def _enrolment(self, household: dict, person: dict, data: dict, enrolments: dict) -> None:
        wanted = {
            column: self.checks.school_id(data[name]) if column == "school_id" else data[name]
            for column, name in ENROLMENT_COLUMNS.items()
            if name in data
        }
        stored = enrolments.get((person.get("id"), data["school_year"], data["level"]))
        if stored is None:
            record = {"school_year": data["school_year"], "level": data["level"], **wanted}
            self._new("enrolments", record, {"person_id": person}, household)
        else:
            self._compare("enrolments", stored, wanted, household)

    def _save(self) -> None:
        now = timezone.now()
        events: list[dict] = []
        for kind in KINDS:  # parents before children
            model = MODELS[kind]
            new, changed = self.todo[kind]
            for record, links, _household in new:
                record.update((column, parent["id"]) for column, parent in links.items())
            if new:
                constants = {"created_at": now, "updated_at": now} if kind == "households" else {}
                columns = [column for column in _columns(model) if column not in constants]
                records = [record for record, *_rest in new]
                bulk.insert_returning(
                    model, columns, records, key=NATURAL_KEYS[kind], constants=constants
                )
            if changed:
                if kind == "households":
                    for record, *_rest in changed:
                        record["updated_at"] = now
                bulk.update(model, UPDATABLE[kind], [record for record, *_rest in changed])
            for record, _links, household in new:
                events.append(self._event(kind, AuditAction.CREATE, record, None, household))
            for record, before, household in changed:
                events.append(self._event(kind, AuditAction.UPDATE, record, before, household))
        constants = {
            "actor_id": self.actor.pk if self.actor else None,
            "actor_name": self.actor.get_username() if self.actor else "system",
            "reason": self.reason,
            "at": now,
        }
        bulk.insert(AuditEvent, AUDIT_COLUMNS, events, constants)

    def _event(self, kind, action, record, before, household) -> dict:
        model = MODELS[kind]
        return {
            "action": action.value,
            "object_type": model._meta.label_lower,
            "object_id": str(record["id"]),
            "object_repr": _repr(kind, record)[:200],
            "household_id": household["id"],
            "before": before,
            "after": snapshot(record, model),
        }


def _repr(kind: str, record: dict) -> str:
    """What str() of the model instance gives, without building one."""
    if kind == "households":
        return f"{record['code']} {record['head_name']}"
    if kind == "persons":
        return record["full_name"]
    if kind == "statuses":
        return f"{record['household_id']} {record['year']}: {record['status']}"
    return f"{record['person_id']} {record['school_year']} {record['level']} {record['status']}"
