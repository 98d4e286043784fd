"""Funding sources of entitlement lines: their names, and how an amount paid against a line is
split between the sources that fund it.

A line stores its funding as parts, `[{source, minor}]`, adding up to its amount (split by the
benefit's shares when the run computed it). The sources are whatever the policy files name
(`central`, `province`, `county`, `state_budget`, a fund ...); the known ones have a name in
the user's language, any other is shown by its code.
"""

from collections.abc import Iterable, Sequence

from django.utils.translation import gettext_lazy as _

SOURCE_NAMES = {
    "central": _("Central budget"),
    "national": _("National budget"),
    "state_budget": _("State budget"),
    "higher_levels": _("Higher levels"),
    "province": _("Province budget"),
    "prefecture": _("Prefecture budget"),
    "county": _("County budget"),
    "province_prefecture_county": _("Province, prefecture and county budgets"),
    "by_school_affiliation": _("Budget of the level the school belongs to"),
    "fund": _("Fund"),
}


def source_name(source: str) -> str:
    return str(SOURCE_NAMES[source]) if source in SOURCE_NAMES else source


def parts_of(funding: Iterable[dict] | None, amount_minor: int) -> list[tuple[str, int]]:
    """The (source, minor) parts of a line; a line without parts is funded by one unnamed
    source ("")."""
    parts = [(str(part["source"]), int(part["minor"])) for part in funding or ()]
    return parts or [("", amount_minor)]


def split_like(minor: int, parts: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    """Split `minor` in the proportions of `parts` (largest remainder, integers only): the
    shares add up exactly to `minor`; leftover minor units go to the largest remainders, the
    first source first on ties. Parts adding up to 0 split nothing but the first source."""
    total = sum(part for _source, part in parts)
    if not parts:
        return []
    if total <= 0:
        return [(source, minor if index == 0 else 0) for index, (source, _p) in enumerate(parts)]
    if minor < 0:
        return [(source, -share) for source, share in split_like(-minor, parts)]
    shares = [minor * part // total for _source, part in parts]
    remainders = [minor * part % total for _source, part in parts]
    order = sorted(range(len(parts)), key=lambda i: (-remainders[i], i))
    for i in order[: minor - sum(shares)]:
        shares[i] += 1
    return [(source, share) for (source, _part), share in zip(parts, shares, strict=True)]


def share_of(minor: int, parts: Sequence[tuple[str, int]], source: str) -> int:
    """The share of `source` in `minor` split like `parts` (0 when it funds none of it)."""
    return sum(share for name, share in split_like(minor, parts) if name == source)
