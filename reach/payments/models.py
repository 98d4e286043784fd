"""Payments of entitlement lines (DESIGN.md, `payments`).

A pupil is paid at most once per benefit purpose and months of a school year, whichever run
or policy granted it: the purpose's PaymentClaim (unique per pupil, year, purpose and first
month) holds the line being paid and the sum paid, which the database keeps between 0 and the
line's amount. A line of the whole year starts at month 0; in a year a benefit hands over to
its successor by months in force (Decree 06/2018's preschool lunch for September-October 2020,
Decree 105/2020's from November), each part has a line of its own first month, so both are
paid, and two lines granting the same months (two policies, or two runs) share one claim.
Each Disbursement is one payment (partial payments add up) with a voucher number used once.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from reach.common.scoping import ScopePath
from reach.entitlements.models import EntitlementLine
from reach.geo.models import Unit
from reach.payments.choices import DisbursementMethod
from reach.registry.models import Person


class PaymentClaim(models.Model):
    scope = ScopePath(
        unit_path="person__household__unit__path",
        school="line__enrolment__school_id",
    )

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="payment_claims")
    school_year = models.PositiveSmallIntegerField(_("school year"))
    purpose = models.CharField(_("purpose"), max_length=80)
    first_month = models.PositiveSmallIntegerField(_("first month"), default=0)  # line's
    line = models.ForeignKey(EntitlementLine, on_delete=models.PROTECT, related_name="claims")
    currency = models.CharField(_("currency"), max_length=3)
    amount_minor = models.BigIntegerField(_("entitled (minor units)"))
    paid_minor = models.BigIntegerField(_("paid (minor units)"), default=0)

    class Meta:
        verbose_name = _("payment claim")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "school_year", "purpose", "first_month"],
                name="payment_once_per_purpose_months",
            ),
            models.CheckConstraint(
                condition=Q(paid_minor__gte=0) & Q(paid_minor__lte=F("amount_minor")),
                name="payment_claim_never_above_its_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.school_year} {self.purpose}: {self.paid_minor}"


class Disbursement(models.Model):
    scope = ScopePath(
        unit_path="person__household__unit__path",
        school="line__enrolment__school_id",
    )

    claim = models.ForeignKey(PaymentClaim, on_delete=models.PROTECT, related_name="payments")
    line = models.ForeignKey(
        EntitlementLine, on_delete=models.PROTECT, related_name="disbursements"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="disbursements")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")  # the household's
    school_year = models.PositiveSmallIntegerField(_("school year"))
    purpose = models.CharField(_("purpose"), max_length=80)
    amount_minor = models.BigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3)
    method = models.CharField(_("method"), max_length=16, choices=DisbursementMethod.choices)
    voucher = models.CharField(_("voucher number"), max_length=60, unique=True)
    paid_on = models.DateField(_("paid on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-paid_on", "-id"]
        verbose_name = _("disbursement")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_minor__gt=0), name="disbursement_amount_positive"
            ),
            models.CheckConstraint(condition=~Q(voucher=""), name="disbursement_has_voucher"),
        ]
        indexes = [models.Index(fields=["school_year", "unit"])]

    def __str__(self) -> str:
        return f"{self.voucher}: {self.amount_minor} {self.currency}"
