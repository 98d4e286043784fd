"""The keyset token: a list's key written as URL-safe text and read back, or refused."""

import datetime as dt

import pytest
from django.db.models import Q

from reach.common.keyset import BadAfter, CappedCount, after_q, decode_after, encode_after


def test_a_key_reads_back_as_its_values_with_the_date_in_iso_form():
    token = encode_after((12, "HH-0001", dt.date(2016, 9, 1), 345))

    assert token.isascii() and "=" not in token and "/" not in token
    assert decode_after(token, 4) == [12, "HH-0001", "2016-09-01", 345]


@pytest.mark.parametrize(
    "token",
    ["not base64!", "e30", encode_after((1, 2)), encode_after((1, 2, 3, True))],
    ids=["not-base64", "not-a-list", "too-short", "a-boolean"],
)
def test_a_token_that_is_not_a_key_of_four_fields_is_refused(token):
    with pytest.raises(BadAfter):
        decode_after(token, 4)


def test_after_a_key_means_later_in_a_field_with_the_fields_before_it_equal():
    q = after_q(("unit", "code", "pk"), [3, "B", 7])

    assert q == Q(unit__gte=3) & (
        Q(unit__gt=3) | (Q(unit=3) & Q(code__gt="B")) | (Q(unit=3, code="B") & Q(pk__gt=7))
    )


def test_a_capped_count_says_more_than():
    assert str(CappedCount(1000, more=True)) == "1000+"
    assert str(CappedCount(12)) == "12"
