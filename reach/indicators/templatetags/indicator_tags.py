from urllib.parse import urlencode

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

register = template.Library()

CONFIDENCE = {
    "high": _("high confidence"),
    "medium": _("medium confidence"),
    "low": _("low confidence"),
}


@register.simple_tag
def unit_query(school_year: int, unit) -> str:
    """The query string of a list of `unit` (None: everything visible) in `school_year`."""
    params = {"year": school_year}
    if unit is not None:
        params["unit"] = unit.code
    return urlencode(params)


@register.filter
def percent(value) -> str:
    """33.3 -> "33,3 %" in Vietnamese; "—" when there is nothing to divide."""
    if value is None:
        return "—"
    return f"{number_format(value, decimal_pos=1)}%"


@register.filter
def signed(value) -> str:
    """A change with its sign: +2, −3 (a minus sign), 0; "" when unknown."""
    if value is None:
        return ""
    if value == 0:
        return "±0"
    text = number_format(abs(value), decimal_pos=1 if isinstance(value, float) else None)
    return f"+{text}" if value > 0 else f"−{text}"


@register.filter
def css_number(value) -> str:
    """A width in percent for a style attribute: 0 to 100, with a dot, never localised."""
    return f"{min(100.0, max(0.0, float(value or 0))):.1f}"


@register.filter
def confidence_label(code: str) -> str:
    return CONFIDENCE.get(code, code)
