from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reach.accounts import selectors, services
from reach.accounts.services import set_user_language
from reach.common.errors import DomainError


@require_POST
def set_language(request):
    """The language switch: saved on a logged-in user (so it follows them), kept in a cookie
    on this machine before anyone logs in."""
    language = request.POST.get("language", "")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.user.is_authenticated:
        try:
            set_user_language(user=request.user, language=language)
        except DomainError:
            return response
    elif language in {code for code, _name in settings.LANGUAGES}:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    return response


def lockout_message() -> str:
    return _(
        "Too many wrong passwords: this account is locked on this computer for %(minutes)s "
        "minutes. Wait and try again, or ask your office's Reach administrator to unlock it."
    ) % {"minutes": settings.REACH_LOGIN_COOLOFF_MINUTES}


def locked_out(request, original_response=None, credentials=None) -> HttpResponse:
    """What a locked-out login is answered (axes' lock-out callable): the page says so
    plainly; the API's token endpoint has already answered with its own 429."""
    if original_response is not None and original_response.status_code == 429:
        return original_response
    return render(
        request,
        "accounts/locked_out.html",
        {"message": lockout_message()},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


@require_GET
@login_required
def token_list(request):
    """The user's API tokens, with a form to create one and a button to revoke each."""
    return _render_tokens(request)


def _render_tokens(request, secret: str = "", status: int = 200) -> HttpResponse:
    tokens = selectors.list_api_tokens_for_user(request.user)
    return render(
        request,
        "accounts/tokens.html",
        {"tokens": tokens, "secret": secret, "days": settings.REACH_TOKEN_DAYS},
        status=status,
    )


@require_POST
@login_required
def token_create(request):
    """Issue a token; its secret is on this one response and never shown again."""
    name = request.POST.get("name", "")[:100]
    issued = services.issue_api_token(user=request.user, name=name)
    return _render_tokens(request, secret=issued.secret)


@require_POST
@login_required
def token_revoke(request):
    """Revoke the token named by the form's `token` (the user's own; another's is a 404)."""
    token_id = request.POST.get("token", "")
    if not token_id.isdigit():
        raise Http404("no such API token")
    token = selectors.get_api_token_for_user(request.user, int(token_id))
    services.revoke_api_token(actor=request.user, token=token)
    messages.success(request, _("The API token was revoked."))
    return redirect(reverse("accounts:tokens"))
