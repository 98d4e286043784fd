import json

from django import template
from django.utils import translation

from reach.registry.choices import EducationLevel, EnrolmentStatus, HouseholdStatus

register = template.Library()


@register.filter
def household_status_label(code: str | None) -> str:
    return HouseholdStatus(code).label if code in HouseholdStatus.values else (code or "")


@register.filter
def level_label(code: str) -> str:
    return EducationLevel(code).label if code in EducationLevel.values else code


@register.filter
def enrolment_status_label(code: str) -> str:
    return EnrolmentStatus(code).label if code in EnrolmentStatus.values else code


@register.filter
def as_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) if value else ""


@register.filter
def money(minor, currency: str) -> str:
    """Integer minor units in major units, grouped the way the current language writes them."""
    if minor is None or not currency:
        return ""
    from reach.policy.amounts import format_major

    return format_major(int(minor), currency, lang=translation.get_language())


@register.filter
def in_language(names) -> str:
    """A {vi, zh, en} mapping of names in the current language (English, then any, otherwise)."""
    if not isinstance(names, dict) or not names:
        return ""
    from reach.policy.catalog import lang_key

    lang = lang_key(translation.get_language() or "en")
    return names.get(lang) or names.get("en") or next(iter(names.values()))
