"""Printable documents (public notices, payment lists, a student's archive record) as PDF.

The document is an ordinary Django template extending `print/base.html`, rendered to HTML and
laid out by WeasyPrint; the base template names the fonts that carry Vietnamese and Chinese
(installed with the system packages, see `scripts/system-packages.sh`)."""

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from reach.common.downloads import download_response

PDF = "application/pdf"


def render_pdf(template_name: str, context: dict, *, request: HttpRequest | None = None) -> bytes:
    from weasyprint import HTML  # imported late: it loads Pango, needed only for a PDF

    html = render_to_string(template_name, context, request=request)
    return HTML(string=html).write_pdf()


def pdf_response(content: bytes, *, filename: str) -> HttpResponse:
    return download_response(content, filename=filename, content_type=PDF)
