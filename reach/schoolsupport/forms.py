from django import forms
from django.utils.translation import gettext_lazy as _

from reach.schoolsupport.choices import NeedKind


class NeedForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is missing"), choices=NeedKind.choices)
    description = forms.CharField(label=_("Description"), max_length=500, required=False)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, required=False)
    recorded_on = forms.DateField(
        label=_("Recorded on"), widget=forms.DateInput(attrs={"type": "date"})
    )
