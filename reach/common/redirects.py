"""Where a page sends the user back to: a `next` address from a form or a query string is
followed only when it stays on this site, so a link cannot turn Reach into a redirector."""

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, target: str | None) -> str | None:
    """`target` if it is an address on this site (same host, no other scheme), else None."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def redirect_to_next(request: HttpRequest, default: str, **kwargs: object) -> HttpResponseRedirect:
    """Redirect to the `next` field of a POST (or of the query string of a GET) when it is safe,
    else to `default` (a URL name, resolved with `kwargs`)."""
    source = request.POST if request.method == "POST" else request.GET
    target = safe_next(request, source.get("next"))
    if target is not None:
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(resolve_url(default, **kwargs))
