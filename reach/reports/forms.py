from django import forms
from django.utils.translation import gettext_lazy as _

from reach.reports.definitions import report_templates


def template_choices() -> list[tuple[str, str]]:
    return [(code, t.label) for code, t in report_templates().items()]


class OpenReportForm(forms.Form):
    template = forms.ChoiceField(label=_("Template"), choices=())
    unit = forms.CharField(label=_("Unit code"), max_length=20, required=False)
    organisation = forms.CharField(label=_("Organisation code"), max_length=30, required=False)
    day = forms.DateField(
        label=_("A day of the period"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    review = forms.ChoiceField(
        label=_("Review"),
        required=False,
        choices=[
            ("", "—"),
            ("interim_review", _("Interim review")),
            ("final_review", _("Final review")),
        ],  # fmt: skip
    )
    starts_on = forms.DateField(
        label=_("Review from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Review to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = template_choices()

    def clean(self):
        data = super().clean()
        if not data.get("unit") and not data.get("organisation"):
            raise forms.ValidationError(_("Name the reporting unit or organisation."))
        if data.get("review") and not (data.get("starts_on") and data.get("ends_on")):
            raise forms.ValidationError(_("A review needs its first and last day."))
        return data


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
