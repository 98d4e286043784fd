"""Funds, their restrictions, donors and donations, and the double-entry ledger (issue 19).

A fund is owned by an organisation in a unit (a ward's learning-encouragement fund, a youth
union's fund, a county student-aid fund). Money and goods move only as a `Transaction` of
`Entry` lines that sum to zero per commodity (the fund's currency, or one item in kind); a
balance is the sum of an account's entries, never a typed figure. Entries are written once:
a mistake is undone by a reversal transaction, never by changing or deleting an entry (the
model refuses both, and the database too where it can: see the migration's triggers).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from reach.common.scoping import ScopePath
from reach.funds.choices import (
    AccountKind,
    Campaign,
    CandidateOutcome,
    CandidateSource,
    Currency,
    DonationForm,
    DonationKind,
    DonorKind,
    FundPurpose,
    RoundObjectionStatus,
    RoundStatus,
    SponsorNoticeKind,
    SponsorshipFallback,
    SponsorshipRhythm,
    SponsorshipStatus,
    TransactionKind,
)
from reach.geo.models import Organisation, School, Unit
from reach.registry.choices import EducationLevel
from reach.registry.models import Household, Person

FUND_SCOPE = ScopePath(unit_path="fund__unit__path", school="fund__unit__schools__id")


class LedgerIsAppendOnly(Exception):
    """An attempt to change or delete a ledger entry or transaction; reverse it instead."""


class Fund(models.Model):
    """A pot of money and goods: seen by the members of its unit and the units above, and by
    the staff of the schools in its unit."""

    scope = ScopePath(unit_path="unit__path", school="unit__schools__id")

    code = models.CharField(_("code"), max_length=40, unique=True)
    names = models.JSONField(_("names"), default=dict)  # {"vi": ..., "zh": ..., "en": ...}
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="funds")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="funds")
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    purpose = models.CharField(_("purpose"), max_length=30, choices=FundPurpose.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("fund")

    def __str__(self) -> str:
        return self.code


class Restriction(models.Model):
    """What a restricted gift may be spent on: every field set must hold for the recipient
    (a purpose, a level, a school, a unit and everything under it, a named pupil or household).
    """

    scope = FUND_SCOPE

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="restrictions")
    purpose = models.CharField(_("purpose"), max_length=30, choices=FundPurpose.choices, blank=True)
    level = models.CharField(_("level"), max_length=24, choices=EducationLevel.choices, blank=True)
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("restriction")
        constraints = [
            models.CheckConstraint(
                condition=~Q(purpose="")
                | ~Q(level="")
                | Q(school__isnull=False)
                | Q(unit__isnull=False)
                | Q(person__isnull=False)
                | Q(household__isnull=False),
                name="restriction_restricts_something",
            )
        ]

    def __str__(self) -> str:
        return f"{self.fund_id}/{self.pk}"


class Donor(models.Model):
    """Who gives: a person, an enterprise, an organisation or a group (a department's civil
    servants on 教育扶贫日). Kept by the unit that recorded them; receipts speak `language`."""

    scope = ScopePath(unit_path="unit__path", school="unit__schools__id")

    kind = models.CharField(_("kind"), max_length=20, choices=DonorKind.choices)
    name = models.CharField(_("name"), max_length=200)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    contact = models.CharField(_("contact"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("donor")

    def __str__(self) -> str:
        return self.name


class Account(models.Model):
    """One account of a fund (see `AccountKind`); stock and goods accounts are per item."""

    scope = FUND_SCOPE

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="accounts")
    kind = models.CharField(_("kind"), max_length=20, choices=AccountKind.choices)
    restriction = models.ForeignKey(
        Restriction, on_delete=models.PROTECT, null=True, blank=True, related_name="accounts"
    )
    item = models.CharField(_("item"), max_length=100, blank=True)  # "" for cash
    item_unit = models.CharField(_("unit of the item"), max_length=20, blank=True)

    class Meta:
        ordering = ["fund", "kind", "restriction", "item"]
        verbose_name = _("ledger account")
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "kind", "item"],
                condition=Q(restriction__isnull=True),
                name="account_once_per_fund_kind_item",
            ),
            models.UniqueConstraint(
                fields=["fund", "kind", "restriction", "item"],
                condition=Q(restriction__isnull=False),
                name="account_once_per_restriction_kind_item",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund_id} {self.kind} {self.restriction_id or ''} {self.item}".strip()


class AppendOnlyQuerySet(models.QuerySet):
    """A queryset that refuses bulk changes and deletions of ledger rows."""

    def update(self, **kwargs):
        raise LedgerIsAppendOnly("ledger rows are never changed: reverse the transaction")

    def delete(self):
        raise LedgerIsAppendOnly("ledger rows are never deleted: reverse the transaction")


class AppendOnly(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise LedgerIsAppendOnly("ledger rows are never changed: reverse the transaction")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerIsAppendOnly("ledger rows are never deleted: reverse the transaction")


class Transaction(AppendOnly):
    """One movement of a fund: its entries sum to zero per commodity. A spend or hand-over
    names its recipient and carries an idempotency key (a double click records it once);
    `reference_type` / `reference_id` name what caused it (an award, an instalment) without
    this app depending on theirs."""

    scope = FUND_SCOPE

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="transactions")
    kind = models.CharField(_("kind"), max_length=20, choices=TransactionKind.choices)
    occurred_on = models.DateField(_("date"))
    purpose = models.CharField(_("purpose"), max_length=30, choices=FundPurpose.choices, blank=True)
    recipient = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="fund_transactions"
    )
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=80, null=True, blank=True, unique=True
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversal"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    reference_type = models.CharField(_("caused by (record type)"), max_length=60, blank=True)
    reference_id = models.PositiveBigIntegerField(_("caused by (record id)"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("ledger transaction")
        constraints = [
            models.CheckConstraint(
                condition=Q(reverses__isnull=True) | Q(kind=TransactionKind.REVERSAL),
                name="transaction_only_a_reversal_reverses",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class Entry(AppendOnly):
    """One line of a transaction: `amount` (minor units, or the item's quantity) added to the
    account; positive is a debit."""

    scope = ScopePath(
        unit_path="account__fund__unit__path", school="account__fund__unit__schools__id"
    )

    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount = models.BigIntegerField(_("amount"))

    class Meta:
        ordering = ["transaction", "id"]
        verbose_name = _("ledger entry")
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="entry_amount_not_zero"),
        ]
        # A balance is read from this index alone: the SUM of one account's amounts after
        # its latest checkpoint's entry.
        indexes = [models.Index(fields=["account", "id", "amount"], name="entry_balance_covering")]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.amount}"


class AccountCheckpoint(models.Model):
    """The sum of an account's entries up to and including `through_entry_id`, taken with the
    fund locked (so no entry of the account with a lower id can commit later). A balance is
    the latest checkpoint plus the sum of the entries after it: the checkpoint shortens the
    sum, it never replaces it (`selectors.verify_checkpoints` recomputes them from the
    entries)."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="checkpoints")
    through_entry_id = models.BigIntegerField(_("through entry"))
    balance = models.BigIntegerField(_("sum of the entries through it"))
    taken_at = models.DateTimeField(_("taken at"), auto_now_add=True)

    class Meta:
        verbose_name = _("balance checkpoint")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "through_entry_id"], name="checkpoint_once_per_entry"
            )
        ]
        indexes = [
            models.Index(
                fields=["account", "-through_entry_id", "balance"], name="checkpoint_latest"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_id} through {self.through_entry_id}: {self.balance}"


class Donation(models.Model):
    """A gift: pledged or received, in cash (`amount_minor`) or in kind (`quantity` of `item`
    in `item_unit`, its value per unit optional). A receipt carries a number unique in its
    fund and the ledger transaction that brought it in; a pledge moves nothing."""

    scope = FUND_SCOPE

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="donations")
    donor = models.ForeignKey(
        Donor, on_delete=models.PROTECT, null=True, blank=True, related_name="donations"
    )
    anonymous = models.BooleanField(_("anonymous"), default=False)
    kind = models.CharField(_("kind"), max_length=10, choices=DonationKind.choices)
    form = models.CharField(_("form"), max_length=10, choices=DonationForm.choices)
    amount_minor = models.BigIntegerField(_("amount (minor units)"), null=True, blank=True)
    item = models.CharField(_("item"), max_length=100, blank=True)
    quantity = models.BigIntegerField(_("quantity"), null=True, blank=True)
    item_unit = models.CharField(_("unit of the item"), max_length=20, blank=True)
    unit_value_minor = models.BigIntegerField(
        _("value per unit (minor units)"), null=True, blank=True
    )
    restriction = models.ForeignKey(
        Restriction, on_delete=models.PROTECT, null=True, blank=True, related_name="donations"
    )
    campaign = models.CharField(_("campaign"), max_length=30, choices=Campaign.choices, blank=True)
    campaign_note = models.CharField(_("campaign (as written)"), max_length=200, blank=True)
    receipt_number = models.CharField(_("receipt number"), max_length=40, blank=True)
    received_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    transaction = models.OneToOneField(
        Transaction, on_delete=models.PROTECT, null=True, blank=True, related_name="donation"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("donation")
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "receipt_number"],
                condition=~Q(receipt_number=""),
                name="donation_receipt_number_once_per_fund",
            ),
            models.CheckConstraint(
                condition=(Q(form=DonationForm.CASH) & Q(amount_minor__gt=0))
                | (Q(form=DonationForm.IN_KIND) & Q(quantity__gt=0) & ~Q(item="")),
                name="donation_cash_has_amount_in_kind_has_quantity",
            ),
            models.CheckConstraint(
                condition=Q(kind=DonationKind.PLEDGE) | ~Q(receipt_number=""),
                name="donation_receipt_is_numbered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund_id} {self.receipt_number or self.pk}"


# --- rounds ---


class ScholarshipRound(models.Model):
    """A scholarship round of a fund: its budget, its criteria and score rules written in the
    policy condition language (reach/policy/conditions.py, plus the round fields of
    `reach.funds.rounds_criteria`), its amount tiers by score and its quotas. Candidates come
    from the registry in one set-based pass or are nominated; a maker submits, another
    approves; awards are paid from the fund's free cash through the ledger."""

    scope = FUND_SCOPE

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="rounds")
    code = models.CharField(_("code"), max_length=40, unique=True)
    names = models.JSONField(_("names"), default=dict)  # {"vi": ..., "zh": ..., "en": ...}
    school_year = models.PositiveSmallIntegerField(_("school year"))
    purpose = models.CharField(
        _("purpose"), max_length=30, choices=FundPurpose.choices, default=FundPurpose.SCHOLARSHIPS
    )
    # One award per pupil for this purpose and school year, whichever round granted it.
    exclusive = models.BooleanField(_("once per purpose and year across rounds"), default=True)
    budget_minor = models.BigIntegerField(_("budget (minor units)"))
    criteria = models.JSONField(_("criteria"), default=dict)
    # [{"when": condition, "points": n, "labels": {"vi", "zh", "en"}}]: weights as data.
    score_rules = models.JSONField(_("score rules"), default=list)
    # [{"min_score": n, "amount_minor": m}]: the highest tier reached gives the amount.
    tiers = models.JSONField(_("amount tiers"), default=list)
    quota_per_school = models.PositiveIntegerField(_("quota per school"), null=True, blank=True)
    quota_per_unit = models.PositiveIntegerField(
        _("quota per commune or ward"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    drawn_at = models.DateTimeField(_("candidates drawn at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    published_at = models.DateTimeField(_("notice published at"), null=True, blank=True)
    # The last day objections to the notice are taken; awards are paid only after it.
    objections_until = models.DateField(_("objections until"), null=True, blank=True)

    class Meta:
        ordering = ["-school_year", "code"]
        verbose_name = _("scholarship round")
        constraints = [
            models.CheckConstraint(condition=Q(budget_minor__gt=0), name="round_budget_positive"),
        ]

    def __str__(self) -> str:
        return self.code


class RoundCandidate(models.Model):
    """A pupil considered in a round: drawn from the registry or nominated, with the score,
    the score rules that held (bit i of `rule_bits` for rule i), the tier's amount and the
    outcome of the ranking."""

    scope = ScopePath(unit_path="unit__path", school="school_id")

    # A draw deletes and writes a round's candidates by the ten thousand, and every index
    # slows both; every read starts from the round. So the round is indexed by the unique
    # constraint below, which begins with it, and the school, the unit and the nominating user
    # not at all: only deleting one of them (rare, through the ORM, which protects) scans the
    # candidates.
    round = models.ForeignKey(
        ScholarshipRound, on_delete=models.CASCADE, related_name="candidates", db_index=False
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    enrolment_id = models.BigIntegerField(_("enrolment"))
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    unit = models.ForeignKey(  # the household's
        Unit, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    source = models.CharField(_("source"), max_length=10, choices=CandidateSource.choices)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    score = models.IntegerField(_("score"), default=0)
    rule_bits = models.BigIntegerField(_("score rules met"), default=0)
    amount_minor = models.BigIntegerField(_("amount (minor units)"), default=0)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=CandidateOutcome.choices, default="budget"
    )

    class Meta:
        ordering = ["round", "-score", "person"]
        verbose_name = _("round candidate")
        constraints = [
            models.UniqueConstraint(fields=["round", "person"], name="candidate_once_per_round")
        ]
        indexes = [models.Index(fields=["round", "-score", "person"], name="candidate_rank")]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.person_id}: {self.score}"


class RoundAward(models.Model):
    """An award paid to a pupil: the ledger transaction that debited the fund. An exclusive
    round's award is unique per pupil, purpose and school year across every exclusive round."""

    scope = ScopePath(unit_path="candidate__unit__path", school="candidate__school_id")

    round = models.ForeignKey(ScholarshipRound, on_delete=models.PROTECT, related_name="awards")
    candidate = models.OneToOneField(RoundCandidate, on_delete=models.PROTECT, related_name="award")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="round_awards")
    school_year = models.PositiveSmallIntegerField(_("school year"))
    purpose = models.CharField(_("purpose"), max_length=30, choices=FundPurpose.choices)
    exclusive = models.BooleanField(_("exclusive"))
    amount_minor = models.BigIntegerField(_("amount (minor units)"))
    transaction = models.OneToOneField(
        Transaction, on_delete=models.PROTECT, related_name="round_award"
    )
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    awarded_at = models.DateTimeField(_("awarded at"), auto_now_add=True)

    class Meta:
        ordering = ["round", "person"]
        verbose_name = _("round award")
        constraints = [
            models.UniqueConstraint(fields=["round", "person"], name="award_once_per_round"),
            models.UniqueConstraint(
                fields=["person", "school_year", "purpose"],
                condition=Q(exclusive=True),
                name="award_once_per_purpose_year",
            ),
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="award_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.person_id}: {self.amount_minor}"


class RoundObjection(models.Model):
    """An objection to a pupil listed on a round's public notice, raised within the objection
    period; upheld, the pupil's award is withdrawn before payment; dismissed, with the reason."""

    scope = ScopePath(unit_path="candidate__unit__path", school="candidate__school_id")

    round = models.ForeignKey(ScholarshipRound, on_delete=models.PROTECT, related_name="objections")
    candidate = models.ForeignKey(
        RoundCandidate, on_delete=models.PROTECT, related_name="objections"
    )
    raised_by = models.CharField(_("raised by"), max_length=200)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RoundObjectionStatus.choices,
        default=RoundObjectionStatus.OPEN,
    )
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("objection to a round's notice")
        constraints = [
            models.CheckConstraint(
                condition=Q(status=RoundObjectionStatus.OPEN, resolved_at__isnull=True)
                | (~Q(status=RoundObjectionStatus.OPEN) & Q(resolved_at__isnull=False)),
                name="round_objection_resolved_iff_not_open",
            ),
            models.CheckConstraint(
                condition=Q(status=RoundObjectionStatus.OPEN) | ~Q(resolution=""),
                name="round_objection_resolution_given",
            ),
        ]

    def __str__(self) -> str:
        return f"objection {self.pk} to {self.round_id}/{self.candidate_id} ({self.status})"


# --- sponsorships ---
# A donor sponsors a named student (đỡ đầu / 点对点) through a fund: a schedule of instalments,
# the sponsor's receipts attached to them, each instalment paid to the student once (a spend
# of the fund's ledger with the instalment's idempotency key), and the fallback the donor chose
# for the day the student leaves, moves or finishes. Seen by whoever may see the student.
SPONSORSHIP_SCOPE = ScopePath(
    unit_path="sponsorship__person__household__unit__path",
    school="sponsorship__person__enrolments__school_id",
)


class Sponsorship(models.Model):
    scope = ScopePath(
        unit_path="person__household__unit__path", school="person__enrolments__school_id"
    )

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="sponsorships")
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="sponsorships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="sponsorships")
    school = models.ForeignKey(  # the student's school when it began: the fallback's pool
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    amount_minor = models.BigIntegerField(_("amount per instalment (minor units)"))
    rhythm = models.CharField(_("rhythm"), max_length=12, choices=SponsorshipRhythm.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    fallback = models.CharField(_("fallback"), max_length=20, choices=SponsorshipFallback.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SponsorshipStatus.choices,
        default=SponsorshipStatus.ACTIVE,
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("sponsorship")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_minor__gt=0), name="sponsorship_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="sponsorship_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.donor_id} -> {self.person_id} ({self.fund_id})"


class Instalment(models.Model):
    """One due instalment of a sponsorship; paid at most once (`InstalmentPayment`)."""

    scope = SPONSORSHIP_SCOPE

    sponsorship = models.ForeignKey(
        Sponsorship, on_delete=models.PROTECT, related_name="instalments"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    due_on = models.DateField(_("due on"))
    amount_minor = models.BigIntegerField(_("amount (minor units)"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        ordering = ["sponsorship", "number"]
        verbose_name = _("instalment")
        constraints = [
            models.UniqueConstraint(
                fields=["sponsorship", "number"], name="instalment_once_per_number"
            ),
            models.UniqueConstraint(
                fields=["sponsorship", "due_on"], name="instalment_once_per_due_date"
            ),
            models.CheckConstraint(
                condition=Q(amount_minor__gt=0), name="instalment_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sponsorship_id}#{self.number}"


class InstalmentPayment(models.Model):
    """The payment of one instalment to the student: once per instalment, its voucher used
    once, for the instalment's amount, debiting the fund by its ledger transaction."""

    scope = ScopePath(
        unit_path="instalment__sponsorship__person__household__unit__path",
        school="instalment__sponsorship__person__enrolments__school_id",
    )

    instalment = models.OneToOneField(Instalment, on_delete=models.PROTECT, related_name="payment")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")  # paid to
    transaction = models.OneToOneField(
        Transaction, on_delete=models.PROTECT, related_name="instalment_payment"
    )
    voucher = models.CharField(_("voucher number"), max_length=60, unique=True)
    amount_minor = models.BigIntegerField(_("amount (minor units)"))
    paid_on = models.DateField(_("paid on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("instalment payment")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_minor__gt=0), name="instalment_payment_positive"
            ),
            models.CheckConstraint(condition=~Q(voucher=""), name="instalment_payment_has_voucher"),
        ]

    def __str__(self) -> str:
        return f"{self.voucher}: {self.amount_minor}"


class SponsorReceipt(models.Model):
    """A receipt of the sponsor (a `Donation`) attached by a clerk to an instalment it pays
    for: once per receipt; more or less than the instalment's amount is shown, not refused."""

    scope = SPONSORSHIP_SCOPE

    sponsorship = models.ForeignKey(Sponsorship, on_delete=models.PROTECT, related_name="receipts")
    instalment = models.ForeignKey(Instalment, on_delete=models.PROTECT, related_name="receipts")
    donation = models.OneToOneField(
        Donation, on_delete=models.PROTECT, related_name="sponsor_receipt"
    )
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    attached_at = models.DateTimeField(_("attached at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sponsor's receipt")

    def __str__(self) -> str:
        return f"{self.donation_id} -> {self.instalment_id}"


class SponsorNotice(models.Model):
    """What the donor is told (a letter, in their language; no e-mail server): once per event
    of a sponsorship, `key` naming the event so a command run twice writes it once."""

    scope = SPONSORSHIP_SCOPE

    sponsorship = models.ForeignKey(Sponsorship, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(_("kind"), max_length=20, choices=SponsorNoticeKind.choices)
    key = models.CharField(_("event"), max_length=80, unique=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    former_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    new_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=30, blank=True)
    refund_minor = models.BigIntegerField(_("refund (minor units)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notice to a sponsor")

    def __str__(self) -> str:
        return self.key
