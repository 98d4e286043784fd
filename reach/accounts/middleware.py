from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

from reach.accounts.selectors import language_of


class LanguageMiddleware:
    """Each request speaks the language of its user (see `language_of`).

    Unlike Django's LocaleMiddleware, the browser's Accept-Language is not consulted: offices
    share machines, and a user's language follows them from machine to machine."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        code = language_of(
            getattr(request, "user", None), request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        )
        translation.activate(code)
        request.LANGUAGE_CODE = code
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", code)
        return response
