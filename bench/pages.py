"""Serve a generated district through the real server and time each main page and API list.

    python -m bench.pages --persons 1000000 [--requests 20]

On a fresh SQLite file in a temporary directory (DATABASE_URL is ignored): the demo units and
schools, `--persons` persons generated in District 12 (school year 2024), a district office
user and a ward officer. `reach serve` then serves it as production does (gunicorn, whitenoise,
DEBUG off) and each page and API list is requested `--requests` times in a row by each user
(after one request to warm it), one request at a time, through a real socket. Printed per page
and user: the median and 95th percentile in milliseconds and the response size.

Baseline, measured in the same run: the login page, which reads no records: the floor of the
server itself (routing, middleware, templates, the socket). Goal (issue "Fast at every size"):
every page and API list under 300 ms at the 95th percentile at 1,000,000 persons.

The generated district has households, persons, poverty statuses and enrolments; it has no
runs, payments or cases, so the pages of those list nothing here and are not measured.
"""

import argparse
import http.client
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench import set_up_django

GOAL_MS = 300
PORT = 8731


@dataclass(frozen=True)
class Timing:
    user: str
    path: str
    status: int
    median_ms: float
    p95_ms: float
    size_kb: float


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def _session_cookie(user) -> str:
    """A signed-in session for `user`, written to the session store as a login would."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _users():
    from reach.accounts.models import Membership, User
    from reach.geo.models import Unit

    made = {}
    for name, role, code in (("district", "office", "761"), ("ward", "ward_officer", "26734")):
        user = User.objects.create_user(username=f"bench-{name}", password="unused")
        Membership.objects.create(user=user, role=role, unit=Unit.objects.get(code=code))
        made[name] = user
    return made


def _paths(user_name: str) -> list[str]:
    """The main pages and API lists a user of that level opens, with a household and a person
    of their own."""
    from reach.registry.models import Household, Person

    ward = "26734"
    household = Household.objects.filter(unit__code=ward).order_by("pk").first()
    person = Person.objects.filter(household=household).order_by("pk").first()
    assert household is not None and person is not None, "the ward has no households"
    unit = "761" if user_name == "district" else ward
    return [
        "/",
        "/units/",
        "/households/",
        f"/households/?unit={ward}",
        f"/households/{household.pk}/",
        f"/persons/{person.pk}/",
        "/indicators/",
        f"/indicators/persons/?unit={unit}",
        "/indicators/out-of-school/",
        "/cases/",
        "/runs/",
        "/payments/budget/",
        "/payments/coverage/",
        "/plans/",
        "/funds/",
        "/intake/",
        "/api/v1/households",
        f"/api/v1/households/{household.pk}",
        f"/api/v1/persons/{person.pk}",
        "/api/v1/indicators",
        "/api/v1/indicators/persons",
        "/api/v1/cases",
        "/api/v1/runs",
    ]


def _serve(var_dir: str) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(REACH_VAR_DIR=var_dir, REACH_DEMO="1", REACH_DEBUG="0")
    env.pop("DATABASE_URL", None)
    reach = Path(sys.executable).with_name("reach")
    log = open(Path(var_dir) / "serve.log", "w")  # noqa: SIM115  # closed with the process
    process = subprocess.Popen(  # noqa: S603  # our own command
        [str(reach), "serve", f"127.0.0.1:{PORT}"], env=env, stdout=log, stderr=log
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
            connection.request("GET", "/login/")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise SystemExit(f"reach serve did not answer within 120 s: see {log.name}")


def _time(path: str, cookie: str, requests: int) -> tuple[int, list[float], int]:
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=300)
    headers = {"Cookie": cookie, "Accept-Language": "vi"}
    samples, status, size = [], 0, 0
    for index in range(requests + 1):
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        status, size = response.status, len(body)
        if index:  # the first request warms the worker's caches
            samples.append(elapsed)
    connection.close()
    return status, samples, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="reach-bench-") as var_dir:
        set_up_django(var_dir)
        from django.db import connection

        from reach.accounts.permissions import command_line_actor
        from reach.geo.models import Unit
        from reach.geo.services import DATA_DIR, load_schools, load_units
        from reach.registry.generate import generate_households, profile_for

        load_units(actor=command_line_actor(), path=DATA_DIR / "units-demo.csv")
        load_schools(actor=command_line_actor(), path=DATA_DIR / "schools-demo.csv")
        unit = Unit.objects.get(code="761")
        households = math.ceil(args.persons / profile_for(unit).mean_household_size * 1.005)
        started = time.perf_counter()
        generated = generate_households(unit=unit, households=households, seed=args.seed)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"generated: {generated.persons} persons in {generated.households} households "
            f"({time.perf_counter() - started:.0f} s); machine: {os.cpu_count()} cores, "
            f"SQLite {connection.Database.sqlite_version}",
            flush=True,
        )
        users = _users()
        cookies = {name: _session_cookie(user) for name, user in users.items()}
        paths = {name: _paths(name) for name in users}
        connection.close()

        server = _serve(var_dir)
        try:
            _status, floor_samples, _size = _time("/login/", "", args.requests)
            timings = []
            for name in users:
                for path in paths[name]:
                    status, samples, size = _time(path, cookies[name], args.requests)
                    timing = Timing(
                        name,
                        path,
                        status,
                        statistics.median(samples),
                        _percentile(samples, 0.95),
                        size / 1024,
                    )
                    timings.append(timing)
                    mark = "" if timing.p95_ms < GOAL_MS and status == 200 else "  <-- over"
                    print(
                        f"{name:<9} {path:<40} {status} median {timing.median_ms:7.1f} ms  "
                        f"p95 {timing.p95_ms:7.1f} ms  {timing.size_kb:7.1f} kB{mark}",
                        flush=True,
                    )
        finally:
            server.terminate()
            server.wait(timeout=30)

    floor = _percentile(floor_samples, 0.95)
    worst = max(timings, key=lambda t: t.p95_ms)
    failed = [t for t in timings if t.status != 200]
    under = sum(1 for t in timings if t.p95_ms < GOAL_MS and t.status == 200)
    print(
        f"persons={generated.persons} pages={len(timings)} under_goal={under} "
        f"failed={len(failed)} worst_p95_ms={worst.p95_ms:.0f} "
        f"worst_page={worst.user}:{worst.path} floor_p95_ms={floor:.1f} "
        f"worst_ratio_to_floor={worst.p95_ms / floor:.0f} goal_ms={GOAL_MS}"
    )


if __name__ == "__main__":
    main()
