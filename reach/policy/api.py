"""Policies as data, with their rules in words (`lang`: vi, zh-hans or en; default: the
request's language)."""

from django.utils.translation import get_language
from ninja import Router
from ninja.errors import HttpError

from reach.common.schemas import READ_ERRORS
from reach.policy.schemas import PolicyDetail, PolicyOut
from reach.policy.selectors import (
    describe_benefits_of_version,
    get_policy,
    get_policy_version,
    list_policies_with_versions,
)

router = Router(tags=["policies"])


def _policy_out(policy, version) -> dict:
    document = version.document if version else {}
    return {
        "code": policy.code,
        "names": policy.names,
        "jurisdiction": policy.jurisdiction,
        "currency": policy.currency,
        "version": version.number if version else None,
        "source": document.get("source") or {},
        "effective": document.get("effective") or {},
    }


@router.get("/policies", response={200: list[PolicyOut], **READ_ERRORS})
def list_policies(request):
    return [_policy_out(policy, policy.current) for policy in list_policies_with_versions()]


@router.get("/policies/{code}", response={200: PolicyDetail, **READ_ERRORS})
def get_policy_detail(request, code: str, version: int | None = None, lang: str = ""):
    policy = get_policy(code)
    found = get_policy_version(code, version) if policy else None
    if found is None:
        raise HttpError(404, "Not found")
    data = _policy_out(policy, found)
    data["benefits"] = [
        {
            "code": row["benefit"].code,
            "name": row["name"],
            "names": row["benefit"].names,
            "kind": row["benefit"].kind,
            "rule": row["rule"],
            "condition": row["benefit"].condition,
            "amount": row["benefit"].amount,
            "amount_words": row["amount"],
            "in_kind": row["benefit"].in_kind,
            "funding": row["benefit"].funding,
            "exclusive_group": row["benefit"].exclusive_group,
            "source": row["benefit"].source,
            "effective_from": row["benefit"].effective_from,
            "effective_to": row["benefit"].effective_to,
        }
        for row in describe_benefits_of_version(found, lang or get_language() or "en")
    ]
    return data
