import json

from django import template

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
