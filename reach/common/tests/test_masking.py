"""Masking of names and identifiers for publication."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reach.common.masking import MASK, mask_id, mask_name


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Nguyễn Văn An", "Nguyễn V. A."),
        ("Trần Thị Ngọc Hân", "Trần T. N. H."),
        ("  Lê   Đức  ", "Lê Đ."),
        ("Phạm", "P."),
        ("王伟强", "王*强"),
        ("王伟", "王*"),
        ("欧阳娜娜", "欧**娜"),
        ("李", "李"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_name_keeps_the_family_name_and_initials(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("079204001234", "********1234"),
        ("52272320100101123X", "**************123X"),
        ("0792 0400 1234", "********1234"),
        ("123456789", "******789"),
        ("123456", "****56"),
        ("12", "**"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_id_keeps_at_most_the_last_four_characters(value, masked):
    assert mask_id(value) == masked


@given(st.text(alphabet=st.characters(blacklist_categories=("Zs", "Cc")), min_size=1, max_size=24))
def test_mask_id_keeps_the_length_and_reveals_at_most_the_last_four_characters(value):
    masked = mask_id(value)
    assert len(masked) == len(value)
    assert set(masked[: max(len(value) - 4, 0)]) <= {MASK}
    assert all(shown in (MASK, original) for shown, original in zip(masked, value, strict=True))
    if len(value) >= 12:
        assert masked[-4:] == value[-4:]


vietnamese_word = st.text(
    alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyÁÀẢÃẠàáạảãệễ", min_size=2, max_size=7
)


@given(family=vietnamese_word, given_names=st.lists(vietnamese_word, min_size=1, max_size=3))
def test_mask_name_shows_only_initials_of_given_names_and_is_idempotent(family, given_names):
    full = " ".join([family, *given_names])
    masked = mask_name(full)
    words = masked.split(" ")
    assert words[0] == family
    assert words[1:] == [f"{word[0]}." for word in given_names]
    assert mask_name(masked) == masked
