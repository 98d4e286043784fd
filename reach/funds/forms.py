"""Forms of the fund pages: they parse and validate input; the services decide the rest."""

import uuid

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reach.funds.choices import Campaign, DonationForm, DonationKind, DonorKind, FundPurpose

DATE = forms.DateInput(attrs={"type": "date"})
PURPOSES = [("", "—"), *FundPurpose.choices]


class GiftForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DonationKind.choices, initial="receipt")
    form = forms.ChoiceField(label=_("Form"), choices=DonationForm.choices)
    received_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    donor = forms.TypedChoiceField(label=_("Donor"), coerce=int, required=False, empty_value=None)
    new_donor = forms.CharField(label=_("or a new donor"), max_length=200, required=False)
    new_donor_kind = forms.ChoiceField(
        label=_("Donor kind"), choices=DonorKind.choices, required=False
    )
    new_donor_language = forms.ChoiceField(
        label=_("Receipt language"), choices=settings.LANGUAGES, required=False
    )
    anonymous = forms.BooleanField(label=_("Anonymous"), required=False)
    amount = forms.CharField(label=_("Amount"), max_length=20, required=False)
    item = forms.CharField(label=_("Item"), max_length=100, required=False)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, required=False)
    item_unit = forms.CharField(label=_("Unit of the item"), max_length=20, required=False)
    purpose = forms.ChoiceField(label=_("Only for (purpose)"), choices=PURPOSES, required=False)
    school = forms.TypedChoiceField(
        label=_("Only for pupils of (school)"), coerce=int, required=False, empty_value=None
    )
    campaign = forms.ChoiceField(label=_("Campaign"), choices=Campaign.choices, required=False)
    receipt_number = forms.CharField(
        label=_("Receipt number (blank: the next)"), max_length=40, required=False
    )

    def __init__(self, *args, donors=(), schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["donor"].choices = [("", "—")] + [(d.pk, d.name) for d in donors]
        self.fields["school"].choices = [("", "—")] + [(s.pk, s.name) for s in schools]


class SpendForm(forms.Form):
    recipient = forms.IntegerField(label=_("Pupil (number)"), min_value=1)
    amount = forms.CharField(label=_("Amount"), max_length=20)
    pot = forms.TypedChoiceField(label=_("From"), coerce=int, required=False, empty_value=None)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=PURPOSES, required=False)
    occurred_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, initial=lambda: uuid.uuid4().hex)

    def __init__(self, *args, restrictions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pot"].choices = [("", _("Free cash"))] + list(restrictions)


class HandOverForm(forms.Form):
    recipient = forms.IntegerField(label=_("Pupil (number)"), min_value=1)
    item = forms.CharField(label=_("Item"), max_length=100)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1)
    pot = forms.TypedChoiceField(label=_("From"), coerce=int, required=False, empty_value=None)
    occurred_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, initial=lambda: uuid.uuid4().hex)

    def __init__(self, *args, restrictions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pot"].choices = [("", _("Free stock"))] + list(restrictions)


class ReversalForm(forms.Form):
    transaction = forms.IntegerField(label=_("Movement (number)"), min_value=1)
    reason = forms.CharField(label=_("Reason"), max_length=300)
    occurred_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)


class DonationListForm(forms.Form):
    file = forms.FileField(label=_("Donation list (.xlsx or .csv)"))
