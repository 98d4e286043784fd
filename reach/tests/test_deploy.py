"""Reach as an IT officer runs it: settings from the environment that refuse an unsafe start,
`reach check --deploy` silent under production settings, `reach serve` (gunicorn, whitenoise
and the background worker, stopping together) and a backup restored end to end.

Each case runs `reach` in a subprocess with an environment of its own, as a server would."""

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connections

from reach.accounts.choices import AuditAction
from reach.accounts.models import AuditEvent
from reach.accounts.services import create_member

ROOT = Path(__file__).resolve().parents[2]  # the folder that holds the `reach` package

PRODUCTION = {
    "REACH_SECRET_KEY": secrets.token_urlsafe(50),
    "REACH_ALLOWED_HOSTS": "reach.example.edu.vn",
    "REACH_HTTPS": "1",
}


def clean_env(tmp_path: Path, **variables: str) -> dict[str, str]:
    """This process's environment without any of Reach's or Django's settings (the test suite
    runs as a demo, and its browser tests allow async-unsafe calls), a database of the test's
    own, and `variables`."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("REACH_", "DJANGO_")) and name != "DATABASE_URL"
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'reach.sqlite3'}"
    env["REACH_VAR_DIR"] = str(tmp_path / "var")
    env.update(variables)
    return env


def reach(*args: str, env: dict[str, str], timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-m", "reach.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def settings_under(env: dict[str, str], *names: str) -> dict:
    """The values of settings `names` as Reach reads them from `env`."""
    script = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}))"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "reach.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


# --- Settings ---------------------------------------------------------------------------------


def test_check_deploy_under_production_settings_reports_no_warning(tmp_path):
    result = reach(
        "check", "--deploy", "--fail-level", "WARNING", env=clean_env(tmp_path, **PRODUCTION)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_check_deploy_warns_when_https_is_not_turned_on(tmp_path):
    production_over_http = {**PRODUCTION, "REACH_HTTPS": ""}
    result = reach(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=clean_env(tmp_path, **production_over_http),
    )
    assert result.returncode != 0
    assert "security.W008" in result.stderr  # SECURE_SSL_REDIRECT


@pytest.mark.parametrize(
    ("missing", "named"),
    [("REACH_SECRET_KEY", "REACH_SECRET_KEY"), ("REACH_ALLOWED_HOSTS", "REACH_ALLOWED_HOSTS")],
)
def test_production_refuses_to_start_without_a_setting_and_names_it(tmp_path, missing, named):
    env = clean_env(tmp_path, **{k: v for k, v in PRODUCTION.items() if k != missing})
    result = reach("serve", "127.0.0.1:0", env=env)
    assert result.returncode != 0
    assert named in result.stderr
    assert "refuses to start" in result.stderr
    assert "Traceback" not in result.stderr  # a plain message, for the operator to act on
    deploy = reach("check", "--deploy", env=env)
    assert deploy.returncode != 0 and "reach.E001" in deploy.stderr and named in deploy.stderr


def test_the_wsgi_application_refuses_to_start_without_a_production_setting(tmp_path):
    env = clean_env(tmp_path, **{k: v for k, v in PRODUCTION.items() if k != "REACH_SECRET_KEY"})
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", "import reach.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "REACH_SECRET_KEY" in result.stderr


def test_commands_that_serve_no_one_run_without_the_production_settings(tmp_path):
    """A fresh checkout with no environment still checks its migrations and models."""
    env = clean_env(tmp_path)
    result = reach("makemigrations", "--check", "--dry-run", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_production_refuses_the_built_in_secret_key_even_when_given_explicitly(tmp_path):
    from django.conf import settings

    env = clean_env(tmp_path, **{**PRODUCTION, "REACH_SECRET_KEY": settings.DEMO_SECRET_KEY})
    result = reach("serve", "127.0.0.1:0", env=env)
    assert result.returncode != 0
    assert "REACH_SECRET_KEY" in result.stderr


def test_a_demo_starts_with_the_built_in_key_on_local_host_names_only(tmp_path):
    env = clean_env(tmp_path, REACH_DEMO="1")
    assert reach("check", env=env).returncode == 0
    values = settings_under(env, "DEBUG", "ALLOWED_HOSTS")
    assert values == {"DEBUG": False, "ALLOWED_HOSTS": ["127.0.0.1", "localhost", "testserver"]}


@pytest.mark.parametrize(("flag", "debug"), [("", False), ("0", False), ("1", True)])
def test_debug_is_off_unless_reach_debug_is_1(tmp_path, flag, debug):
    env = clean_env(tmp_path, **PRODUCTION, REACH_DEBUG=flag)
    assert settings_under(env, "DEBUG")["DEBUG"] is debug


def test_reach_https_turns_on_secure_cookies_hsts_ssl_redirect_and_the_proxy_header(tmp_path):
    names = (
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
    )
    over_https = settings_under(clean_env(tmp_path, **PRODUCTION), *names)
    assert over_https == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_HSTS_SECONDS": 365 * 24 * 3600,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": False,
    }
    over_http = settings_under(clean_env(tmp_path, **{**PRODUCTION, "REACH_HTTPS": "0"}), *names)
    assert over_http["SESSION_COOKIE_SECURE"] is False
    assert over_http["SECURE_SSL_REDIRECT"] is False
    assert over_http["SECURE_HSTS_SECONDS"] == 0
    assert over_http["SECURE_PROXY_SSL_HEADER"] is None


@pytest.mark.parametrize(("hours", "seconds"), [(None, 8 * 3600), ("2", 2 * 3600)])
def test_a_session_lasts_reach_session_hours_and_ends_when_the_browser_closes(
    tmp_path, hours, seconds
):
    extra = {"REACH_SESSION_HOURS": hours} if hours else {}
    env = clean_env(tmp_path, **PRODUCTION, **extra)
    values = settings_under(env, "SESSION_COOKIE_AGE", "SESSION_EXPIRE_AT_BROWSER_CLOSE")
    assert values == {"SESSION_COOKIE_AGE": seconds, "SESSION_EXPIRE_AT_BROWSER_CLOSE": True}


@pytest.mark.parametrize("password", ["demo", "short1", "1234567890123", "password1234"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_uncommon_passphrase_is_accepted():
    validate_password("ward committee keeps 7 lists")


@pytest.mark.django_db
def test_the_demo_accounts_keep_their_short_password_which_bypasses_the_validators():
    user = create_member(username="ward01", password="demo", role="ward_officer", scope=None)
    assert user.check_password("demo")


# --- A real server ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory) -> Path:
    """A SQLite database file with every migration applied, copied by each test that needs one."""
    folder = tmp_path_factory.mktemp("migrated")
    result = reach("migrate", "--noinput", env=clean_env(folder, REACH_DEMO="1"))
    assert result.returncode == 0, result.stderr
    return folder / "reach.sqlite3"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children_of(pid: int) -> dict[int, str]:
    """The child processes of `pid` with their command lines (Linux /proc)."""
    listed = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return {
        int(child): Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        for child in listed
    }


def is_running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def fetch(url: str, **headers: str):
    return urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30)  # noqa: S310


def wait_for(url: str, process: subprocess.Popen, seconds: int = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "reach serve ended before it answered"
        try:
            fetch(url)
            return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"reach serve did not answer at {url} within {seconds} s")


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads processes from /proc")
def test_serve_runs_gunicorn_with_whitenoise_and_the_worker_and_sigterm_stops_both(
    tmp_path, migrated_sqlite
):
    shutil.copy(migrated_sqlite, tmp_path / "reach.sqlite3")
    env = clean_env(tmp_path, REACH_DEMO="1", REACH_WORKERS="1", REACH_THREADS="2")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-m", "reach.cli", "serve", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(f"{base}/login/", server)
        children = children_of(server.pid)
        assert any("gunicorn" in command for command in children.values()), children
        assert any("db_worker" in command for command in children.values()), children

        login = fetch(f"{base}/login/")
        assert login.status == 200
        assert "gunicorn" in login.headers.get("Server", "")
        stylesheet = re.search(r"/static/reach/[\w/.-]+\.[0-9a-f]{12}\.css", login.read().decode())
        assert stylesheet, "the login page links no stylesheet with a hashed name"
        static = fetch(base + stylesheet.group(0), **{"Accept-Encoding": "gzip"})
        assert static.status == 200
        assert static.headers["Content-Encoding"] == "gzip"
        assert "immutable" in static.headers["Cache-Control"]
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=90)[0].decode()
    assert server.returncode == 0, output
    assert not [pid for pid in children if is_running(pid)], output
    (started,) = operations(env)
    assert (started["action"], started["actor"]) == ("serve", "reach")
    assert started["address"] == f"127.0.0.1:{port}"


def sleeper(pid_file: Path, exit_after: float | None = None, status: int = 0) -> list[str]:
    """A stand-in child that writes its pid, then sleeps (or ends with `status`)."""
    ending = f"time.sleep({exit_after}); sys.exit({status})" if exit_after else "time.sleep(120)"
    script = f"import os, sys, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); {ending}"
    return [sys.executable, "-c", script]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("server_exit", "worker_exit", "named"),
    [(None, 2, "the worker stopped"), (2, None, "the web server stopped")],
)
def test_serve_stops_the_other_process_and_fails_when_one_of_them_ends(
    tmp_path, monkeypatch, server_exit, worker_exit, named
):
    from django.core.management import CommandError, call_command

    from reach.accounts.management.commands import serve

    monkeypatch.setattr(serve, "call_command", lambda *args, **kwargs: None)  # no collectstatic
    server_pid, worker_pid = tmp_path / "server.pid", tmp_path / "worker.pid"
    monkeypatch.setattr(serve, "gunicorn_command", lambda _a: sleeper(server_pid, server_exit))
    monkeypatch.setattr(serve, "worker_command", lambda: sleeper(worker_pid, worker_exit, 3))
    sigint_before = signal.getsignal(signal.SIGINT)
    with pytest.raises(CommandError, match=named):
        call_command("serve", "127.0.0.1:1")
    pids = [int(path.read_text()) for path in (server_pid, worker_pid)]
    assert not [pid for pid in pids if is_running(pid)]
    assert signal.getsignal(signal.SIGINT) is sigint_before  # Ctrl+C is the caller's again
    (started,) = AuditEvent.objects.filter(action=AuditAction.SERVE)
    assert (started.actor_id, started.actor_name, started.object_type) == (
        None,
        "reach",
        "database",
    )
    assert started.after["address"] == "127.0.0.1:1"
    assert started.after["database"] == connections["default"].settings_dict["NAME"]


def test_serve_refuses_to_start_when_its_start_cannot_be_audited(tmp_path):
    env = clean_env(tmp_path, REACH_DEMO="1")  # a database file that was never migrated
    result = reach("serve", "127.0.0.1:0", env=env)
    assert result.returncode != 0
    assert "could not be audited" in result.stderr and "reach migrate" in result.stderr


def test_the_worker_count_follows_the_cores_and_is_capped():
    from reach.accounts.management.commands.serve import MAX_WORKERS, default_workers

    assert default_workers(1) == 3
    assert default_workers(2) == 5
    assert default_workers(64) == MAX_WORKERS


# --- Backups ----------------------------------------------------------------------------------


def usernames(env: dict[str, str]) -> list[str]:
    script = (
        "from reach.accounts.models import User; "
        "print('USERS=' + ','.join(sorted(User.objects.values_list('username', flat=True))))"
    )
    result = reach("shell", "-c", script, env=env)
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("USERS="))
    return [name for name in line.removeprefix("USERS=").split(",") if name]


def add_user(env: dict[str, str], username: str) -> None:
    script = f"from reach.accounts.models import User; User.objects.create(username={username!r})"
    result = reach("shell", "-c", script, env=env)
    assert result.returncode == 0, result.stderr


def operations(env: dict[str, str]) -> list[dict]:
    """The audited operations on the whole database, oldest first."""
    script = (
        "import json; from reach.accounts.models import AuditEvent; "
        "print('EVENTS=' + json.dumps([[e.action, e.actor_name, e.object_type, e.after] for e in "
        "AuditEvent.objects.filter(object_type='database').order_by('id')]))"
    )
    result = reach("shell", "-c", script, env=env)
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("EVENTS="))
    return [
        {"action": action, "actor": actor, "type": kind, **after}
        for action, actor, kind, after in json.loads(line.removeprefix("EVENTS="))
    ]


def backup_and_restore(env: dict[str, str], backup: Path, database: str) -> None:
    """Record `kept`, back up, record `lost`, restore: only `kept` remains; the backup is audited
    in the live database, the restore in the restored one."""
    add_user(env, "kept")
    result = reach("backup", str(backup), env=env)
    assert result.returncode == 0, result.stderr
    assert backup.stat().st_size > 0
    (backed_up,) = operations(env)
    assert backed_up["action"] == "backup" and backed_up["actor"] == "reach"
    assert (backed_up["file"], backed_up["database"]) == (str(backup), database)
    assert backed_up["bytes"] == backup.stat().st_size and backed_up["machine_user"]
    add_user(env, "lost")
    assert usernames(env) == ["kept", "lost"]
    result = reach("restore", "--noinput", str(backup), env=env)
    assert result.returncode == 0, result.stderr
    assert usernames(env) == ["kept"]
    # The backup's event came after the backup was taken: the restored database holds the
    # restore's own, naming the file its records came back from.
    (restored,) = operations(env)
    assert (restored["action"], restored["actor"], restored["type"]) == (
        "restore",
        "reach",
        "database",
    )
    assert (restored["file"], restored["database"]) == (str(backup), database)


def test_a_sqlite_backup_restores_the_database_as_it_was(tmp_path, migrated_sqlite):
    shutil.copy(migrated_sqlite, tmp_path / "reach.sqlite3")
    backup = tmp_path / "backups" / "reach.sqlite3"
    backup_and_restore(clean_env(tmp_path, REACH_DEMO="1"), backup, str(tmp_path / "reach.sqlite3"))
    assert not backup.with_name(backup.name + "-wal").exists()  # one self-contained file


def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(tmp_path, migrated_sqlite):
    shutil.copy(migrated_sqlite, tmp_path / "reach.sqlite3")
    env = clean_env(tmp_path, REACH_DEMO="1")
    add_user(env, "kept")
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("not a database")
    result = reach("restore", "--noinput", str(not_a_backup), env=env)
    assert result.returncode != 0
    assert "not a SQLite backup of Reach" in result.stderr
    assert usernames(env) == ["kept"]
    assert operations(env) == []  # a refused restore is not one


def test_a_postgresql_backup_restores_the_database_as_it_was(tmp_path):
    settings = connections["default"].settings_dict
    if connections["default"].vendor != "postgresql":
        pytest.skip("the suite runs on SQLite: set DATABASE_URL to a PostgreSQL database")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump / pg_restore are not installed (apt-get install postgresql-client)")
    import psycopg

    # A scratch database beside the configured one (the test database is in use by the suite).
    scratch = f"{settings['NAME'].removeprefix('test_')}_backup_test"
    server = {
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
        "user": settings["USER"] or None,
        "password": settings["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{scratch}"')
    try:
        credentials = server["user"] or ""
        if server["password"]:
            credentials += f":{server['password']}"
        location = f"{server['host'] or 'localhost'}:{server['port'] or 5432}"
        url = f"postgres://{credentials}@{location}/{scratch}"
        env = clean_env(tmp_path, REACH_DEMO="1", DATABASE_URL=url)
        assert reach("migrate", "--noinput", env=env).returncode == 0
        backup_and_restore(env, tmp_path / "reach.pgdump", scratch)
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
