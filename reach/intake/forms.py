from django import forms
from django.utils.translation import gettext_lazy as _

from reach.intake.choices import EntryGrade


class CapacityForm(forms.Form):
    """The places a school offers at an entry grade in a school year (its first calendar
    year: 2025 for 2025-2026)."""

    school_year = forms.IntegerField(
        label=_("School year (first year)"), min_value=2000, max_value=2100
    )
    grade = forms.TypedChoiceField(label=_("Entry grade"), choices=EntryGrade.choices, coerce=int)
    places = forms.IntegerField(label=_("Places"), min_value=0)
