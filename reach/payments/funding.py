"""Funding sources of entitlement lines: how an amount paid against a line is
split between the sources that fund it.

A line stores its funding as parts, `[{source, minor}]`, adding up to its amount (split by the
benefit's shares when the run computed it). The sources are whatever the policy files name
(`central`, `province`, `county`, `state_budget`, a fund ...); `reach.policy.labels` names them.
"""

from collections.abc import Iterable, Sequence


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
