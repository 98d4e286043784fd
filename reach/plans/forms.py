"""Forms of the plan pages: they parse and validate input; the services decide the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reach.common.schoolyear import FIRST_SCHOOL_YEAR, LAST_SCHOOL_YEAR
from reach.plans.choices import TargetDirection, TaskStatus

DATE = forms.DateInput(attrs={"type": "date"})
TEXT = forms.Textarea(attrs={"rows": 3})


class PlanForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=60)
    number = forms.CharField(label=_("Number"), max_length=60, required=False)
    title = forms.CharField(label=_("Title"), max_length=500)
    unit = forms.CharField(label=_("Issuing unit (code)"), max_length=20)
    organisation = forms.ModelChoiceField(
        label=_("Issuing organisation"), queryset=None, required=False
    )
    issued_on = forms.DateField(label=_("Date"), widget=DATE, required=False)
    starts_on = forms.DateField(label=_("Period from"), widget=DATE, required=False)
    ends_on = forms.DateField(label=_("Period to"), widget=DATE, required=False)
    implements = forms.ModelChoiceField(label=_("Implements"), queryset=None, required=False)
    bases = forms.CharField(
        label=_("Legal bases (one a line; a plan's code cites that plan)"),
        widget=TEXT,
        required=False,
    )
    objectives = forms.CharField(label=_("Objectives"), widget=TEXT, required=False)

    def __init__(self, *args, organisations, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["implements"].queryset = plans


class TaskUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices)
    note = forms.CharField(label=_("What was done"), widget=TEXT, required=False)
    evidence = forms.FileField(label=_("Evidence"), required=False)


class TaskTableForm(forms.Form):
    file = forms.FileField(label=_("Task table (.xlsx or .csv)"))


class TargetForm(forms.Form):
    """A target as the plan states it; its actual is computed, never entered."""

    indicator = forms.ChoiceField(label=_("Indicator"))
    direction = forms.ChoiceField(label=_("Direction"), choices=TargetDirection.choices)
    value = forms.DecimalField(
        label=_("Target (%)"), min_value=0, max_value=100, max_digits=4, decimal_places=1
    )
    unit = forms.CharField(label=_("Unit (code; the plan's when empty)"), required=False)
    school_year = forms.IntegerField(
        label=_("School year (2024 = 2024-2025)"),
        min_value=FIRST_SCHOOL_YEAR,
        max_value=LAST_SCHOOL_YEAR,
        required=False,
    )
    starts_on = forms.DateField(label=_("or period from"), widget=DATE, required=False)
    ends_on = forms.DateField(label=_("to"), widget=DATE, required=False)
    baseline_value = forms.DecimalField(
        label=_("Baseline (%)"),
        min_value=0,
        max_value=100,
        max_digits=4,
        decimal_places=1,
        required=False,
    )
    baseline_year = forms.IntegerField(
        label=_("Baseline school year"),
        min_value=FIRST_SCHOOL_YEAR,
        max_value=LAST_SCHOOL_YEAR,
        required=False,
    )
    task = forms.ModelChoiceField(label=_("Task"), queryset=None, required=False)
    wording = forms.CharField(label=_("As written in the plan"), widget=TEXT, required=False)

    def __init__(self, *args, indicators, tasks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = indicators
        self.fields["task"].queryset = tasks


class TargetChangeForm(TargetForm):
    """A target changed by a decision: the same fields, and why."""

    reason = forms.CharField(label=_("Why it changes (decision, date)"), max_length=300)
