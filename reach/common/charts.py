"""Charts as one Vega-Lite specification (built with altair), rendered to SVG by vl-convert for
pages and PDFs alike, each with the table of its values.

Three kinds: a trend per year against a target (a rule line), a comparison across sub-units
(bars, the target as a rule), and a composition (a pie, e.g. reasons for dropout). The SVG is
inline: `sanitise_svg` keeps only drawing elements and presentation attributes (no script, no
event handler, no style attribute, no external reference), so the strict content-security
policy of the pages holds. Text stays SVG `<text>` in the fonts of the page (the PDF's
"DejaVu Sans" and "WenQuanYi Micro Hei" carry Vietnamese and Chinese).

A leaf: it imports no Reach app; callers pass labels already translated. The specifications
are fixed by this module, so altair's JSON-schema check (half the time of a chart) is skipped
when they are built; the tests render each kind.
"""

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from types import ModuleType

from django.utils.safestring import SafeString, mark_safe

FONT = "DejaVu Sans, WenQuanYi Micro Hei, sans-serif"
FONT_DIRECTORIES = ("/usr/share/fonts",)
SVG_NS = "http://www.w3.org/2000/svg"
ALLOWED_ELEMENTS = {"svg", "g", "path", "rect", "line", "text", "title", "desc", "circle", "tspan"}
ALLOWED_ATTRIBUTES = {
    "aria-hidden", "aria-label", "aria-roledescription", "class", "clip-path", "d", "display",
    "fill", "fill-opacity", "font-family", "font-size", "font-style", "font-weight", "height",
    "opacity", "pointer-events", "r", "role", "stroke", "stroke-dasharray", "stroke-linecap",
    "stroke-linejoin", "stroke-miterlimit", "stroke-opacity", "stroke-width", "text-anchor",
    "transform", "version", "viewBox", "width", "x", "x1", "x2", "y", "y1", "y2", "cx", "cy",
    "dx", "dy", "dominant-baseline",
}  # fmt: skip
MISSING = "—"


@dataclass(frozen=True)
class Table:
    """The values a chart draws, as rows of text under headers."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Chart:
    title: str
    svg: SafeString
    table: Table
    note: str = ""  # what the reader must know to read it (e.g. units mapped across a change)


def sanitise_svg(svg: str) -> str:
    """The SVG with only drawing elements and presentation attributes left."""
    ET.register_namespace("", SVG_NS)
    root = ET.fromstring(svg)  # noqa: S314  # vl-convert's output, never an uploaded file

    def clean(element: ET.Element) -> None:
        for child in list(element):
            if child.tag.removeprefix(f"{{{SVG_NS}}}") not in ALLOWED_ELEMENTS:
                element.remove(child)
            else:
                clean(child)
        for name in list(element.attrib):
            if name not in ALLOWED_ATTRIBUTES:
                del element.attrib[name]

    clean(root)
    if root.tag.removeprefix(f"{{{SVG_NS}}}") != "svg":
        raise ValueError("not an SVG document")
    root.set("role", "img")
    return ET.tostring(root, encoding="unicode")


@cache
def _converter() -> ModuleType:
    import vl_convert  # imported late: it loads a JavaScript engine, needed only for a chart

    for directory in FONT_DIRECTORIES:
        if Path(directory).is_dir():
            vl_convert.register_font_directory(directory)
    return vl_convert


def render_svg(spec: dict) -> SafeString:
    """A Vega-Lite specification as sanitised inline SVG. The same specification always draws
    the same SVG, so a chart seen again (a page reloaded, its PDF) is not drawn again."""
    return _render(json.dumps(spec, sort_keys=True, ensure_ascii=False))


@lru_cache(maxsize=512)
def _render(spec: str) -> SafeString:
    svg = _converter().vegalite_to_svg(json.loads(spec))
    return mark_safe(sanitise_svg(svg))  # noqa: S308  # sanitised just above


def _number(value: float | None) -> str:
    return MISSING if value is None else f"{value:g}"


def _top(values: list[float], target: float | None) -> float:
    """The top of a percentage axis: 100, or less when every value (and the target) is small
    (a dropout rate of 1% on an axis to 100 is a flat line)."""
    highest = max([*values, *([target] if target is not None else [])], default=100)
    return 100 if highest > 60 else max(5, round(highest * 1.25 + 0.5))


def _base(title: str, width: int, height: int, note: str = "") -> dict:
    return {
        "title": {"text": title, "subtitle": note} if note else title,
        "width": width,
        "height": height,
        "config": {"font": FONT, "view": {"stroke": None}},
    }


def _target_layer(target: float | None, axis: str, label: str) -> list:
    import altair as alt

    if target is None:
        return []
    data = alt.Data(values=[{"target": target, "label": label}])
    rule = alt.Chart(data).mark_rule(color="#c0392b", strokeDash=[5, 4], size=2)
    text = alt.Chart(data).mark_text(align="left", dx=4, dy=-6, color="#c0392b")
    if axis == "y":
        return [
            rule.encode(y=alt.Y("target:Q")),
            text.encode(y=alt.Y("target:Q"), text="label:N", x=alt.value(0)),
        ]
    return [rule.encode(x=alt.X("target:Q"))]


def trend_chart(
    *,
    title: str,
    points: list[tuple[str, float | None]],
    target: float | None,
    x_title: str,
    y_title: str,
    target_label: str,
    note: str = "",
) -> Chart:
    """The value of each year as a line, the target as a dashed rule; `note` under the title."""
    import altair as alt

    values = [{"year": label, "value": value} for label, value in points if value is not None]
    top = _top([value for _, value in points if value is not None], target)
    line = (
        alt.Chart(alt.Data(values=values))
        .mark_line(point=True, color="#2c6fbb")
        .encode(
            x=alt.X("year:N", title=x_title, sort=[label for label, _ in points]),
            y=alt.Y("value:Q", title=y_title, scale=alt.Scale(domain=[0, top])),
        )
    )
    labels = line.mark_text(dy=-10, color="#2c6fbb").encode(text=alt.Text("value:Q"))
    chart = alt.layer(line, labels, *_target_layer(target, "y", target_label))
    spec = chart.to_dict(validate=False) | _base(title, 420, 220, note)
    table = Table(
        headers=(x_title, y_title),
        rows=tuple((label, _number(value)) for label, value in points),
    )
    return Chart(title=title, svg=render_svg(spec), table=table, note=note)


def comparison_chart(
    *,
    title: str,
    bars: list[tuple[str, float | None]],
    target: float | None,
    category_title: str,
    value_title: str,
    target_label: str,
    extra: list[tuple[str, ...]] | None = None,
    extra_headers: tuple[str, ...] = (),
) -> Chart:
    """One horizontal bar per sub-unit, the target as a dashed rule; `extra` adds columns to
    the table (numerator and denominator, say) in the order of `bars`."""
    import altair as alt

    values = [{"unit": label, "value": value} for label, value in bars if value is not None]
    top = _top([value for _, value in bars if value is not None], target)
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar(color="#2c6fbb")
        .encode(
            y=alt.Y("unit:N", title=category_title, sort=[label for label, _ in bars]),
            x=alt.X("value:Q", title=value_title, scale=alt.Scale(domain=[0, top])),
        )
    )
    text = chart.mark_text(align="left", dx=3, color="#000").encode(text=alt.Text("value:Q"))
    layered = alt.layer(chart, text, *_target_layer(target, "x", target_label))
    spec = layered.to_dict(validate=False) | _base(title, 360, max(40, 22 * len(bars)))
    extra = extra or [() for _ in bars]
    table = Table(
        headers=(category_title, value_title, *extra_headers),
        rows=tuple(
            (label, _number(value), *more) for (label, value), more in zip(bars, extra, strict=True)
        ),
    )
    return Chart(title=title, svg=render_svg(spec), table=table)


def composition_chart(
    *, title: str, parts: list[tuple[str, int]], category_title: str, count_title: str
) -> Chart:
    """The parts of a whole as a pie (reasons for dropout, say), with their counts."""
    import altair as alt

    values = [{"part": label, "count": count} for label, count in parts if count]
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_arc()
        .encode(
            theta=alt.Theta("count:Q"),
            color=alt.Color("part:N", title=category_title),
        )
    )
    spec = chart.to_dict(validate=False) | _base(title, 220, 220)
    total = sum(count for _, count in parts)
    table = Table(
        headers=(category_title, count_title, "%"),
        rows=tuple(
            (label, str(count), _number(round(100 * count / total, 1) if total else None))
            for label, count in parts
        ),
    )
    return Chart(title=title, svg=render_svg(spec), table=table)


def svg_text(svg: str) -> list[str]:
    """The texts drawn in an SVG (for tests and accessibility checks)."""
    return [re.sub(r"\s+", " ", t).strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
