from django.db import models
from django.utils.translation import gettext_lazy as _


class DisbursementMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    FEE_WAIVER = "fee_waiver", _("Fee waiver applied")


class Gap(models.TextChoices):
    """What reconciliation finds for one pupil, benefit purpose and school year."""

    NOT_PAID = "not_paid", _("Entitled, not paid")
    UNDER_PAID = "under_paid", _("Under-paid")
    OVER_PAID = "over_paid", _("Over-paid")
    NOT_ENTITLED = "not_entitled", _("Paid without entitlement")
