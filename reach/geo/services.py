"""Writes of the geo app: loading units and schools from CSV reference files."""

import csv
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from reach.accounts.models import User
from reach.accounts.permissions import require
from reach.geo.choices import UNIT_LEVEL_DEPTH, SchoolInclusive, SchoolOwnership
from reach.geo.models import PATH_SEPARATOR, School, Unit
from reach.geo.permissions import can_load_reference_data

DATA_DIR = Path(__file__).parent / "data"
TRUE_WORDS = {"1", "true", "yes", "x", "có", "co", "是"}


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
