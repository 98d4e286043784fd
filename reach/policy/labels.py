"""The words people read for the codes policy files use: funding sources and kinds of
benefit, in the user's language. A code a policy file adds without a name here is shown as
itself."""

from django.utils.translation import gettext_lazy as _

SOURCE_NAMES = {
    "central": _("Central budget"),
    "national": _("National budget"),
    "state_budget": _("State budget"),
    "higher_levels": _("Higher levels"),
    "province": _("Province budget"),
    "prefecture": _("Prefecture budget"),
    "county": _("County budget"),
    "province_prefecture_county": _("Province, prefecture and county budgets"),
    "by_school_affiliation": _("Budget of the level the school belongs to"),
    "fund": _("Fund"),
    # The source names the benefit but not who pays for it: no funding claim is made.
    "not_stated": _("Not stated in the source"),
}


def source_name(source: str) -> str:
    return str(SOURCE_NAMES[source]) if source in SOURCE_NAMES else source


BENEFIT_KIND_NAMES = {
    "exemption": _("Fee exemption"),
    "reduction": _("Fee reduction"),
    "subsidy": _("Subsidy"),
    "grant": _("Grant"),
    "meal": _("Meals"),
    "scholarship": _("Scholarship"),
}


def benefit_kind_name(kind: str) -> str:
    return str(BENEFIT_KIND_NAMES[kind]) if kind in BENEFIT_KIND_NAMES else kind
