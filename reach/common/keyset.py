"""Keyset pagination: a page is the rows after the key of the last row of the page before, in
the order of an index, so the thousandth page costs what the first does and no page reads the
whole list.

The key is the list's ordering (ascending fields, none of them null, the last one unique), and
the "after" token handed to the next page is that key, written as URL-safe text. A page also
says how many rows the list has up to a cap (`count_up_to`): counting a list of a million
visible persons would read every one of them.
"""

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.db import connections
from django.db.models import Q, QuerySet

COUNT_CAP = 1000


class BadAfter(ValueError):
    """An "after" token that is not a key of the list."""


@dataclass(frozen=True)
class CappedCount:
    """How many rows a list has: exactly `value`, or more than `value` when `more`."""

    value: int
    more: bool = False

    def __str__(self) -> str:
        return f"{self.value}+" if self.more else str(self.value)


@dataclass(frozen=True)
class KeysetPage:
    object_list: list
    after: str  # the token this page starts after ("": the first page)
    next_after: str  # the token of the next page ("": this is the last)

    @property
    def has_next(self) -> bool:
        return bool(self.next_after)

    @property
    def is_first(self) -> bool:
        return not self.after


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def encode_after(values: tuple) -> str:
    text = json.dumps([_plain(value) for value in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_after(token: str, length: int) -> list:
    try:
        padded = token + "=" * (-len(token) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise BadAfter(token) from error
    plain = (str, int)
    if not isinstance(values, list) or len(values) != length:
        raise BadAfter(token)
    if not all(isinstance(value, plain) and not isinstance(value, bool) for value in values):
        raise BadAfter(token)
    return values


def after_q(fields: tuple[str, ...], values: list) -> Q:
    """Rows whose key (`fields`, ascending) comes after `values`; with the first field's lower
    bound stated alone too, so that the database starts its index range there."""
    later = [
        Q(**{field: value for field, value in zip(fields[:n], values[:n], strict=True)})
        & Q(**{f"{fields[n]}__gt": values[n]})
        for n in range(len(fields))
    ]
    return Q(**{f"{fields[0]}__gte": values[0]}) & reduce(or_, later)


def keyset_page(queryset: QuerySet, *, key: tuple[str, ...], after: str, size: int) -> KeysetPage:
    """The `size` rows of `queryset` after the token `after`, in the order of `key`: one query,
    of `size` + 1 rows (the one more says whether a next page exists). Raises BadAfter for a
    token that is not a key of this list."""
    ordered = queryset.order_by(*key)
    if after:
        ordered = ordered.filter(after_q(key, decode_after(after, len(key))))
    rows = list(ordered[: size + 1])
    page, more = rows[:size], len(rows) > size
    next_after = ""
    if more:
        last = page[-1]
        next_after = encode_after(tuple(_value_of(last, field) for field in key))
    return KeysetPage(object_list=page, after=after, next_after=next_after)


def _value_of(row: Any, field: str) -> Any:
    for name in field.split("__"):
        row = getattr(row, "pk" if name == "pk" else name)
    return row


def count_up_to(
    queryset: QuerySet, *, key: tuple[str, ...] = (), cap: int = COUNT_CAP
) -> CappedCount:
    """How many rows `queryset` has, reading at most `cap` + 1 of them; in the order of `key`
    when given (see `count_in_order`)."""
    counted = queryset.order_by(*_planner_key(queryset, key)).values("pk")[: cap + 1].count()
    return CappedCount(value=min(counted, cap), more=counted > cap)


def count_in_order(queryset: QuerySet, *, key: tuple[str, ...]) -> int:
    """How many rows `queryset` has, counted in the order of `key` on SQLite. An unordered count
    of persons under a unit lets SQLite read every person's index entry before it looks at
    their unit; in the order of an index that starts with the unit (`household_unit_code`), it
    skips the households of other units first. (A count drops its ordering unless sliced.)
    PostgreSQL plans the unordered count well, and would sort the ordered one."""
    key = _planner_key(queryset, key)
    return queryset.order_by(*key).values("pk")[:UNBOUNDED].count() if key else queryset.count()


UNBOUNDED = 2**62


def _planner_key(queryset: QuerySet, key: tuple[str, ...]) -> tuple[str, ...]:
    return key if connections[queryset.db].vendor == "sqlite" else ()
