"""Forms of the sponsorship pages and of the new fund and restriction pages: they parse and
validate input; the services decide the rest."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reach.funds.choices import (
    Currency,
    FundPurpose,
    SponsorshipFallback,
    SponsorshipRhythm,
)
from reach.registry.choices import EducationLevel

DATE = forms.DateInput(attrs={"type": "date"})


class FundCreateForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    unit = forms.CharField(
        label=_("Unit code (blank: the organisation's unit)"), max_length=40, required=False
    )
    code = forms.CharField(label=_("Code"), max_length=40)
    name_vi = forms.CharField(label=_("Name (Vietnamese)"), max_length=200, required=False)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=FundPurpose.choices)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [
            (o.pk, f"{o.name} ({o.unit.name})") for o in organisations
        ]

    def clean(self):
        data = super().clean()
        if not any(data.get(f"name_{lang}") for lang in ("vi", "zh", "en")):
            raise forms.ValidationError(_("Give the fund a name in one language at least."))
        return data


class RestrictionForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Only for (purpose)"), choices=[("", "—"), *FundPurpose.choices], required=False
    )
    level = forms.ChoiceField(
        label=_("Only for (level)"), choices=[("", "—"), *EducationLevel.choices], required=False
    )
    school = forms.TypedChoiceField(
        label=_("Only for pupils of (school)"), coerce=int, required=False, empty_value=None
    )
    person = forms.IntegerField(label=_("Only for one pupil (number)"), required=False)

    def __init__(self, *args, schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = [("", "—")] + [(s.pk, s.name) for s in schools]


class SponsorshipForm(forms.Form):
    donor = forms.TypedChoiceField(label=_("Sponsor"), coerce=int)
    person = forms.IntegerField(label=_("Student (number)"), min_value=1)
    amount = forms.CharField(label=_("Amount per instalment"), max_length=20)
    rhythm = forms.ChoiceField(label=_("Rhythm"), choices=SponsorshipRhythm.choices)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE, initial=timezone.localdate)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    fallback = forms.ChoiceField(
        label=_("If the student leaves, moves or finishes"), choices=SponsorshipFallback.choices
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, donors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["donor"].choices = [(d.pk, d.name) for d in donors]


class PayInstalmentForm(forms.Form):
    instalment = forms.IntegerField(widget=forms.HiddenInput)
    voucher = forms.CharField(label=_("Voucher number"), max_length=60)
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE, initial=timezone.localdate)


class AttachForm(forms.Form):
    donation = forms.IntegerField(widget=forms.HiddenInput)
    instalment = forms.TypedChoiceField(label=_("Instalment"), coerce=int)

    def __init__(self, *args, instalments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instalment"].choices = list(instalments)


class ProposeForm(forms.Form):
    person = forms.IntegerField(label=_("Proposed student (number)"), min_value=1)
    on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
