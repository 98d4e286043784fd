from urllib.parse import urlencode

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
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


def svg_percent(value) -> str:
    """A percentage clamped to 0 to 100 for an SVG coordinate: with a dot, never localised."""
    return f"{min(100.0, max(0.0, float(value or 0))):.1f}"


@register.simple_tag
def bar(value, kind: str = "", target=None) -> str:
    """A bar of `value` percent (with a mark at `target` percent) as inline SVG: the geometry
    is in SVG attributes and the colours in the stylesheet, as the content-security policy
    refuses inline style attributes."""
    mark = (
        format_html(
            '<line class="bar-target" x1="{x}" x2="{x}" y1="0" y2="10"'
            ' vector-effect="non-scaling-stroke"/>',
            x=svg_percent(target),
        )
        if target is not None
        else ""
    )
    return format_html(
        '<svg class="bar {kind}" viewBox="0 0 100 10" preserveAspectRatio="none"'
        ' aria-hidden="true" focusable="false"><rect class="bar-value" width="{width}"'
        ' height="10"/>{mark}</svg>',
        kind=kind,
        width=svg_percent(value),
        mark=mark,
    )


@register.filter
def confidence_label(code: str) -> str:
    return CONFIDENCE.get(code, code)
