"""A donation's numbered receipt as PDF, in the donor's language (an anonymous gift: the
language of the fund's country). A gift in kind states the item and its quantity, never a cash
value."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from reach.common.languages import in_language
from reach.common.money import format_major
from reach.common.pdf import render_pdf
from reach.funds.models import Donation
from reach.funds.services.restrictions import describe_restriction

RECEIPT_TEMPLATE = "funds/print/receipt.html"


def receipt_language(donation: Donation) -> str:
    if donation.donor_id and not donation.anonymous:
        return donation.donor.language
    country = donation.fund.unit.path.split(".")[0]
    return getattr(settings, "REACH_COUNTRY_LANGUAGES", {}).get(country, "en")


def receipt_context(donation: Donation, language: str) -> dict:
    return {
        "donation": donation,
        "fund_name": in_language(donation.fund.names, language),
        "donor_name": "" if donation.anonymous or not donation.donor_id else donation.donor.name,
        "amount": (
            f"{format_major(donation.amount_minor, donation.fund.currency, lang=language)} "
            f"{donation.fund.currency}"
            if donation.amount_minor
            else ""
        ),
        "wishes": describe_restriction(donation.restriction) if donation.restriction else "",
    }


def render_receipt_html(donation: Donation) -> str:
    """The receipt as HTML, in the donor's language (what the PDF lays out)."""
    language = receipt_language(donation)
    with translation.override(language):
        return render_to_string(RECEIPT_TEMPLATE, receipt_context(donation, language))


def render_receipt_pdf(donation: Donation) -> bytes:
    language = receipt_language(donation)
    with translation.override(language):
        return render_pdf(RECEIPT_TEMPLATE, receipt_context(donation, language))


def receipt_filename(donation: Donation) -> str:
    return f"receipt-{donation.fund.code}-{donation.receipt_number or donation.pk}.pdf"
