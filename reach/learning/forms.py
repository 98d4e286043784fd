from django import forms
from django.utils.translation import gettext_lazy as _

from reach.common.money import to_minor
from reach.funds.choices import Currency
from reach.learning.choices import (
    CommendationLevel,
    Computed,
    CourseKind,
    EventKind,
    EventPeriod,
    OutreachChannel,
    Title,
)
from reach.registry.choices import EducationCompleted


class RegisterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    criteria_set = forms.IntegerField(label=_("Criteria set"), widget=forms.Select)
    subject = forms.CharField(
        label=_("Subject"),
        max_length=60,
        help_text=_(
            "Household code (family), clan number (clan), unit code (community), organisation "
            "code or school code (unit), person number (citizen)."
        ),
    )


class DecisionForm(forms.Form):
    decision_number = forms.CharField(label=_("Decision number"), max_length=60)
    decided_on = forms.DateField(
        label=_("Decided on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class CriteriaSetForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=60)
    title = forms.ChoiceField(label=_("Title"), choices=Title.choices)
    name = forms.CharField(label=_("Name"), max_length=300)
    source = forms.CharField(label=_("Source"), max_length=500)
    confidence = forms.CharField(label=_("Confidence"), max_length=200, required=False)
    pass_mark = forms.IntegerField(
        label=_("Pass mark"), min_value=0, required=False, help_text=_("Empty: to confirm.")
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    criteria = forms.CharField(
        label=_("Criteria"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "One criterion a line: code | group | criterion | points (empty: to confirm) | "
            "computed (%(kinds)s or empty)."
        )
        % {"kinds": ", ".join(v for v in Computed.values if v)},
    )


class CourseForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=CourseKind.choices)
    unit = forms.CharField(label=_("Unit code"), max_length=40)
    provider_name = forms.CharField(label=_("Provider"), max_length=200, required=False)
    starts_on = forms.DateField(
        label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))
    certificate = forms.BooleanField(label=_("Ends with a certificate"), required=False)
    completes_level = forms.ChoiceField(
        label=_("Completes level"),
        choices=[("", "—"), *EducationCompleted.choices],
        required=False,
    )


class ParticipantForm(forms.Form):
    person = forms.IntegerField(label=_("Person number"), min_value=1)


class CompletionForm(forms.Form):
    participant = forms.IntegerField(widget=forms.HiddenInput)
    completed_on = forms.DateField(
        label=_("Completed on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    certificate_number = forms.CharField(
        label=_("Certificate number"), max_length=60, required=False
    )


class NeedForm(forms.Form):
    person = forms.IntegerField(label=_("Person number"), min_value=1)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    vocational = forms.BooleanField(
        label=_("Needs vocational training"), required=False, initial=True
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


def _date(label):
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}))


class BoardForm(forms.Form):
    """Establish (or record as not established) the board of a unit or of an organisation."""

    unit = forms.CharField(label=_("Unit code"), max_length=40)
    organisation = forms.CharField(
        label=_("Organisation code"),
        max_length=40,
        required=False,
        help_text=_("Empty: the unit's own board."),
    )
    established_on = forms.DateField(
        label=_("Established on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: not established."),
    )
    decision_number = forms.CharField(label=_("Decision number"), max_length=60, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if data.get("established_on") and not (data.get("decision_number") or "").strip():
            self.add_error(
                "decision_number", _("An established board needs the decision that set it up.")
            )
        return data


class EventForm(forms.Form):
    unit = forms.CharField(label=_("Unit code"), max_length=40)
    organisation = forms.CharField(
        label=_("Organiser (organisation code)"),
        max_length=40,
        required=False,
        help_text=_("Empty: the unit organises it."),
    )
    on = _date(_("Date"))
    period = forms.ChoiceField(label=_("Period"), choices=EventPeriod.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    name = forms.CharField(label=_("Name"), max_length=300)
    participants = forms.IntegerField(label=_("Participants"), min_value=0, initial=0)
    products = forms.CharField(
        label=_("Products"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Banners, articles, clips … one a line."),
    )
    funds_raised = forms.DecimalField(
        label=_("Funds raised"),
        min_value=0,
        required=False,
        help_text=_("As the organiser reports it, in major units (dong, yuan)."),
    )
    currency = forms.ChoiceField(
        label=_("Currency"), choices=[("", "—"), *Currency.choices], required=False
    )

    def clean(self):
        data = super().clean()
        raised, currency = data.get("funds_raised"), data.get("currency")
        data["funds_raised_minor"] = 0
        if raised:
            if not currency:
                self.add_error("currency", _("Give the currency of the funds raised."))
                return data
            minor = to_minor(raised, currency)
            if minor is None:
                self.add_error("funds_raised", _("Not a whole number of the currency's units."))
            else:
                data["funds_raised_minor"] = minor
        return data


class CommendationForm(forms.Form):
    unit = forms.CharField(label=_("Unit code"), max_length=40)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    period = forms.ChoiceField(label=_("Commended for"), choices=EventPeriod.choices)
    person = forms.IntegerField(
        label=_("Person number"),
        min_value=1,
        required=False,
        help_text=_("A person, or an organisation, or neither: the unit as a collective."),
    )
    organisation = forms.CharField(label=_("Organisation code"), max_length=40, required=False)
    achievement = forms.CharField(label=_("Achievement"), max_length=500)
    level = forms.ChoiceField(label=_("Award level"), choices=CommendationLevel.choices)
    award = forms.CharField(label=_("Award"), max_length=200)
    decision_number = forms.CharField(label=_("Decision number"), max_length=60)
    decided_on = _date(_("Decided on"))

    def clean(self):
        data = super().clean()
        if data.get("person") and (data.get("organisation") or "").strip():
            self.add_error(
                "organisation",
                _("A commendation goes to a person or to a collective, not both."),
            )
        return data


class OutreachForm(forms.Form):
    unit = forms.CharField(label=_("Unit code"), max_length=40)
    on = _date(_("Date"))
    channel = forms.ChoiceField(label=_("Channel"), choices=OutreachChannel.choices)
    audience = forms.CharField(label=_("Audience"), max_length=300)
    name = forms.CharField(label=_("Name"), max_length=300)
    task = forms.IntegerField(
        label=_("Plan task number"),
        min_value=1,
        required=False,
        help_text=_("The number in the task page's address."),
    )
    campaign = forms.IntegerField(
        label=_("Campaign number"),
        min_value=1,
        required=False,
        help_text=_("The number in the campaign page's address."),
    )
    articles = forms.IntegerField(label=_("Articles"), min_value=0, initial=0)
    clips = forms.IntegerField(label=_("Clips"), min_value=0, initial=0)
    publications = forms.IntegerField(label=_("Publications"), min_value=0, initial=0)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("task") and not data.get("campaign"):
            self.add_error(None, _("An outreach activity is done for a plan task or a campaign."))
        return data
