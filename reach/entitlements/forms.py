from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from reach.common.languages import lang_key
from reach.common.schoolyear import current_school_year
from reach.geo.models import Unit
from reach.policy.selectors import list_policies


class RunForm(forms.Form):
    """Start (or join) a run: policies, school year and a scope the user may run over."""

    policies = forms.MultipleChoiceField(label=_("Policies"), widget=forms.CheckboxSelectMultiple)
    school_year = forms.IntegerField(
        label=_("School year"),
        min_value=2000,
        max_value=2100,
        help_text=_("2024 means the school year 2024-2025"),
    )
    unit = forms.ChoiceField(label=_("Scope"), required=False)

    def __init__(self, *args, units: list[Unit], everything: bool, **kwargs):
        super().__init__(*args, **kwargs)
        lang = lang_key(get_language() or "en")
        self.fields["policies"].choices = [
            (policy.code, f"{policy.names.get(lang) or policy.code} ({policy.code})")
            for policy in list_policies()
        ]
        self.units = {unit.code: unit for unit in units}
        choices = [("", _("Everything"))] if everything else []
        self.fields["unit"].choices = choices + [
            (unit.code, f"{unit.name} ({unit.code})") for unit in units
        ]
        self.fields["unit"].required = not everything
        self.initial.setdefault("school_year", current_school_year())

    def cleaned_unit(self) -> Unit | None:
        return self.units.get(self.cleaned_data.get("unit") or "")
