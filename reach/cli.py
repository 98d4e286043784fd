"""The `reach` command: Django management with Reach's settings preset."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reach.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["reach", *sys.argv[1:]])


if __name__ == "__main__":
    main()
