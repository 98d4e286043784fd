"""The matching page of a fund: for its purpose (or another) and a restriction of it, the
pupils the gift could support, ranked by need with the reasons, each with what the state
already pays them that school year (the suggestions of services/matching, which never lists a
pupil the state, a fund or a round already covers for the purpose); the fund's goods by item
(received, handed over, in stock); and, for the fund's officers, a hand-over of goods to a
suggested pupil (recorded through the ledger: audited, never below zero, once per key)."""

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reach.common.errors import DomainError, NotAllowed, OutOfScope
from reach.common.languages import in_language
from reach.common.money import format_major
from reach.common.schoolyear import school_year_of
from reach.funds import selectors
from reach.funds.choices import FundPurpose
from reach.funds.distribution import item_stock, state_support
from reach.funds.forms import HandOverForm
from reach.funds.permissions import can_spend_from
from reach.funds.services import hand_over_items
from reach.funds.services.matching import suggest_students
from reach.funds.services.restrictions import describe_restriction


def _choices(request, fund) -> tuple[str, int | None, int]:
    """The purpose, restriction and school year asked for (the fund's purpose, none and the
    current school year by default)."""
    purpose = request.GET.get("purpose", "") or fund.purpose
    if purpose not in FundPurpose.values:
        purpose = fund.purpose
    raw = request.GET.get("restriction", "")
    restriction_id = int(raw) if raw.isdigit() else None
    raw_year = request.GET.get("school_year", "")
    year = int(raw_year) if raw_year.isdigit() and 2000 <= int(raw_year) <= 2100 else None
    return purpose, restriction_id, year or school_year_of(dt.date.today())


@login_required
def matching(request, fund_id: int):
    fund = selectors.fund_for_user_or_404(request.user, fund_id)
    language = request.LANGUAGE_CODE
    purpose, restriction_id, year = _choices(request, fund)
    restrictions = list(fund.restrictions.select_related("school", "unit"))
    restriction = next((r for r in restrictions if r.pk == restriction_id), None)
    suggestions = suggest_students(
        actor=request.user,
        fund=fund,
        purpose=purpose,
        school_year=year,
        restriction=restriction,
        limit=100,
    )
    state = state_support([s.person_id for s in suggestions], year)
    rows = []
    for s in suggestions:
        paid = state.get(s.person_id)
        rows.append(
            {
                "s": s,
                "state": ", ".join(
                    f"{format_major(total, currency, lang=language)} {currency}"
                    for currency, total in sorted(paid.total_minor.items())
                )
                if paid
                else "",
                "benefits": ", ".join(paid.benefits) if paid else "",
                "key": uuid.uuid4().hex,  # one hand-over per form: a double click records once
            }
        )
    stock = item_stock(fund)
    may_hand_over = can_spend_from(request.user, fund) and any(i.in_stock > 0 for i in stock)
    context = {
        "fund": fund,
        "fund_name": in_language(fund.names, language),
        "purpose": purpose,
        "purposes": FundPurpose.choices,
        "restrictions": [(r.pk, describe_restriction(r)) for r in restrictions],
        "restriction_id": restriction.pk if restriction else None,
        "school_year": year,
        "rows": rows,
        "stock": stock,
        "in_stock": [i for i in stock if i.in_stock > 0],
        "may_hand_over": may_hand_over,
        "today": dt.date.today().isoformat(),
    }
    return render(request, "funds/matching.html", context)


@login_required
@require_POST
def matching_hand_over(request, fund_id: int):
    """Hand goods of the fund's free stock, or of the chosen restriction's, to a suggested
    pupil, for the page's purpose (so the pupil is no longer suggested for it)."""
    fund = selectors.fund_for_user_or_404(request.user, fund_id)
    back = reverse("funds:matching", args=[fund.pk])
    query = request.POST.get("query", "")
    if query.startswith("purpose="):
        back = f"{back}?{query}"
    form = HandOverForm(
        request.POST, restrictions=[(r.pk, "") for r in fund.restrictions.only("pk")]
    )
    if not form.is_valid():
        messages.error(request, _("Check the form: %(errors)s") % {"errors": form.errors.as_text()})
        return redirect(back)
    data = form.cleaned_data
    purpose = request.POST.get("purpose", "")
    try:
        hand_over_items(
            actor=request.user,
            fund=fund,
            recipient_id=data["recipient"],
            item=data["item"],
            quantity=data["quantity"],
            idempotency_key=data["idempotency_key"],
            occurred_on=data["occurred_on"],
            purpose=purpose if purpose in FundPurpose.values else "",
            restriction_id=data["pot"],
        )
    except (NotAllowed, OutOfScope):
        raise
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(back)
    messages.success(request, _("Hand-over recorded."))
    return redirect(back)
