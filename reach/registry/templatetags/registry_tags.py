"""The registry's codes in words in templates: `{% load registry_tags %}`."""

from django import template
from django.db.models import TextChoices

from reach.registry.choices import EducationLevel, EnrolmentStatus, HouseholdStatus

register = template.Library()


def _label(choices: type[TextChoices], code: str | None) -> str:
    return choices(code).label if code in choices.values else (code or "")


@register.filter
def household_status_label(code: str | None) -> str:
    return _label(HouseholdStatus, code)


@register.filter
def level_label(code: str | None) -> str:
    return _label(EducationLevel, code)


@register.filter
def enrolment_status_label(code: str | None) -> str:
    return _label(EnrolmentStatus, code)
