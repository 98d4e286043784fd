from django import forms
from django.utils.translation import gettext_lazy as _

from reach.learning.choices import Computed, CourseKind, Title
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
