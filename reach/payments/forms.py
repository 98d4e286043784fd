from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reach.payments.choices import DisbursementMethod


class DisbursementForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), min_value=0, decimal_places=2)
    method = forms.ChoiceField(label=_("Method"), choices=DisbursementMethod.choices)
    voucher = forms.CharField(label=_("Voucher number"), max_length=60)
    paid_on = forms.DateField(label=_("Paid on"), initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
