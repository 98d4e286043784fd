"""Pages of funds: the funds a user sees with their derived balances, a fund with its
accounts, donors, donations and entries, the forms that record a donation, pay a pupil, hand
over goods, reverse a movement and import a donation list, and a donation's receipt (PDF).

The services decide who may do what (`reach.funds.permissions`); their `NotAllowed` and
`OutOfScope` propagate (403, 404), their other refusals come back as a message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reach.accounts.scoping import restrict, under_paths
from reach.accounts.services import record_export
from reach.common.errors import DomainError, NotAllowed, OutOfScope, found
from reach.common.languages import in_language
from reach.common.money import to_minor
from reach.common.pdf import pdf_response
from reach.funds import permissions, selectors
from reach.funds.forms import DonationListForm, GiftForm, HandOverForm, ReversalForm, SpendForm
from reach.funds.models import Fund
from reach.funds.receipts import receipt_filename, render_receipt_pdf
from reach.funds.services import (
    DonationInput,
    RestrictionInput,
    create_donor,
    hand_over_items,
    record_donation,
    reverse_transaction,
    spend_to_student,
)
from reach.funds.services.imports import DonationImportRejected, import_donations
from reach.funds.services.restrictions import describe_restriction
from reach.funds.sponsorship_forms import RestrictionForm
from reach.geo.models import School


def _restriction_choices(fund: Fund) -> list[tuple[int, str]]:
    return [
        (r.pk, describe_restriction(r)) for r in fund.restrictions.select_related("school", "unit")
    ]


def _gift_form(request, fund: Fund, data=None) -> GiftForm:
    donors = selectors.donors_for_user(request.user).filter(unit=fund.unit)
    schools = restrict(
        School.objects.filter(under_paths("unit__path", (fund.unit.path,))), request.user
    )
    return GiftForm(data, donors=donors, schools=schools)


def _restriction_form(request, fund: Fund) -> RestrictionForm:
    schools = restrict(
        School.objects.filter(under_paths("unit__path", (fund.unit.path,))), request.user
    )
    return RestrictionForm(schools=schools)


@login_required
def fund_list(request):
    language = request.LANGUAGE_CODE
    funds = [
        (fund, in_language(fund.names, language))
        for fund in selectors.list_funds_for_user(request.user)
    ]
    return render(request, "funds/fund_list.html", {"funds": funds})


@login_required
def fund_detail(request, fund_id: int):
    fund = selectors.fund_for_user_or_404(request.user, fund_id)
    may_record = permissions.can_record_donation(request.user, fund)
    may_spend = permissions.can_spend_from(request.user, fund)
    restrictions = _restriction_choices(fund)
    context = {
        "fund": fund,
        "fund_name": in_language(fund.names, request.LANGUAGE_CODE),
        "balances": [
            (
                row,
                describe_restriction(row.account.restriction) if row.account.restriction else "",
            )
            for row in selectors.account_balances(fund)
        ],
        "donors": selectors.fund_donors(fund),
        "donations": selectors.fund_donations(fund, limit=100),
        "entries": selectors.fund_entries(fund, request.user, limit=100),
        "gift_form": _gift_form(request, fund) if may_record else None,
        "import_form": DonationListForm() if may_record else None,
        "spend_form": SpendForm(restrictions=restrictions) if may_spend else None,
        "hand_over_form": HandOverForm(restrictions=restrictions) if may_spend else None,
        "reversal_form": ReversalForm() if may_spend else None,
        "restriction_form": _restriction_form(request, fund) if may_spend else None,
    }
    return render(request, "funds/fund_detail.html", context)


def _refused(request, fund: Fund, error: DomainError):
    if isinstance(error, NotAllowed | OutOfScope):
        raise error
    messages.error(request, str(error))
    return redirect("funds:fund", fund_id=fund.pk)


def _invalid(request, fund: Fund, form):
    messages.error(request, _("Check the form: %(errors)s") % {"errors": form.errors.as_text()})
    return redirect("funds:fund", fund_id=fund.pk)


@login_required
@require_POST
def donate(request, fund_id: int):
    fund = selectors.fund_for_user_or_404(request.user, fund_id)
    form = _gift_form(request, fund, request.POST)
    if not form.is_valid():
        return _invalid(request, fund, form)
    data = form.cleaned_data
    amount = to_minor(data["amount"], fund.currency) if data["amount"] else None
    if data["amount"] and amount is None:
        messages.error(request, _("%(value)r is not an amount") % {"value": data["amount"]})
        return redirect("funds:fund", fund_id=fund.pk)
    try:
        donor_id = data["donor"]
        if data["new_donor"]:
            donor_id = create_donor(
                actor=request.user,
                unit=fund.unit,
                kind=data["new_donor_kind"] or "person",
                name=data["new_donor"],
                language=data["new_donor_language"] or request.LANGUAGE_CODE,
            ).pk
        donation = record_donation(
            actor=request.user,
            fund=fund,
            gift=DonationInput(
                kind=data["kind"],
                form=data["form"],
                received_on=data["received_on"],
                donor_id=donor_id,
                anonymous=data["anonymous"],
                amount_minor=amount,
                item=data["item"],
                quantity=data["quantity"],
                item_unit=data["item_unit"],
                wishes=RestrictionInput(purpose=data["purpose"], school_id=data["school"]),
                campaign=data["campaign"],
                receipt_number=data["receipt_number"],
            ),
        )
    except DomainError as error:
        return _refused(request, fund, error)
    messages.success(
        request, _("Donation recorded (receipt %(number)s).") % {"number": donation.receipt_number}
    )
    return redirect("funds:fund", fund_id=fund.pk)


@login_required
@require_POST
def spend(request, fund_id: int):
    fund = selectors.fund_for_user_or_404(request.user, fund_id)
    form = SpendForm(request.POST, restrictions=_restriction_choices(fund))
    if not form.is_valid():
        return _invalid(request, fund, form)
    data = form.cleaned_data
    amount = to_minor(data["amount"], fund.currency)
    if amount is None:
        messages.error(request, _("%(value)r is not an amount") % {"value": data["amount"]})
        return redirect("funds:fund", fund_id=fund.pk)
    try:
        spend_to_student(
            actor=request.user,
            fund=fund,
            recipient_id=data["recipient"],
            amount_minor=amount,
            idempotency_key=data["idempotency_key"],
            occurred_on=data["occurred_on"],
            purpose=data["purpose"],
            restriction_id=data["pot"],
        )
    except DomainError as error:
        return _refused(request, fund, error)
    messages.success(request, _("Payment recorded."))
    return redirect("funds:fund", fund_id=fund.pk)


@login_required
@require_POST
def hand_over(request, fund_id: int):
    fund = selectors.fund_for_user_or_404(request.user, fund_id)
    form = HandOverForm(request.POST, restrictions=_restriction_choices(fund))
    if not form.is_valid():
        return _invalid(request, fund, form)
    data = form.cleaned_data
    try:
        hand_over_items(
            actor=request.user,
            fund=fund,
            recipient_id=data["recipient"],
            item=data["item"],
            quantity=data["quantity"],
            idempotency_key=data["idempotency_key"],
            occurred_on=data["occurred_on"],
            restriction_id=data["pot"],
        )
    except DomainError as error:
        return _refused(request, fund, error)
    messages.success(request, _("Hand-over recorded."))
    return redirect("funds:fund", fund_id=fund.pk)


@login_required
@require_POST
def reverse_movement(request, fund_id: int):
    fund = selectors.fund_for_user_or_404(request.user, fund_id)
    form = ReversalForm(request.POST)
    if not form.is_valid():
        return _invalid(request, fund, form)
    data = form.cleaned_data
    try:
        reverse_transaction(
            actor=request.user,
            fund=fund,
            transaction_id=data["transaction"],
            reason=data["reason"],
            occurred_on=data["occurred_on"],
        )
    except DomainError as error:
        return _refused(request, fund, error)
    messages.success(request, _("Movement reversed."))
    return redirect("funds:fund", fund_id=fund.pk)


@login_required
@require_POST
def import_list(request, fund_id: int):
    fund = selectors.fund_for_user_or_404(request.user, fund_id)
    form = DonationListForm(request.POST, request.FILES)
    if not form.is_valid():
        return _invalid(request, fund, form)
    upload = form.cleaned_data["file"]
    try:
        result = import_donations(actor=request.user, fund=fund, file=upload, filename=upload.name)
    except DonationImportRejected as error:
        return render(
            request,
            "funds/import_rejected.html",
            {"fund": fund, "errors": error.errors, "message": str(error).splitlines()[0]},
            status=422,
        )
    except DomainError as error:
        return _refused(request, fund, error)
    messages.success(
        request,
        _("%(recorded)s donations recorded, %(already)s already recorded.")
        % {"recorded": result.recorded, "already": result.already},
    )
    return redirect("funds:fund", fund_id=fund.pk)


@login_required
def receipt_pdf(request, donation_id: int):
    donation = found(
        selectors.get_donation_for_user(request.user, donation_id), _("No such donation")
    )
    content = render_receipt_pdf(donation)
    record_export(
        actor=request.user,
        name="funds.receipt",
        filters={"donation": donation.pk},
        rows=1,
        masked=False,
    )
    return pdf_response(content, filename=receipt_filename(donation))
