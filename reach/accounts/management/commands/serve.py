"""`reach serve [ADDR:PORT]`: the web server (gunicorn) with the background worker beside it.

Static files are collected first and served by whitenoise from gunicorn itself, so nothing
else is needed on a single server (a TLS proxy in front: docs/deploy.md). Entitlement runs
and other background jobs (django-tasks, database backend) are executed by `reach db_worker`,
started beside the server. Ctrl+C or a TERM signal stops both; if either one ends, the other is
stopped too, so a supervisor (systemd) sees the service end and restarts it whole.

Each start is audited (the command line's actor, the address, the database) before anything
is served; a database that cannot take the event (not migrated, unreachable) stops the start.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connection

from reach.accounts.choices import AuditAction
from reach.accounts.permissions import command_line_actor
from reach.accounts.services import record_operation
from reach.common.production import refuse_unsafe_start

# A worker per core and one more, twice over (gunicorn's advice), but not past what the
# database's connections and the machine's memory bear on an office server.
MAX_WORKERS = 8
THREADS = 4
STOP_SECONDS = 30
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)  # a supervisor's stop, Ctrl+C
# The folder that holds the `reach` package (reach/accounts/management/commands/serve.py).
PACKAGE_ROOT = Path(__file__).resolve().parents[4]


def default_workers(cores: int | None = None) -> int:
    """2 x cores + 1, at most MAX_WORKERS."""
    return min(2 * (cores or os.cpu_count() or 1) + 1, MAX_WORKERS)


def _positive_env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise CommandError(f"{name} must be a whole number of at least 1, not {raw!r}")
    return int(raw)


def gunicorn_command(addrport: str) -> list[str]:
    """The gunicorn command line: threaded workers sized to the machine (REACH_WORKERS and
    REACH_THREADS override), access log on standard output; further gunicorn options may
    come from GUNICORN_CMD_ARGS."""
    workers = _positive_env_int("REACH_WORKERS", default_workers())
    threads = _positive_env_int("REACH_THREADS", THREADS)
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "reach.wsgi:application",
        f"--bind={addrport}",
        "--worker-class=gthread",
        f"--workers={workers}",
        f"--threads={threads}",
        # PDF notices and exports of a district take a while; a stuck worker is still replaced.
        "--timeout=120",
        f"--graceful-timeout={STOP_SECONDS - 5}",
        "--access-logfile=-",
        # One server per user account may run several Reach instances (demo, staging).
        "--no-control-socket",
    ]


def worker_command() -> list[str]:
    """The background worker: it executes the jobs (entitlement runs) queued in the database."""
    return [sys.executable, "-m", "reach.cli", "db_worker", "--no-reload"]


class Command(BaseCommand):
    help = (
        "Serve Reach through gunicorn (whitenoise serves the collected static files) and run "
        "the background worker (reach db_worker) beside it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args: object, addrport: str, **options: object) -> None:
        try:
            refuse_unsafe_start()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        if addrport.isdigit():
            addrport = f"127.0.0.1:{addrport}"
        name = str(connection.settings_dict["NAME"])
        try:
            record_operation(
                actor=command_line_actor(),
                action=AuditAction.SERVE,
                database=name,
                details={"address": addrport, "pid": os.getpid()},
            )
        except DatabaseError as error:
            raise CommandError(
                f"the start could not be audited in the database {name} ({error}): "
                "is it reachable, and migrated (reach migrate)?"
            ) from None
        call_command("collectstatic", interactive=False, verbosity=0)
        # The children import the same Reach as this process, whatever their working folder.
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(PACKAGE_ROOT), env.get("PYTHONPATH")])
        )
        env.setdefault("DJANGO_SETTINGS_MODULE", "reach.settings")
        children = [
            # Our own interpreter and commands; the address is passed as one argument.
            subprocess.Popen(gunicorn_command(addrport), env=env),  # noqa: S603
            subprocess.Popen(worker_command(), env=env),  # noqa: S603
        ]
        self.stdout.write(f"Reach is serving on http://{addrport}/ (gunicorn and db_worker)")
        stopping = False

        def stop(signum: int, _frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        previous = {number: signal.signal(number, stop) for number in STOP_SIGNALS}
        ended: list[subprocess.Popen[bytes]] = []
        try:
            while not stopping and not ended:
                time.sleep(0.2)
                ended = [child for child in children if child.poll() is not None]
        finally:
            _stop_all(children)
            for number, handler in previous.items():
                signal.signal(number, handler)
        if ended and not stopping:
            # Neither should end by itself: a supervisor must see the service fail and restart it.
            name = "the web server" if ended[0] is children[0] else "the worker"
            raise CommandError(
                f"{name} stopped (exit status {ended[0].returncode}); the other was stopped with it"
            )


def _stop_all(children: list[subprocess.Popen[bytes]]) -> None:
    """TERM to every child still running, then wait; KILL whatever outlives STOP_SECONDS."""
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_SECONDS
    for child in children:
        try:
            child.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
