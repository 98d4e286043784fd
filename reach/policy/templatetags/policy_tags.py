from django import template

from reach.policy.labels import benefit_kind_name, source_name

register = template.Library()


@register.filter
def funding_source(code: str) -> str:
    """A funding source's name in the user's language (`higher_levels` -> "Higher levels")."""
    return source_name(code)


@register.filter
def benefit_kind(code: str) -> str:
    return benefit_kind_name(code)
