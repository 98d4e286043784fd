from django import template
from django.utils import translation

from reach.common.languages import in_current_language
from reach.common.money import format_major

register = template.Library()


@register.filter
def money(minor: int | None, currency: str) -> str:
    """Integer minor units in major units, grouped the way the current language writes them."""
    if minor is None or not currency:
        return ""
    return format_major(int(minor), currency, lang=translation.get_language())


@register.filter
def in_language(names: object) -> str:
    """A {vi, zh, en} mapping of names in the current language (English, then any, otherwise)."""
    if not isinstance(names, dict) or not names:
        return ""
    return in_current_language(names)
