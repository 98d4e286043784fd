"""A sponsor's statements and letters as PDF, in the donor's language (WeasyPrint, as the
receipts): a sponsorship's statement, a donor's year-end statement of all their sponsorships,
and the letter of a notice (a fallback applied). The student appears as the donor may see
them: a shortened name (`reach.common.masking.mask_name`), their school, level, grade,
enrolment status and attendance band; never a national ID, birth date or address."""

import datetime as dt

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import translation

from reach.common.languages import in_language
from reach.common.masking import mask_name
from reach.common.money import format_major
from reach.common.pdf import render_pdf
from reach.funds.models import Donor, SponsorNotice, Sponsorship
from reach.funds.services.sponsorships import reason_labels
from reach.funds.sponsorship_selectors import statement

STATEMENT_TEMPLATE = "funds/print/sponsorship_statement.html"
LETTER_TEMPLATE = "funds/print/sponsorship_letter.html"


def _money(minor: int, currency: str, language: str) -> str:
    return f"{format_major(minor, currency, lang=language)} {currency}"


def _statement_context(donor: Donor, sponsorships, *, year: int | None, language: str) -> dict:
    items = statement(sponsorships, year=year)
    return {
        "donor": donor,
        "year": year,
        "today": dt.date.today(),
        "items": [
            {
                "item": item,
                "fund_name": in_language(item.sponsorship.fund.names, language),
                "due": _money(item.due_minor, item.sponsorship.fund.currency, language),
                "received": _money(item.received_minor, item.sponsorship.fund.currency, language),
                "paid": _money(item.paid_minor, item.sponsorship.fund.currency, language),
                "rows": [
                    {
                        "row": row,
                        "amount": _money(
                            row.instalment.amount_minor, item.sponsorship.fund.currency, language
                        ),
                        "received": _money(
                            row.received_minor, item.sponsorship.fund.currency, language
                        ),
                        "paid": _money(row.paid_minor, item.sponsorship.fund.currency, language),
                    }
                    for row in item.rows
                ],
            }
            for item in items
        ],
    }


def _render(template: str, context: dict, language: str, *, pdf: bool) -> str | bytes:
    with translation.override(language):
        if pdf:
            return render_pdf(template, context)
        return render_to_string(template, context)


def _chosen(donor: Donor, sponsorship: Sponsorship | None, sponsorships: QuerySet | None):
    if sponsorship is not None:
        return donor.sponsorships.filter(pk=sponsorship.pk)
    return sponsorships if sponsorships is not None else donor.sponsorships.all()


def render_statement_html(
    donor: Donor,
    *,
    year: int | None = None,
    sponsorship: Sponsorship | None = None,
    sponsorships: QuerySet | None = None,
) -> str:
    """The statement of one sponsorship, or of `sponsorships` (default: all the donor's), of
    the calendar `year` if given, as HTML in the donor's language."""
    chosen = _chosen(donor, sponsorship, sponsorships)
    context = _statement_context(donor, chosen, year=year, language=donor.language)
    return str(_render(STATEMENT_TEMPLATE, context, donor.language, pdf=False))


def render_statement_pdf(
    donor: Donor,
    *,
    year: int | None = None,
    sponsorship: Sponsorship | None = None,
    sponsorships: QuerySet | None = None,
) -> bytes:
    chosen = _chosen(donor, sponsorship, sponsorships)
    context = _statement_context(donor, chosen, year=year, language=donor.language)
    return bytes(_render(STATEMENT_TEMPLATE, context, donor.language, pdf=True))


def _letter_context(notice: SponsorNotice) -> dict:
    sponsorship = notice.sponsorship
    language = notice.language
    with translation.override(language):
        reason = reason_labels().get(notice.reason, "")
    return {
        "notice": notice,
        "sponsorship": sponsorship,
        "donor": sponsorship.donor,
        "fund_name": in_language(sponsorship.fund.names, language),
        "former": mask_name(notice.former_person.full_name) if notice.former_person else "",
        "new": mask_name(notice.new_person.full_name) if notice.new_person else "",
        "reason": reason,
        "refund": (
            _money(notice.refund_minor, sponsorship.fund.currency, language)
            if notice.refund_minor
            else ""
        ),
    }


def render_letter_html(notice: SponsorNotice) -> str:
    return str(_render(LETTER_TEMPLATE, _letter_context(notice), notice.language, pdf=False))


def render_letter_pdf(notice: SponsorNotice) -> bytes:
    return bytes(_render(LETTER_TEMPLATE, _letter_context(notice), notice.language, pdf=True))
