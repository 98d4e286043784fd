"""Every file Reach sends for download (a spreadsheet, a CSV, a PDF) goes out one way: as an
attachment, never stored by the browser or a proxy on the way (`Cache-Control: no-store`), so
a list of children's names does not stay behind on an office's shared machine."""

from django.http import HttpResponse, QueryDict
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header

CSV = "text/csv; charset=utf-8"
NOT_FILTERS = frozenset({"format", "page"})


def download_response(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    """An attachment named `filename`, marked no-store."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    add_never_cache_headers(response)  # no-store, no-cache, private, max-age=0
    return response


def export_filters(query: QueryDict, **more: object) -> dict[str, object]:
    """The filters of an export, for its audit event: the query's parameters (not the format
    or the page) and `more` (the ids in the path)."""
    filters: dict[str, object] = {
        key: value for key, value in query.items() if key not in NOT_FILTERS and value
    }
    filters.update(more)
    return filters
