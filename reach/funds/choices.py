from django.db import models
from django.utils.translation import gettext_lazy as _

CURRENCIES = ("VND", "CNY")


class Currency(models.TextChoices):
    VND = "VND", _("Vietnamese dong")
    CNY = "CNY", _("Chinese yuan")


class FundPurpose(models.TextChoices):
    """What a fund or a restriction is for (seeds 000, 001, 002, 004)."""

    LEARNING_ENCOURAGEMENT = "learning_encouragement", _("Learning encouragement")
    SCHOLARSHIPS = "scholarships", _("Scholarships")
    STUDENT_AID = "student_aid", _("Student aid")
    BICYCLES = "bicycles", _("Bicycles")
    SCHOOL_SUPPLIES = "school_supplies", _("School supplies")
    RICE = "rice", _("Rice")
    BOARDING = "boarding", _("Semi-boarding")
    OTHER = "other", _("Other")


class DonorKind(models.TextChoices):
    PERSON = "person", _("Person")
    ENTERPRISE = "enterprise", _("Enterprise")
    ORGANISATION = "organisation", _("Organisation")
    GROUP = "group", _("Group")


class DonationKind(models.TextChoices):
    PLEDGE = "pledge", _("Pledge")
    RECEIPT = "receipt", _("Receipt")


class DonationForm(models.TextChoices):
    CASH = "cash", _("Cash")
    IN_KIND = "in_kind", _("In kind")


class Campaign(models.TextChoices):
    """The drive a gift answered."""

    NONE = "", _("None")
    LEARNING_MONTH = "learning_month", _("Learning Encouragement Month (15/9-15/10)")
    POVERTY_RELIEF_DAY = "poverty_relief_day", _("Education poverty relief day (17 October)")
    AFTER_TET = "after_tet", _("After-Tet drive")
    OTHER = "other", _("Other campaign")


class AccountKind(models.TextChoices):
    """A fund's accounts. Cash accounts count minor units of the fund's currency; stock and
    goods accounts count an item in its own unit (kg, pieces). `donations_in`, `goods_in`,
    `paid_out` and `handed_over` stand for the world outside the fund: they run negative
    (what came in) or positive (what went out) and are never checked against zero."""

    FREE_CASH = "free_cash", _("Free cash")
    RESTRICTED_CASH = "restricted_cash", _("Restricted cash")
    STOCK = "stock", _("Stock in kind")
    DONATIONS_IN = "donations_in", _("Donations received")
    PAID_OUT = "paid_out", _("Paid out")
    GOODS_IN = "goods_in", _("Goods received")
    HANDED_OVER = "handed_over", _("Goods handed over")
    REFUNDED = "refunded", _("Refunded to donors")


HELD_KINDS = (AccountKind.FREE_CASH, AccountKind.RESTRICTED_CASH, AccountKind.STOCK)
CASH_KINDS = (
    AccountKind.FREE_CASH,
    AccountKind.RESTRICTED_CASH,
    AccountKind.DONATIONS_IN,
    AccountKind.PAID_OUT,
)


class TransactionKind(models.TextChoices):
    DONATION = "donation", _("Donation")
    SPEND = "spend", _("Spend")
    HAND_OVER = "hand_over", _("Hand-over in kind")
    REVERSAL = "reversal", _("Reversal")
    REFUND = "refund", _("Refund to a donor")


# --- rounds ---


class RoundStatus(models.TextChoices):
    """A scholarship round's life: drawn and edited as a draft by its maker, submitted,
    approved by someone else (maker-checker), then published and paid."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")


class CandidateSource(models.TextChoices):
    REGISTRY = "registry", _("Drawn from the registry")
    NOMINATED = "nominated", _("Nominated")


class CandidateOutcome(models.TextChoices):
    """Why a candidate is or is not among the recipients (ranked by score, then person)."""

    SELECTED = "selected", _("Selected")
    BELOW_TIERS = "below_tiers", _("Score below the lowest tier")
    SCHOOL_QUOTA = "school_quota", _("School quota reached")
    UNIT_QUOTA = "unit_quota", _("Quota of the commune or ward reached")
    BUDGET = "budget", _("Budget used up")
    ALREADY_AWARDED = "already_awarded", _("Already awarded for this purpose this year")
    OBJECTION_UPHELD = "objection_upheld", _("Withdrawn: an objection to the notice upheld")


class RoundObjectionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld: the award is withdrawn")
    DISMISSED = "dismissed", _("Dismissed")


# --- sponsorships ---
class SponsorshipRhythm(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    TERM = "term", _("Per term")
    YEAR = "year", _("Per school year")


class SponsorshipFallback(models.TextChoices):
    """What the donor chose, at the start, for the day the student leaves, moves or finishes."""

    NEXT_CANDIDATE = "next_candidate", _("The next candidate of the same school")
    OFFICE_PROPOSES = "office_proposes", _("A student the office proposes")
    REFUND = "refund", _("A refund")


class SponsorshipStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    AWAITING_PROPOSAL = "awaiting_proposal", _("Waiting for the office's proposal")
    REFUNDED = "refunded", _("Ended, refunded")
    ENDED = "ended", _("Ended")


class SponsorNoticeKind(models.TextChoices):
    TRANSFERRED = "transferred", _("Sponsorship moved to another student")
    AWAITING_PROPOSAL = "awaiting_proposal", _("The office will propose a student")
    REFUNDED = "refunded", _("Sponsorship ended and refunded")
    PROPOSED = "proposed", _("The office proposed a student")
