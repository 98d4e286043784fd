"""Pages of sponsorships (a list, a sponsorship with its schedule, the page that attaches a
sponsor's receipts to instalments, statements and letters as PDF) and the pages that create a
fund and add a restriction to one.

The services decide who may do what; their `NotAllowed` and `OutOfScope` propagate (403, 404),
their other refusals come back as a message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reach.accounts.scoping import restrict, under_paths
from reach.accounts.services import record_export
from reach.common.errors import DomainError, NotAllowed, OutOfScope, found
from reach.common.languages import in_language
from reach.common.money import format_major, to_minor
from reach.common.pdf import pdf_response
from reach.funds import permissions, selectors
from reach.funds import sponsorship_selectors as sponsor_reads
from reach.funds.choices import SponsorshipStatus
from reach.funds.models import Instalment, Sponsorship
from reach.funds.services import RestrictionInput, create_fund
from reach.funds.services.restrictions import add_restriction
from reach.funds.services.sponsorships import (
    attach_receipt,
    create_sponsorship,
    pay_instalment,
    propose_student,
    unattached_receipts,
)
from reach.funds.sponsorship_forms import (
    AttachForm,
    FundCreateForm,
    PayInstalmentForm,
    ProposeForm,
    RestrictionForm,
    SponsorshipForm,
)
from reach.funds.sponsorship_letters import render_letter_pdf, render_statement_pdf
from reach.geo.models import Organisation, School
from reach.geo.selectors import unit_for_user_or_404


def _sponsorship(request, sponsorship_id: int) -> Sponsorship:
    return found(
        sponsor_reads.get_sponsorship_for_user(request.user, sponsorship_id),
        _("No such sponsorship"),
    )


def _refused(request, error: DomainError, to: str, **kwargs):
    if isinstance(error, NotAllowed | OutOfScope):
        raise error
    messages.error(request, str(error))
    return redirect(to, **kwargs)


def _invalid(request, form, to: str, **kwargs):
    messages.error(request, _("Check the form: %(errors)s") % {"errors": form.errors.as_text()})
    return redirect(to, **kwargs)


def _money(minor: int, currency: str, language: str) -> str:
    return f"{format_major(minor, currency, lang=language)} {currency}"


# --- funds and restrictions -----------------------------------------------------------------


def _organisations(user):
    """The organisations the user may set up a fund for (in a unit they see)."""
    return [
        o
        for o in restrict(Organisation.objects.select_related("unit"), user).order_by("name")[:500]
        if permissions.can_create_fund(user, o, o.unit)
    ]


@login_required
def fund_create(request):
    organisations = _organisations(request.user)
    if not organisations:
        raise NotAllowed(_("Your role cannot set up funds."))
    form = FundCreateForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organisation = next(o for o in organisations if o.pk == data["organisation"])
        unit = unit_for_user_or_404(request.user, data["unit"]) or organisation.unit
        names = {lang: data[f"name_{lang}"] for lang in ("vi", "zh", "en") if data[f"name_{lang}"]}
        try:
            fund = create_fund(
                actor=request.user,
                organisation=organisation,
                unit=unit,
                code=data["code"].strip(),
                names=names,
                currency=data["currency"],
                purpose=data["purpose"],
            )
        except DomainError as error:
            return _refused(request, error, "funds:new")
        messages.success(request, _("Fund created."))
        return redirect("funds:fund", fund_id=fund.pk)
    return render(request, "funds/fund_create.html", {"form": form})


@login_required
@require_POST
def restriction_create(request, fund_id: int):
    fund = selectors.fund_for_user_or_404(request.user, fund_id)
    schools = restrict(
        School.objects.filter(under_paths("unit__path", (fund.unit.path,))), request.user
    )
    form = RestrictionForm(request.POST, schools=schools)
    if not form.is_valid():
        return _invalid(request, form, "funds:fund", fund_id=fund.pk)
    data = form.cleaned_data
    try:
        add_restriction(
            actor=request.user,
            fund=fund,
            wishes=RestrictionInput(
                purpose=data["purpose"],
                level=data["level"],
                school_id=data["school"],
                person_id=data["person"],
            ),
        )
    except DomainError as error:
        return _refused(request, error, "funds:fund", fund_id=fund.pk)
    messages.success(request, _("Restriction added."))
    return redirect("funds:fund", fund_id=fund.pk)


# --- sponsorships ---------------------------------------------------------------------------


@login_required
def sponsorship_list(request):
    language = request.LANGUAGE_CODE
    rows = [
        (s, in_language(s.fund.names, language), _money(s.amount_minor, s.fund.currency, language))
        for s in sponsor_reads.list_sponsorships_for_user(request.user)[:500]
    ]
    funds = [
        (fund, in_language(fund.names, language))
        for fund in selectors.funds_for_user(request.user).select_related("unit", "organisation")
        if permissions.can_sponsor_through(request.user, fund)
    ]
    return render(request, "funds/sponsorship_list.html", {"rows": rows, "funds": funds})


@login_required
def sponsorship_create(request, fund_id: int):
    fund = selectors.fund_for_user_or_404(request.user, fund_id)
    if not permissions.can_sponsor_through(request.user, fund):  # a reader: no form
        context = {"fund": fund, "fund_name": in_language(fund.names, request.LANGUAGE_CODE)}
        return render(request, "funds/sponsorship_create.html", context)
    donors = selectors.donors_for_user(request.user).filter(
        under_paths("unit__path", (fund.unit.path,))
    )
    form = SponsorshipForm(request.POST or None, donors=donors)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        amount = to_minor(data["amount"], fund.currency)
        if amount is None:
            messages.error(request, _("%(value)r is not an amount") % {"value": data["amount"]})
            return redirect("funds:sponsorship-new", fund_id=fund.pk)
        try:
            sponsorship = create_sponsorship(
                actor=request.user,
                fund=fund,
                donor_id=data["donor"],
                person_id=data["person"],
                amount_minor=amount,
                rhythm=data["rhythm"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                fallback=data["fallback"],
                note=data["note"],
            )
        except DomainError as error:
            return _refused(request, error, "funds:sponsorship-new", fund_id=fund.pk)
        messages.success(request, _("Sponsorship recorded with its schedule."))
        return redirect("funds:sponsorship", sponsorship_id=sponsorship.pk)
    context = {
        "fund": fund,
        "fund_name": in_language(fund.names, request.LANGUAGE_CODE),
        "form": form,
    }
    return render(request, "funds/sponsorship_create.html", context)


@login_required
def sponsorship_detail(request, sponsorship_id: int):
    sponsorship = _sponsorship(request, sponsorship_id)
    language, currency = request.LANGUAGE_CODE, sponsorship.fund.currency
    may_act = permissions.can_sponsor_through(request.user, sponsorship.fund)
    rows = [
        {
            "row": row,
            "amount": _money(row.instalment.amount_minor, currency, language),
            "received": _money(row.received_minor, currency, language),
            "difference": _money(row.difference_minor, currency, language),
            "paid": _money(row.paid_minor, currency, language),
        }
        for row in sponsor_reads.instalment_rows(sponsorship)
    ]
    context = {
        "s": sponsorship,
        "fund_name": in_language(sponsorship.fund.names, language),
        "amount": _money(sponsorship.amount_minor, currency, language),
        "rows": rows,
        "notices": sponsor_reads.notices_of(sponsorship),
        "progress": sponsor_reads.student_progress(sponsorship.person),
        "may_pay": may_act and sponsorship.status == SponsorshipStatus.ACTIVE,
        "may_act": may_act,
        "pay_form": PayInstalmentForm() if may_act else None,
        "propose_form": (
            ProposeForm()
            if may_act and sponsorship.status == SponsorshipStatus.AWAITING_PROPOSAL
            else None
        ),
        "unattached": unattached_receipts(sponsorship).count() if may_act else 0,
    }
    return render(request, "funds/sponsorship_detail.html", context)


@login_required
@require_POST
def sponsorship_pay(request, sponsorship_id: int):
    sponsorship = _sponsorship(request, sponsorship_id)
    form = PayInstalmentForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, "funds:sponsorship", sponsorship_id=sponsorship.pk)
    data = form.cleaned_data
    instalment = sponsorship.instalments.filter(pk=data["instalment"]).first()
    if instalment is None:
        raise OutOfScope(_("No such instalment"))
    try:
        pay_instalment(
            actor=request.user,
            instalment=instalment,
            voucher=data["voucher"],
            paid_on=data["paid_on"],
        )
    except DomainError as error:
        return _refused(request, error, "funds:sponsorship", sponsorship_id=sponsorship.pk)
    messages.success(request, _("Instalment paid."))
    return redirect("funds:sponsorship", sponsorship_id=sponsorship.pk)


def _open_instalment_choices(sponsorship: Sponsorship, language: str) -> list[tuple[int, str]]:
    return [
        (
            row.instalment.pk,
            f"#{row.instalment.number} · {row.instalment.due_on:%d/%m/%Y} · "
            + _("due %(due)s, received %(received)s")
            % {
                "due": _money(row.instalment.amount_minor, sponsorship.fund.currency, language),
                "received": _money(row.received_minor, sponsorship.fund.currency, language),
            },
        )
        for row in sponsor_reads.instalment_rows(sponsorship)
        if not row.cancelled
    ]


@login_required
def sponsorship_attach(request, sponsorship_id: int):
    """The sponsor's receipts no instalment holds yet, each with the instalments to attach it
    to (the first one not yet covered chosen): pick and attach, two clicks."""
    sponsorship = _sponsorship(request, sponsorship_id)
    may_attach = permissions.can_sponsor_through(request.user, sponsorship.fund)
    if request.method == "POST" and not may_attach:
        raise NotAllowed(_("Your role cannot attach receipts in this fund."))
    language, currency = request.LANGUAGE_CODE, sponsorship.fund.currency
    choices = _open_instalment_choices(sponsorship, language)
    if request.method == "POST":
        form = AttachForm(request.POST, instalments=choices)
        if not form.is_valid():
            return _invalid(
                request, form, "funds:sponsorship-attach", sponsorship_id=sponsorship.pk
            )
        try:
            attach_receipt(
                actor=request.user,
                sponsorship=sponsorship,
                donation_id=form.cleaned_data["donation"],
                instalment_id=form.cleaned_data["instalment"],
            )
        except DomainError as error:
            return _refused(
                request, error, "funds:sponsorship-attach", sponsorship_id=sponsorship.pk
            )
        messages.success(request, _("Receipt attached."))
        return redirect("funds:sponsorship-attach", sponsorship_id=sponsorship.pk)
    rows = sponsor_reads.instalment_rows(sponsorship)
    first_open = next(
        (
            r.instalment.pk
            for r in rows
            if not r.cancelled and r.received_minor < r.instalment.amount_minor
        ),
        None,
    )
    receipts = [
        (
            donation,
            _money(donation.amount_minor or 0, currency, language),
            AttachForm(
                initial={"donation": donation.pk, "instalment": first_open}, instalments=choices
            )
            if may_attach
            else None,
        )
        for donation in unattached_receipts(sponsorship)
    ]
    context = {
        "s": sponsorship,
        "receipts": receipts,
        "rows": [
            {
                "row": row,
                "amount": _money(row.instalment.amount_minor, currency, language),
                "received": _money(row.received_minor, currency, language),
                "difference": _money(row.difference_minor, currency, language),
            }
            for row in rows
            if not row.cancelled
        ],
    }
    return render(request, "funds/sponsorship_attach.html", context)


@login_required
@require_POST
def sponsorship_propose(request, sponsorship_id: int):
    sponsorship = _sponsorship(request, sponsorship_id)
    form = ProposeForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, "funds:sponsorship", sponsorship_id=sponsorship.pk)
    try:
        propose_student(
            actor=request.user,
            sponsorship=sponsorship,
            person_id=form.cleaned_data["person"],
            on=form.cleaned_data["on"],
        )
    except DomainError as error:
        return _refused(request, error, "funds:sponsorship", sponsorship_id=sponsorship.pk)
    messages.success(request, _("The proposed student now holds the sponsorship."))
    return redirect("funds:sponsorship", sponsorship_id=sponsorship.pk)


@login_required
def sponsorship_statement_pdf(request, sponsorship_id: int):
    """The sponsorship's statement for its sponsor (their language, the student masked)."""
    sponsorship = _sponsorship(request, sponsorship_id)
    content = render_statement_pdf(sponsorship.donor, sponsorship=sponsorship)
    record_export(
        actor=request.user,
        name="funds.sponsorship_statement",
        filters={"sponsorship": sponsorship.pk},
        rows=1,
        masked=True,
    )
    return pdf_response(content, filename=f"sponsorship-{sponsorship.pk}-statement.pdf")


@login_required
def sponsorship_letter_pdf(request, sponsorship_id: int):
    """The latest letter to the sponsor (a fallback applied, a proposal)."""
    sponsorship = _sponsorship(request, sponsorship_id)
    notice = found(sponsor_reads.notices_of(sponsorship).first(), _("No letter yet"))
    record_export(
        actor=request.user,
        name="funds.sponsor_letter",
        filters={"notice": notice.pk},
        rows=1,
        masked=True,
    )
    return pdf_response(render_letter_pdf(notice), filename=f"sponsor-letter-{notice.pk}.pdf")


@login_required
def donor_statement_pdf(request, donor_id: int):
    """A donor's year-end statement (`?year=`, default the latest year with an instalment) of
    the sponsorships the reader may see, in the donor's language."""
    donor = found(sponsor_reads.get_donor_for_user(request.user, donor_id), _("No such donor"))
    visible = sponsor_reads.sponsorships_for_user(request.user).filter(donor=donor)
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() else None
    if year is None:
        last = (
            Instalment.objects.filter(sponsorship__in=visible)
            .order_by("-due_on")
            .values_list("due_on", flat=True)
            .first()
        )
        year = last.year if last else None
    content = render_statement_pdf(donor, year=year, sponsorships=visible)
    record_export(
        actor=request.user,
        name="funds.donor_statement",
        filters={"donor": donor.pk, "year": year},
        rows=visible.count(),
        masked=True,
    )
    return pdf_response(content, filename=f"donor-{donor.pk}-statement-{year or 'all'}.pdf")
