"""Organisations as task tables name them: compared with spacing, case and punctuation aside
("Vụ GD TH" is "Vụ GDTH"), by name, code or a recorded alias; a cell may name several,
separated by ";" or ",", and "Các Vụ GD MN; GD TH" shares its "Vụ" among the names it lists.
Phrases that name no one in particular ("Các đơn vị có liên quan") are kept as written."""

import re
import unicodedata
from collections.abc import Iterable

from django.db.models import QuerySet

from reach.geo.models import Organisation
from reach.plans.models import OrganisationAlias

# Cells that name a kind of body, not a body: kept as text on the task, never created.
GENERIC_PREFIXES = (
    "các đơn vị", "đơn vị liên quan", "đơn vị có liên quan", "các cơ sở", "các sở",
    "các địa phương", "có liên quan", "các bộ", "các trường", "有关", "相关", "各", "其他",
    "relevant", "other ", "all ", "concerned",
)  # fmt: skip
# A list of departments sharing one word: "Các Vụ GD MN; GD TH", "Các Vụ: GDMN, GDTH".
_SHARED = re.compile(r"^các\s+(vụ|cục)\s*:?\s*(.+)$", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s*[;,；，、]\s*")


def name_key(text: str) -> str:
    """The form two names are compared in: NFC, case folded, no spaces or punctuation."""
    text = unicodedata.normalize("NFC", text).casefold()
    return re.sub(r"[\W_]+", "", text)


def is_generic(text: str) -> bool:
    return unicodedata.normalize("NFC", text).strip().casefold().startswith(GENERIC_PREFIXES)


def _parts(cell: str) -> list[str]:
    cell = re.sub(r"\s+", " ", cell).strip().strip(".")
    if not cell:
        return []
    shared = _SHARED.match(cell)
    if shared:
        word = shared.group(1)[:1].upper() + shared.group(1)[1:].lower()
        return [f"{word} {part}" for part in _SEPARATORS.split(shared.group(2)) if part]
    return [part for part in _SEPARATORS.split(cell) if part]


def split_names(cell: object, known: Iterable[str] = ()) -> list[str]:
    """The names a cell lists, in order. Adjacent pieces are joined back when together they are
    a known name (whose keys `known` holds), as names may contain a comma themselves ("Vụ
    Giáo dục Chính trị và Công tác học sinh, sinh viên")."""
    parts = _parts("" if cell is None else str(cell))
    keys = set(known)
    names, start = [], 0
    while start < len(parts):
        end = start + 1
        for stop in range(len(parts), start + 1, -1):
            if name_key(", ".join(parts[start:stop])) in keys:
                end = stop
                break
        names.append(", ".join(parts[start:end]))
        start = end
    return names


def known_organisations(
    organisations: QuerySet[Organisation] | None = None,
) -> dict[str, Organisation]:
    """Every organisation by the keys of its name, code and aliases (a name wins over an alias
    of another organisation)."""
    organisations = organisations if organisations is not None else Organisation.objects.all()
    found: dict[str, Organisation] = {}
    by_id = {o.pk: o for o in organisations}
    for alias in OrganisationAlias.objects.filter(organisation__in=by_id):
        found[alias.key] = by_id[alias.organisation_id]
    for organisation in by_id.values():
        found.setdefault(name_key(organisation.code), organisation)
    for organisation in by_id.values():
        found[name_key(organisation.name)] = organisation
    return found
