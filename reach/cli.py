"""The `reach` command: Django management with Reach's settings preset.

Messages are in English on the command line unless REACH_LANGUAGE names another language
(vi, zh-hans)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reach.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.utils import translation

    try:
        django.setup()
    except ImproperlyConfigured as error:
        # A missing production setting is the operator's to fix: say which, without a traceback.
        sys.exit(f"reach: {error}")
    translation.activate(os.environ.get("REACH_LANGUAGE", "en"))
    execute_from_command_line(["reach", *sys.argv[1:]])


if __name__ == "__main__":
    main()
