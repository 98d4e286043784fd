"""The page forms of school support. They read what a person types (dates, numbers, money in
major units, a choice among the records the reader sees); the services decide what the domain
allows and who may write it."""

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reach.common.money import to_minor
from reach.funds.choices import Currency
from reach.schoolsupport.choices import (
    NEXT_STATUS,
    ActivityKind,
    FundingSource,
    NeedKind,
    PairingKind,
    ProjectKind,
    ProjectStatus,
)

DATE = forms.DateInput(attrs={"type": "date"})


class NeedForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is missing"), choices=NeedKind.choices)
    description = forms.CharField(label=_("Description"), max_length=500, required=False)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, required=False)
    recorded_on = forms.DateField(
        label=_("Recorded on"), widget=forms.DateInput(attrs={"type": "date"})
    )


def _minor(form: forms.Form, field: str, currency: str | None) -> int | None:
    """The major-unit amount of `field` in minor units; an error on the field when it is not a
    whole number of the currency's smallest unit."""
    amount = form.cleaned_data.get(field)
    if amount is None or not currency:
        return None
    minor = to_minor(amount, currency)
    if minor is None:
        form.add_error(field, _("Not a whole number of the currency's units."))
    return minor


class ProjectForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of project"), choices=ProjectKind.choices)
    title = forms.CharField(label=_("Project title"), max_length=200)
    need = forms.ModelChoiceField(
        label=_("Need it answers"),
        queryset=None,
        required=False,
        empty_label=_("No recorded need"),
    )
    budget = forms.DecimalField(
        label=_("Budget"),
        min_value=0,
        max_digits=17,
        decimal_places=2,
        help_text=_("In major units (dong, yuan)."),
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    funding = forms.ChoiceField(label=_("Funding source"), choices=FundingSource.choices)
    fund = forms.ModelChoiceField(
        label=_("Fund"),
        queryset=None,
        required=False,
        empty_label="—",
        help_text=_("Only for a project paid by a fund."),
    )
    planned_on = forms.DateField(label=_("Planned on"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, needs: QuerySet, funds: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].queryset = needs  # type: ignore[attr-defined]
        self.fields["fund"].queryset = funds  # type: ignore[attr-defined]

    def clean(self):
        data = super().clean()
        data["budget_minor"] = _minor(self, "budget", data.get("currency"))
        return data


class ProjectStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    on = forms.DateField(label=_("On"), widget=DATE, initial=timezone.localdate)
    cost = forms.DecimalField(
        label=_("Final cost"),
        min_value=0,
        max_digits=17,
        decimal_places=2,
        required=False,
        help_text=_("When completed, in major units; the budget if left empty."),
    )

    def __init__(self, *args, current: str, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency
        allowed = NEXT_STATUS[ProjectStatus(current)]
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in ProjectStatus.choices if value in allowed
        ]

    def clean(self):
        data = super().clean()
        data["cost_minor"] = _minor(self, "cost", self.currency)
        return data


class PlacementForm(forms.Form):
    teacher_name = forms.CharField(label=_("Teacher's name"), max_length=200)
    from_school = forms.ModelChoiceField(
        label=_("Sent by the school"), queryset=None, required=False, empty_label="—"
    )
    from_organisation = forms.ModelChoiceField(
        label=_("Sent by the organisation"), queryset=None, required=False, empty_label="—"
    )
    subject = forms.CharField(label=_("Subject taught"), max_length=100, required=False)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE, required=False)

    def __init__(self, *args, schools: QuerySet, organisations: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_school"].queryset = schools  # type: ignore[attr-defined]
        self.fields["from_organisation"].queryset = organisations  # type: ignore[attr-defined]


class TrainingForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    hours = forms.DecimalField(label=_("Hours"), max_digits=6, decimal_places=1)
    teachers = forms.IntegerField(label=_("Teachers trained"))
    provider = forms.CharField(label=_("Given by"), max_length=200, required=False)


class PairingForm(forms.Form):
    helper = forms.ModelChoiceField(label=_("Helping school"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind of pairing"), choices=PairingKind.choices)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE, required=False)
    focus = forms.CharField(label=_("Focus"), max_length=300, required=False)

    def __init__(self, *args, helpers: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["helper"].queryset = helpers  # type: ignore[attr-defined]


class ActivityForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    kind = forms.ChoiceField(label=_("Kind of activity"), choices=ActivityKind.choices)
    description = forms.CharField(label=_("Description"), max_length=500)
