"""The languages Reach writes in, and names kept in each of them.

A policy file, a benefit and a reference table carry their names as a `{vi, zh, en}` mapping;
Django's language codes (`zh-hans`, `vi`) are reduced to those keys here."""

from collections.abc import Mapping

from django.utils.translation import get_language

LANGUAGES = ("vi", "zh", "en")


def lang_key(lang: str | None) -> str:
    """`vi`, `zh` or `en` for a Django language code (`zh-hans` -> `zh`); English otherwise."""
    short = (lang or "en").lower().split("-")[0].split("_")[0]
    return short if short in LANGUAGES else "en"


def in_language(names: Mapping[str, str], lang: str | None) -> str:
    """The name in `lang` (keyed by its Django code, `zh-hans`, or by its short key, `zh`),
    else in English, else in any language ("" when there is none)."""
    return (
        names.get((lang or "").lower())
        or names.get(lang_key(lang))
        or names.get("en")
        or next(iter(names.values()), "")
    )


def in_current_language(names: Mapping[str, str]) -> str:
    """The name in the language of the request under way (`in_language`)."""
    return in_language(names, get_language())
