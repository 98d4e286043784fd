"""Pages of scholarship rounds: the rounds a user sees, a new round of a fund (criteria, score
rules and tiers written as JSON in the policy condition language), a round with its ranked
candidates and each score's parts, and the POST actions (draw, nominate, submit, approve,
return, publish, pay). The public notice lists the selected pupils, masked as entitlement
notices are. The services decide who may do what; their refusals come back as a message."""

import datetime as dt
import io
import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from reach.common.errors import DomainError, NotAllowed, OutOfScope, found
from reach.common.languages import in_language
from reach.common.pdf import pdf_response
from reach.common.xlsx import xlsx_response
from reach.funds import rounds_selectors, selectors
from reach.funds.choices import FundPurpose, RoundStatus
from reach.funds.models import ScholarshipRound
from reach.funds.round_notice import (
    masked_line,
    notice_filename,
    notice_lines,
    record_notice_export,
    render_notice_pdf,
    write_notice_xlsx,
)
from reach.funds.rounds_criteria import describe_criteria
from reach.funds.services.round_objections import (
    dismiss_round_objection,
    record_round_objection,
    uphold_round_objection,
)
from reach.funds.services.rounds import (
    DEFAULT_OBJECTION_DAYS,
    RoundInput,
    approve_round,
    award_round,
    can_manage_round,
    create_round,
    draw_candidates,
    nominate,
    payable_from,
    publish_round,
    return_round,
    submit_round,
)

EXAMPLE_CRITERIA = {"field": "household_status", "op": "in", "value": ["poor", "near_poor"]}
EXAMPLE_RULES = [
    {"when": {"field": "household_status", "op": "eq", "value": "poor"}, "points": 30},
    {"when": {"field": "at_risk", "op": "is_true"}, "points": 20},
]
EXAMPLE_TIERS = [{"min_score": 20, "amount_minor": 500000}]


class JSONField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 4, "class": "mono"})

    def to_python(self, value):
        text = super().to_python(value)
        try:
            return json.loads(text)
        except ValueError as error:
            raise forms.ValidationError(_("not JSON: %(error)s") % {"error": error}) from error


class RoundForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=40)
    name_vi = forms.CharField(label=gettext_lazy("Name (Vietnamese)"), required=False)
    name_zh = forms.CharField(label=gettext_lazy("Name (Chinese)"), required=False)
    name_en = forms.CharField(label=gettext_lazy("Name (English)"), required=False)
    school_year = forms.IntegerField(label=gettext_lazy("School year"), min_value=2000)
    purpose = forms.ChoiceField(label=gettext_lazy("Purpose"), choices=FundPurpose.choices)
    exclusive = forms.BooleanField(
        label=gettext_lazy("Once per pupil, purpose and year across rounds"),
        required=False,
        initial=True,
    )
    budget_minor = forms.IntegerField(label=gettext_lazy("Budget (minor units)"), min_value=1)
    quota_per_school = forms.IntegerField(
        label=gettext_lazy("Quota per school"), min_value=1, required=False
    )
    quota_per_unit = forms.IntegerField(
        label=gettext_lazy("Quota per commune or ward"), min_value=1, required=False
    )
    criteria = JSONField(label=gettext_lazy("Criteria"), initial=json.dumps(EXAMPLE_CRITERIA))
    score_rules = JSONField(
        label=gettext_lazy("Score rules"), initial=json.dumps(EXAMPLE_RULES, indent=1)
    )
    tiers = JSONField(label=gettext_lazy("Amount tiers"), initial=json.dumps(EXAMPLE_TIERS))


def _round(request, round_id: int) -> ScholarshipRound:
    return found(rounds_selectors.get_round_for_user(request.user, round_id), _("No such round"))


@login_required
def round_list(request):
    rounds = [
        (round_, in_language(round_.names, request.LANGUAGE_CODE))
        for round_ in rounds_selectors.rounds_for_user(request.user)
    ]
    return render(request, "funds/round_list.html", {"rounds": rounds})


@login_required
def round_create(request, fund_id: int):
    fund = selectors.fund_for_user_or_404(request.user, fund_id)
    if not can_manage_round(request.user, fund):
        if request.method == "POST":
            raise NotAllowed(_("Your role cannot open a round of this fund."))
        return render(request, "funds/round_create.html", {"fund": fund, "form": None})
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = create_round(
                actor=request.user,
                fund=fund,
                data=RoundInput(
                    code=data["code"],
                    names={
                        key: data[f"name_{key}"]
                        for key in ("vi", "zh", "en")
                        if data[f"name_{key}"]
                    },
                    school_year=data["school_year"],
                    purpose=data["purpose"],
                    exclusive=data["exclusive"],
                    budget_minor=data["budget_minor"],
                    quota_per_school=data["quota_per_school"],
                    quota_per_unit=data["quota_per_unit"],
                    criteria=data["criteria"],
                    score_rules=data["score_rules"],
                    tiers=data["tiers"],
                ),
            )
        except (NotAllowed, OutOfScope):
            raise
        except DomainError as error:
            messages.error(request, str(error))
        else:
            return redirect("funds:round", round_id=round_.pk)
    return render(request, "funds/round_create.html", {"fund": fund, "form": form})


@login_required
def round_detail(request, round_id: int):
    round_ = _round(request, round_id)
    lang = request.LANGUAGE_CODE
    page = Paginator(rounds_selectors.candidates_for_user(request.user, round_), 100).get_page(
        request.GET.get("page")
    )
    rows = [(c, rounds_selectors.score_parts(round_, c, lang)) for c in page]
    context = {
        "round": round_,
        "name": in_language(round_.names, lang),
        "criteria_words": describe_criteria(round_.criteria, lang) if round_.criteria else "",
        "rules": [(rule, describe_criteria(rule["when"], lang)) for rule in round_.score_rules],
        "page": page,
        "rows": rows,
        "totals": rounds_selectors.round_totals(round_),
        "may_manage": can_manage_round(request.user, round_.fund),
        "is_draft": round_.status == RoundStatus.DRAFT,
        "is_submitted": round_.status == RoundStatus.SUBMITTED,
        "is_approved": round_.status == RoundStatus.APPROVED,
        "today": dt.date.today().isoformat(),
        "objection_days": DEFAULT_OBJECTION_DAYS,
        "payable_from": payable_from(round_),
        "payable": (payable_from(round_) or dt.date.max) <= dt.date.today(),
    }
    return render(request, "funds/round_detail.html", context)


@login_required
def round_notice(request, round_id: int):
    """The public notice of an approved, published round (masked names, school, amount, the
    line number to quote), its objection period, the objections recorded (as the reader may
    see their pupils) and, for the fund's officers, the forms to record and resolve them."""
    round_ = _round(request, round_id)
    rows = [masked_line(c) for c in notice_lines(round_)]
    may_manage = can_manage_round(request.user, round_.fund)
    today = dt.date.today()
    context = {
        "round": round_,
        "name": in_language(round_.names, request.LANGUAGE_CODE),
        "rows": rows,
        "objections": rounds_selectors.objections_for_user(request.user, round_),
        "taking_objections": may_manage
        and round_.objections_until is not None
        and today <= round_.objections_until,
        "may_resolve": may_manage,
        "payable_from": payable_from(round_),
    }
    return render(request, "funds/round_notice.html", context)


@login_required
def round_notice_xlsx(request, round_id: int):
    round_ = _round(request, round_id)  # before publication: the heading, no pupil
    out = io.BytesIO()
    rows = write_notice_xlsx(out, round_)
    record_notice_export(request.user, round_, rows, "xlsx")
    return xlsx_response(out, filename=notice_filename(round_, "xlsx"))


@login_required
def round_notice_pdf(request, round_id: int):
    round_ = _round(request, round_id)  # before publication: the heading, no pupil
    content, rows = render_notice_pdf(round_, request=request)
    record_notice_export(request.user, round_, rows, "pdf")
    return pdf_response(content, filename=notice_filename(round_, "pdf"))


def _to_notice(request, round_id: int, action):
    return _act(request, round_id, action, then="funds:round-notice")


@login_required
@require_POST
def round_objection(request, round_id: int):
    """Record an objection to a line of the notice."""
    try:
        line = int(request.POST.get("line", ""))
    except ValueError:
        messages.error(request, _("Give the line number"))
        return redirect("funds:round-notice", round_id=round_id)

    def record(round_):
        record_round_objection(
            actor=request.user,
            round_=round_,
            candidate_id=line,
            raised_by=request.POST.get("raised_by", ""),
            contact=request.POST.get("contact", ""),
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, _("The objection is recorded."))

    return _to_notice(request, round_id, record)


@login_required
@require_POST
def round_objection_resolve(request, round_id: int):
    """Uphold (the award withdrawn) or dismiss an open objection, saying why."""
    text = request.POST.get("resolution", "")

    def resolve(round_):
        objection = (
            rounds_selectors.objections_for_user(request.user, round_)
            .filter(pk=request.POST.get("objection") or 0)
            .first()
        )
        if objection is None:
            raise OutOfScope(_("No such objection"))
        if request.POST.get("decision") == "uphold":
            uphold_round_objection(actor=request.user, objection=objection, resolution=text)
        else:
            dismiss_round_objection(actor=request.user, objection=objection, reason=text)
        messages.success(request, _("The objection is resolved."))

    return _to_notice(request, round_id, resolve)


def _act(request, round_id: int, action, *, then: str = "funds:round") -> object:
    """Apply `action` to the round, show a domain error as a message, and go back to the round's
    page (or `then`)."""
    round_ = _round(request, round_id)
    try:
        action(round_)
    except (NotAllowed, OutOfScope):
        raise
    except DomainError as error:
        messages.error(request, str(error))
    return redirect(then, round_id=round_.pk)


@login_required
@require_POST
def round_draw(request, round_id: int):
    def draw(round_):
        drawn = draw_candidates(actor=request.user, round_=round_)
        messages.success(request, _("%(n)s candidates drawn") % {"n": drawn})

    return _act(request, round_id, draw)


@login_required
@require_POST
def round_nominate(request, round_id: int):
    try:
        person_id = int(request.POST.get("person", ""))
    except ValueError:
        messages.error(request, _("Give the pupil's number"))
        return redirect("funds:round", round_id=round_id)
    note = request.POST.get("note", "")
    return _act(
        request,
        round_id,
        lambda r: nominate(actor=request.user, round_=r, person_id=person_id, note=note),
    )


@login_required
@require_POST
def round_submit(request, round_id: int):
    return _act(request, round_id, lambda r: submit_round(actor=request.user, round_=r))


@login_required
@require_POST
def round_approve(request, round_id: int):
    return _act(request, round_id, lambda r: approve_round(actor=request.user, round_=r))


@login_required
@require_POST
def round_return(request, round_id: int):
    reason = request.POST.get("reason", "")
    return _act(
        request, round_id, lambda r: return_round(actor=request.user, round_=r, reason=reason)
    )


@login_required
@require_POST
def round_publish(request, round_id: int):
    raw = request.POST.get("objection_days", "")
    days = int(raw) if raw.isdigit() else DEFAULT_OBJECTION_DAYS
    return _act(
        request,
        round_id,
        lambda r: publish_round(actor=request.user, round_=r, objection_days=days),
    )


@login_required
@require_POST
def round_award(request, round_id: int):
    try:
        on = dt.date.fromisoformat(request.POST.get("on", ""))
    except ValueError:
        on = dt.date.today()

    def pay(round_):
        result = award_round(actor=request.user, round_=round_, on=on)
        messages.success(request, _("%(n)s awards paid") % {"n": len(result.paid)})
        for person_id, why in result.refused:
            messages.error(request, f"{person_id}: {why}")

    return _act(request, round_id, pay)
