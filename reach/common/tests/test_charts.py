"""Charts: one Vega-Lite specification rendered to inline SVG with its values drawn as text,
the table of those values beside it, and nothing executable left in the SVG."""

import re

from reach.common.charts import (
    comparison_chart,
    composition_chart,
    sanitise_svg,
    svg_text,
    trend_chart,
)


def test_a_trend_chart_draws_its_values_target_and_chinese_and_vietnamese_labels():
    chart = trend_chart(
        title="Trẻ em đi học đúng độ tuổi 适龄入学",
        points=[("2023–2024", 84.5), ("2024–2025", None), ("2025–2026", 88.0)],
        target=90,
        x_title="Năm học",
        y_title="%",
        target_label="Mục tiêu ≥ 90%",
    )
    texts = svg_text(chart.svg)
    assert {"84.5", "88", "Mục tiêu ≥ 90%", "Trẻ em đi học đúng độ tuổi 适龄入学"} <= set(texts)
    assert chart.table.rows == (("2023–2024", "84.5"), ("2024–2025", "—"), ("2025–2026", "88"))
    assert "<script" not in chart.svg and "style=" not in chart.svg


def test_a_comparison_chart_has_a_bar_per_unit_and_the_counts_in_its_table():
    chart = comparison_chart(
        title="Theo phường",
        bars=[("Thạnh Xuân", 100.0), ("贵定县", 66.7)],
        target=90,
        category_title="Đơn vị",
        value_title="%",
        target_label="90%",
        extra=[("1", "1"), ("2", "3")],
        extra_headers=("n", "N"),
    )
    assert {"Thạnh Xuân", "贵定县", "100", "66.7"} <= set(svg_text(chart.svg))
    assert chart.table.rows == (("Thạnh Xuân", "100", "1", "1"), ("贵定县", "66.7", "2", "3"))


def test_a_composition_chart_shows_each_part_and_its_share():
    chart = composition_chart(
        title="Lý do bỏ học",
        parts=[("Kinh tế", 3), ("Xa trường", 1)],
        category_title="Lý do",
        count_title="n",
    )
    assert {"Kinh tế", "Xa trường"} <= set(svg_text(chart.svg))
    assert chart.table.rows == (("Kinh tế", "3", "75"), ("Xa trường", "1", "25"))


def test_sanitise_drops_scripts_handlers_styles_and_foreign_content():
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)" width="10">'
        '<script>alert(2)</script><g style="fill:red" onclick="x()"><text x="1">ok</text></g>'
        "<foreignObject><div>html</div></foreignObject>"
        '<a href="javascript:alert(3)"><text>link</text></a></svg>'
    )
    clean = sanitise_svg(svg)
    assert not re.search(r"script|onload|onclick|style=|foreignObject|javascript|<a", clean)
    assert ">ok</text>" in clean and 'width="10"' in clean
