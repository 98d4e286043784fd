"""`reach serve [ADDR:PORT]`: the web UI with a background worker beside it.

Entitlement runs started from the UI are background jobs (django-tasks, database backend);
`make demo` serves through this command so that they run without a second terminal. The
worker stops when the server stops.
"""

import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve the web UI and run a background worker (reach db_worker) beside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args: object, addrport: str, **options: object) -> None:
        worker = subprocess.Popen(  # noqa: S603 - our own interpreter and command, no input
            [sys.executable, "-m", "reach.cli", "db_worker", "--no-reload"]
        )
        # Stopping the server (Ctrl+C or a TERM signal) stops the worker too.
        signal.signal(signal.SIGTERM, lambda *_args: sys.exit(0))
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
