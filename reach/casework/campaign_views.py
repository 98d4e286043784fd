"""Pages of campaigns: the periods of a unit's mobilisation with their targets, the cases
handled and the returns achieved in each. The services decide who may change them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from reach.casework import permissions, selectors, services
from reach.casework.choices import CARE_KINDS
from reach.casework.forms import CampaignForm, TargetForm
from reach.casework.services import CaseError
from reach.indicators import selectors as lists
from reach.registry.selectors import default_school_year_for_user


@login_required
def campaigns(request):
    units = lists.list_visible_units(request.user)
    form = CampaignForm(
        request.POST or None,
        units=units,
        initial={"school_year": default_school_year_for_user(request.user)},
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                campaign = services.create_campaign(actor=request.user, **form.cleaned_data)
            except CaseError as error:
                messages.error(request, str(error))
            else:
                return redirect("casework:campaign", campaign_id=campaign.pk)
    context = {
        "campaigns": selectors.list_campaigns_for_user(request.user),
        "form": form,
        "can_edit": permissions.can_organise(request.user),
    }
    return render(request, "casework/campaigns.html", context)


@login_required
def campaign_detail(request, campaign_id: int):
    campaign = selectors.get_campaign_for_user(request.user, campaign_id)
    if campaign is None:
        raise Http404(_("No such campaign"))
    units = lists.list_visible_units(request.user).filter(path__startswith=campaign.unit.path)
    form = TargetForm(request.POST or None, units=units)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.set_campaign_target(
                    actor=request.user, campaign=campaign, **form.cleaned_data
                )
            except CaseError as error:
                messages.error(request, str(error))
            else:
                return redirect("casework:campaign", campaign_id=campaign.pk)
    total, rows = selectors.campaign_report_for_user(request.user, campaign)
    context = {
        "campaign": campaign,
        "total": total,
        "rows": rows,
        "form": form,
        "can_edit": permissions.can_manage_campaign(request.user, campaign),
        "care": selectors.care_children_for_user(request.user, campaign)
        if campaign.kind in CARE_KINDS
        else None,
    }
    return render(request, "casework/campaign_detail.html", context)
