from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

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
