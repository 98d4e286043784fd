"""Forms of the case pages: they parse and validate input; the services decide the rest."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reach.casework.choices import (
    OUTCOMES_BY_KIND,
    ActionKind,
    Affiliation,
    CampaignKind,
    CaseKind,
    Outcome,
    Reason,
)
from reach.registry.choices import EducationLevel

DATE = forms.DateInput(attrs={"type": "date"})
TEXT = forms.Textarea(attrs={"rows": 3})


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("Visited on"), widget=DATE, initial=timezone.localdate)
    visitors = forms.CharField(label=_("Visitors"), max_length=300)
    findings = forms.CharField(label=_("Findings"), widget=TEXT, required=False)
    reasons = forms.MultipleChoiceField(
        label=_("Reasons"),
        choices=Reason.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    family_wishes = forms.CharField(
        label=_("Wishes of the child and family"), widget=TEXT, required=False
    )


class ActionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Action taken"), choices=ActionKind.choices)
    taken_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), widget=TEXT, required=False)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    closed_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), widget=TEXT, required=False)
    school = forms.ModelChoiceField(label=_("School returned to"), queryset=None, required=False)
    level = forms.ChoiceField(
        label=_("Level"), choices=[("", "—"), *EducationLevel.choices], required=False
    )
    grade = forms.IntegerField(label=_("Grade"), min_value=1, max_value=12, required=False)

    def __init__(self, *args, case, schools, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = OUTCOMES_BY_KIND[case.kind]
        self.fields["outcome"].choices = [(o.value, o.label) for o in Outcome if o in allowed]
        self.fields["school"].queryset = schools


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why is the case reopened?"), max_length=200)


class AssignForm(forms.Form):
    work_group = forms.ModelChoiceField(
        label=_("Work group"), queryset=None, required=False, empty_label=_("No work group")
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work_group"].queryset = groups


class OpenCaseForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(choices=CaseKind.choices, widget=forms.HiddenInput)
    year = forms.IntegerField(widget=forms.HiddenInput)


class WorkGroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class MemberForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    affiliation = forms.ChoiceField(label=_("From"), choices=Affiliation.choices)
    organisation = forms.CharField(
        label=_("School or organisation"), max_length=200, required=False
    )
    is_lead = forms.BooleanField(label=_("Leads the group"), required=False)


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Period"), choices=CampaignKind.choices)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    school_year = forms.IntegerField(label=_("School year"), min_value=2000, max_value=2100)
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("To"), widget=DATE)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class TargetForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    target_returns = forms.IntegerField(label=_("Children to bring back"), min_value=0)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
