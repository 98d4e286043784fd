"""Web pages of policies: the list, a policy's benefits with their rules in words, its versions,
and (for administrators) editing a policy, which makes a new version."""

import yaml
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from reach.accounts.scoping import is_administrator
from reach.policy.loader import PolicyFileError
from reach.policy.selectors import (
    describe_benefits_of_version,
    get_policy,
    get_policy_version,
    list_policies_with_versions,
)
from reach.policy.services import load_policy_text


@login_required
def policy_list(request):
    return render(
        request,
        "policy/policy_list.html",
        {"policies": list_policies_with_versions(), "can_edit": is_administrator(request.user)},
    )


@login_required
def policy_detail(request, code: str):
    policy = get_policy(code)
    if policy is None:
        raise Http404(_("No such policy"))
    versions = list(policy.versions.select_related("loaded_by").order_by("-number"))
    number = request.GET.get("version", "")
    version = get_policy_version(code, int(number)) if number.isdigit() else None
    version = version or (versions[0] if versions else None)
    if version is None:
        raise Http404(_("No such policy"))
    context = {
        "policy": policy,
        "version": version,
        "versions": versions,
        "rows": describe_benefits_of_version(version, get_language() or "en"),
        "can_edit": is_administrator(request.user),
    }
    return render(request, "policy/policy_detail.html", context)


@login_required
def policy_edit(request, code: str):
    """Administrators edit the YAML of a policy; a changed text is saved as a new version."""
    if not is_administrator(request.user):
        raise Http404(_("No such policy"))
    policy = get_policy(code)
    version = get_policy_version(code) if policy else None
    if version is None:
        raise Http404(_("No such policy"))
    errors: list[str] = []
    if request.method == "POST":
        text = request.POST.get("document", "")
        try:
            saved, created = load_policy_text(code=code, text=text, actor=request.user)
        except PolicyFileError as error:
            errors = error.errors
        else:
            if created:
                messages.success(
                    request, _("Saved as version %(number)s.") % {"number": saved.number}
                )
            else:
                messages.info(request, _("Nothing changed: the policy stays as it was."))
            return redirect("policy:policy", code=code)
    else:
        text = yaml.safe_dump(version.document, allow_unicode=True, sort_keys=False, width=100)
    context = {"policy": policy, "version": version, "text": text, "errors": errors}
    return render(request, "policy/policy_edit.html", context, status=400 if errors else 200)
