"""Mask personal data for lists meant for publication (public notices, published exports).

`mask_name("Nguyễn Văn An")` gives "Nguyễn V. A." (the family name and initials);
`mask_name("王伟强")` gives "王*强"; `mask_id("079204001234")` gives "0792******34". Birth dates
are never published: leave them out of public lists altogether.
"""

import unicodedata

MASK = "*"


def _is_cjk(char: str) -> bool:
    return unicodedata.name(char, "").startswith(("CJK UNIFIED", "CJK COMPATIBILITY"))


def mask_name(full_name: str | None) -> str:
    """The family name (first word) and the initials of the other words; a name written
    without spaces in Chinese characters keeps its first and last character."""
    words = (full_name or "").split()
    if not words:
        return ""
    if len(words) > 1:
        return " ".join([words[0], *(f"{word[0]}." for word in words[1:])])
    (word,) = words
    if _is_cjk(word[0]):
        if len(word) <= 2:
            return word[0] + MASK * (len(word) - 1)
        return word[0] + MASK * (len(word) - 2) + word[-1]
    return f"{word[0]}."


def mask_id(value: str | None, *, keep_start: int = 4, keep_end: int = 2) -> str:
    """The first `keep_start` and last `keep_end` characters, the rest masked; a value too
    short to hide anything that way is masked entirely."""
    value = "".join((value or "").split())
    if len(value) <= keep_start + keep_end:
        return MASK * len(value)
    hidden = len(value) - keep_start - keep_end
    return value[:keep_start] + MASK * hidden + value[len(value) - keep_end :]
