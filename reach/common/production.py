"""The settings a production server may not start without (`settings.UNSAFE_START`): `reach
serve` and the WSGI application refuse to start while one is missing, and `reach check
--deploy` reports each as an error."""

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.exceptions import ImproperlyConfigured


def refuse_unsafe_start() -> None:
    """Raise ImproperlyConfigured naming every missing production setting."""
    unsafe = getattr(settings, "UNSAFE_START", [])
    if unsafe:
        raise ImproperlyConfigured("\n".join(unsafe))


@register(Tags.security, deploy=True)
def check_unsafe_start(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    return [Error(reason, id="reach.E001") for reason in getattr(settings, "UNSAFE_START", [])]
