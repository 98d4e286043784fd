"""A printable document is a PDF laid out from a template, in Vietnamese and Chinese alike."""

import re

from reach.common.pdf import PDF, pdf_response, render_pdf


def test_a_print_template_becomes_a_pdf_with_the_vietnamese_and_chinese_fonts(tmp_path):
    template = tmp_path / "notice.html"
    template.write_text(
        '{% extends "print/base.html" %}{% block content %}'
        "<h1>Danh sách công khai — 资助公示</h1>{% endblock %}",
        encoding="utf-8",
    )
    from django.template import engines

    html = engines["django"].from_string(template.read_text(encoding="utf-8")).render({})
    from weasyprint import HTML

    content = HTML(string=html).write_pdf(uncompressed_pdf=True)
    fonts = set(re.findall(rb"/BaseFont\s*/[A-Z]{6}\+([A-Za-z-]+)", content))
    assert any(b"WenQuanYi" in name for name in fonts), fonts  # the Chinese words
    assert any(b"DejaVu" in name for name in fonts), fonts  # the Vietnamese words


def test_render_pdf_returns_pdf_bytes_and_the_response_is_an_attachment(settings, tmp_path):
    (tmp_path / "print").mkdir()
    (tmp_path / "print" / "tiny.html").write_text(
        '{% extends "print/base.html" %}{% block content %}<p>{{ word }}</p>{% endblock %}',
        encoding="utf-8",
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    content = render_pdf("print/tiny.html", {"word": "Học bổng"})
    assert content.startswith(b"%PDF-")
    response = pdf_response(content, filename="tiny.pdf")
    assert response["Content-Type"] == PDF
    assert response["Content-Disposition"] == 'attachment; filename="tiny.pdf"'
