"""Writes of the geo app: loading units, schools and reorganisations from CSV reference files."""

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from reach.accounts.choices import AuditAction
from reach.accounts.models import User
from reach.accounts.permissions import require
from reach.accounts.services import record_audit_event, snapshot
from reach.geo.choices import (
    CARRIES,
    UNIT_LEVEL_DEPTH,
    SchoolInclusive,
    SchoolOwnership,
    UnitLinkKind,
)
from reach.geo.models import PATH_SEPARATOR, School, Unit, UnitLink
from reach.geo.permissions import can_load_reference_data

DATA_DIR = Path(__file__).parent / "data"
TRUE_WORDS = {"1", "true", "yes", "x", "có", "co", "是"}
REORGANISATION_COLUMNS = (
    "old_code",
    "new_code",
    "date",
    "new_name",
    "new_parent_code",
    "kind",
    "source",
)


class ReferenceDataError(ValueError):
    """A reference file is wrong; the message lists every bad line."""


def _read_csv(path: Path) -> list[tuple[int, dict]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return [(line, row) for line, row in enumerate(csv.DictReader(handle), start=2)]


@transaction.atomic
def load_units(*, path: Path, actor: User) -> int:
    """Create or update units from a CSV of code, name, level, parent_code.

    Parents may come earlier in the file or already exist. Nothing is saved if any line is bad.
    """
    require(can_load_reference_data(actor), _("only an administrator loads units"))
    rows = _read_csv(path)
    known = {u.code: u for u in Unit.objects.all()}
    errors: list[str] = []
    saved = 0
    for line, row in rows:
        code, name = (row.get("code") or "").strip(), (row.get("name") or "").strip()
        level, parent_code = (
            (row.get("level") or "").strip(),
            (row.get("parent_code") or "").strip(),
        )
        if not code or not name:
            errors.append(f"{path.name}:{line}: code and name are required")
            continue
        if level not in UNIT_LEVEL_DEPTH:
            errors.append(f"{path.name}:{line}: unknown level {level!r}")
            continue
        parent = known.get(parent_code) if parent_code else None
        if parent_code and parent is None:
            errors.append(f"{path.name}:{line}: parent {parent_code!r} is not known")
            continue
        unit_path = f"{parent.path}{PATH_SEPARATOR}{code}" if parent else code
        unit, _created = Unit.objects.update_or_create(
            code=code, defaults={"name": name, "level": level, "parent": parent, "path": unit_path}
        )
        known[code] = unit
        saved += 1
    if errors:
        raise ReferenceDataError("\n".join(errors))
    return saved


@transaction.atomic
def load_schools(*, path: Path, actor: User) -> int:
    """Create or update schools from a CSV of code, name, levels (a|b), unit_code, ownership,
    boarding and optionally inclusive (yes, no, unknown: a private kindergarten's 普惠 status;
    unknown when absent). Nothing is saved if any line is bad."""
    require(can_load_reference_data(actor), _("only an administrator loads schools"))
    units = dict(Unit.objects.values_list("code", "id"))
    errors: list[str] = []
    saved = 0
    for line, row in _read_csv(path):
        unit_id = units.get((row.get("unit_code") or "").strip())
        ownership = (row.get("ownership") or "public").strip()
        inclusive = (row.get("inclusive") or SchoolInclusive.UNKNOWN).strip()
        if inclusive not in SchoolInclusive.values:
            errors.append(f"{path.name}:{line}: unknown inclusive {inclusive!r}")
            continue
        if unit_id is None:
            errors.append(f"{path.name}:{line}: unit {row.get('unit_code')!r} is not known")
            continue
        if ownership not in SchoolOwnership.values:
            errors.append(f"{path.name}:{line}: unknown ownership {ownership!r}")
            continue
        School.objects.update_or_create(
            code=row["code"].strip(),
            defaults={
                "name": row["name"].strip(),
                "levels": [lv for lv in (row.get("levels") or "").split("|") if lv],
                "unit_id": unit_id,
                "ownership": ownership,
                "inclusive": inclusive,
                "boarding": (row.get("boarding") or "").strip().lower() in TRUE_WORDS,
            },
        )
        saved += 1
    if errors:
        raise ReferenceDataError("\n".join(errors))
    return saved


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _link_kinds(pairs: list[tuple[str, str]]) -> dict[tuple[str, str], UnitLinkKind]:
    """A reorganisation's kind per link, from its shape: several old units into one new one is
    a merger, one old unit into several new ones a split, one into one a renaming."""
    olds: dict[str, set[str]] = defaultdict(set)
    news: dict[str, set[str]] = defaultdict(set)
    for old, new in pairs:
        olds[new].add(old)
        news[old].add(new)
    kinds = {}
    for old, new in pairs:
        if len(news[old]) > 1:
            kinds[old, new] = UnitLinkKind.SPLIT
        elif len(olds[new]) > 1:
            kinds[old, new] = UnitLinkKind.MERGE
        else:
            kinds[old, new] = UnitLinkKind.RENAME
    return kinds


def _close(unit: Unit, last_day: dt.date, *, successor: Unit | None, actor: User) -> None:
    before = snapshot(unit)
    unit.valid_to, unit.successor = last_day, successor
    if snapshot(unit) != before:
        unit.save(update_fields=["valid_to", "successor"])
        record_audit_event(
            actor=actor, action=AuditAction.UPDATE, obj=unit, before=before, after=snapshot(unit)
        )


@transaction.atomic
def load_reorganisation(*, path: Path, actor: User) -> list[UnitLink]:
    """Record a reorganisation from a CSV of old_code, new_code, date (the new units' first
    day; a row without new_code closes a unit that has no successor, such as an abolished
    district), and optionally new_name, new_parent_code (to create a new unit), kind (merge, split,
    rename: else read from the shape of the rows) and source (the decision).

    Old units close the day before (`valid_to`), new ones open on the date (`valid_from`); a
    merger or renaming also sets the old unit's `successor`. Nothing else changes: records keep
    the unit they had. All or nothing, every bad line named; loading the same file again
    changes nothing.
    """
    require(can_load_reference_data(actor), _("only an administrator loads units"))
    rows = _read_csv(path)
    known = {u.code: u for u in Unit.objects.all()}
    errors: list[str] = []
    wanted: list[tuple[int, dict]] = []
    for line, row in rows:
        values = {key: (row.get(key) or "").strip() for key in REORGANISATION_COLUMNS}
        date = _parse_date(values["date"])
        where = f"{path.name}:{line}"
        if not values["old_code"]:
            errors.append(f"{where}: old_code is required")
        elif values["old_code"] not in known:
            errors.append(f"{where}: old unit {values['old_code']!r} is not known")
        elif date is None:
            errors.append(f"{where}: date {values['date']!r} is not a date (YYYY-MM-DD)")
        elif values["kind"] and values["kind"] not in UnitLinkKind.values:
            errors.append(f"{where}: unknown kind {values['kind']!r}")
        elif (
            values["new_code"]
            and values["new_code"] not in known
            and not (values["new_name"] and values["new_parent_code"] in known)
        ):
            errors.append(
                f"{where}: new unit {values['new_code']!r} is not known: give new_name and a "
                "known new_parent_code to create it"
            )
        else:
            wanted.append((line, {**values, "date": date}))
    if errors:
        raise ReferenceDataError("\n".join(errors))
    kinds = _link_kinds([(v["old_code"], v["new_code"]) for _line, v in wanted if v["new_code"]])
    links = []
    for _line, values in wanted:
        old, date = known[values["old_code"]], values["date"]
        if not values["new_code"]:
            _close(old, date - dt.timedelta(days=1), successor=old.successor, actor=actor)
            continue
        new = known.get(values["new_code"])
        if new is None:
            parent = known[values["new_parent_code"]]
            new = Unit.objects.create(
                code=values["new_code"],
                name=values["new_name"],
                level=old.level,
                parent=parent,
                path=f"{parent.path}{PATH_SEPARATOR}{values['new_code']}",
                valid_from=date,
            )
            known[new.code] = new
            record_audit_event(actor=actor, action=AuditAction.CREATE, obj=new, after=snapshot(new))
        kind = UnitLinkKind(values["kind"] or kinds[old.code, new.code])
        forward, back = CARRIES[kind]
        link, created = UnitLink.objects.get_or_create(
            predecessor=old,
            successor=new,
            defaults={
                "kind": kind,
                "date": date,
                "carries_forward": forward,
                "carries_back": back,
                "source": values["source"],
            },
        )
        links.append(link)
        successor = old.successor if kind == UnitLinkKind.SPLIT else new
        _close(old, date - dt.timedelta(days=1), successor=successor, actor=actor)
        if created:
            record_audit_event(
                actor=actor, action=AuditAction.CREATE, obj=link, after=snapshot(link)
            )
    return links
