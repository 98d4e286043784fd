"""Mask personal data for lists meant for publication (public notices, published exports).

`mask_name("Nguyễn Văn An")` gives "Nguyễn V. A." (the family name and initials);
`mask_name("王伟强")` gives "王*强"; `mask_id("079204001234")` gives "********1234": a masked
national ID keeps at most its last four characters (and never more than a third of them), enough
to tell two people apart on a list, never enough to find the number. Birth dates are never
published: leave them out of public lists altogether.
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


def mask_id(value: str | None, *, keep_end: int = 4) -> str:
    """The last `keep_end` characters (at most a third of the value), the rest masked; a value
    too short to keep any is masked entirely."""
    value = "".join((value or "").split())
    kept = min(keep_end, len(value) // 3)
    return MASK * (len(value) - kept) + value[len(value) - kept :]
