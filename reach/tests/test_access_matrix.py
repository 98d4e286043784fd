"""The access matrix, generated: every page and API operation that reads, as every role, on
records inside and outside the role's scope. Nothing outside a role's scope may reach it.

The endpoints come from the URL conf and the OpenAPI document, not from a list kept by hand:
a new page or operation is in the matrix the day it is added. A path parameter the matrix
does not know fails the test until the `matrix` fixture (or `UNSCOPED`) says which records
it names, and so how the endpoint is scoped. A read answered 200 is then searched for the
names of every person and household the role may not see (in HTML, JSON, CSV and the text of
.xlsx sheets); a record outside the scope must be answered 403 or 404.
"""

import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from python_calamine import CalamineWorkbook

from reach.accounts.scoping import restrict
from reach.accounts.tests.factories import MembershipFactory, UserFactory
from reach.api import api
from reach.casework.models import Campaign
from reach.casework.tests.factories import DropoutCaseFactory, WorkGroupFactory
from reach.crosscheck.models import CrosscheckRun, Finding
from reach.entitlements.models import EntitlementLine, Objection
from reach.entitlements.services import run_entitlements
from reach.entitlements.services.workflow import approve_run, publish_run, submit_run
from reach.funds.models import SponsorNotice
from reach.funds.services import DonationInput, record_donation, spend_to_student
from reach.funds.services.round_objections import record_round_objection
from reach.funds.services.rounds import (
    RoundInput,
    approve_round,
    create_round,
    draw_candidates,
    nominate,
    publish_round,
    submit_round,
)
from reach.funds.services.sponsorships import create_sponsorship
from reach.funds.tests.factories import DonorFactory, FundFactory
from reach.geo.tests.factories import SchoolFactory
from reach.learning.models import Board, Commendation, Event, Participant, Registration
from reach.learning.tests.factories import CourseFactory, CriteriaSetFactory
from reach.payments.services.background import KIND as PAYMENTS
from reach.plans.models import PlanTaskImport, Target, TaskUpdate
from reach.plans.tests.factories import PlanFactory, PlanTaskFactory
from reach.policy.calc import default_policies_dir
from reach.policy.services import load_policies_dir
from reach.registry.models import Household, ImportBatch, Person
from reach.reports.services import open_report, submit_report
from reach.schoolsupport.tests.factories import SchoolPairingFactory, SchoolProjectFactory

pytestmark = pytest.mark.django_db

# Where each role stands: the places whose records it must be able to read (inside) and
# those it must never read (outside). A place is a ward or town, a country's run or
# campaign, or the import batch of one office.
INSIDE_OUTSIDE = {
    "admin": ({"ward1", "ward2", "town", "vn", "cn", "batch_vn", "batch_cn"}, set()),
    "district": ({"ward1", "ward2", "vn", "batch_vn"}, {"town", "cn", "batch_cn"}),
    "ward01": ({"ward1", "vn"}, {"ward2", "town", "cn", "batch_vn", "batch_cn"}),
    "school01": ({"ward1", "vn"}, {"ward2", "town", "cn", "batch_vn", "batch_cn"}),
    "viewer": ({"ward1", "ward2", "vn"}, {"town", "cn", "batch_vn", "batch_cn"}),
    "county": ({"town", "cn", "batch_cn"}, {"ward1", "ward2", "vn", "batch_vn"}),
    "nobody": (set(), {"ward1", "ward2", "town", "vn", "cn", "batch_vn", "batch_cn"}),
}
# The ward (or town) each role works in, and one outside its scope, to ask list pages and
# downloads for (`?unit=`, `?ward=`, `?school=`).
OWN_PLACES = {
    "admin": ("ward1", "town"),
    "district": ("ward1",),
    "ward01": ("ward1",),
    "school01": ("ward1",),
    "viewer": ("ward1",),
    "county": ("town",),
}
FOREIGN_PLACE = {
    "admin": None,
    "district": "town",
    "ward01": "ward2",
    "school01": "ward2",
    "viewer": "town",
    "county": "ward1",
    "nobody": "ward1",
}
# Records a role may read although they are not its own, and why.
NOT_EXPECTED_INSIDE = {
    # Work groups belong to a ward's or county's office; school staff meet them on their cases.
    ("school01", "group_id"),
    # A campaign belongs to the office that runs it, seen at its unit and above.
    ("ward01", "campaign_id"),
    ("school01", "campaign_id"),
    # A learning-title registration is the ward's (its board's); school staff see their own
    # school's registration only.
    ("school01", "registration_id"),
}


@dataclass
class Matrix:
    """The records each parameter can name, by place."""

    places: dict[str, dict[str, object]] = field(default_factory=dict)


def _ids(mapping: dict[str, object]) -> dict[str, object]:
    return {place: getattr(obj, "pk", obj) for place, obj in mapping.items()}


@pytest.fixture
def matrix(world, settings, tmp_path) -> Matrix:
    """The world of `reach/conftest.py` with, in each country, a published run, a case per
    pupil, a work group per ward or town, a campaign and an import batch."""
    world.users["viewer"] = MembershipFactory(
        user=UserFactory(username="viewer"), role="viewer", unit=world.units["d12"]
    ).user
    Household.objects.filter(pk=world.households["commuter"].pk).update(head_name="Head commuter")
    load_policies_dir(path=default_policies_dir())
    admin = world.users["admin"]
    runs = {}
    for place, policies, unit, checker in [
        ("vn", ["vn-poverty-education"], "d12", "district"),
        ("cn", ["cn-national-student-aid", "cn-guiding-2015"], "county", "county"),
    ]:
        run = run_entitlements(policy_codes=policies, school_year=2024, unit=world.units[unit])
        run = approve_run(run=submit_run(run=run, actor=admin), actor=world.users[checker])
        runs[place] = run
    publish_run(run=runs["vn"], actor=world.users["district"])
    publish_run(run=runs["cn"], actor=world.users["county"])
    persons = {key: world.persons[key] for key in ("ward1", "ward2", "town")}
    cases = {key: DropoutCaseFactory(person=person) for key, person in persons.items()}
    groups = {key: WorkGroupFactory(unit=world.units[key]) for key in ("ward1", "ward2", "town")}
    campaigns = {
        place: Campaign.objects.create(
            name=f"Back to school {place}",
            kind="after_summer",
            unit=world.units[unit],
            school_year=2024,
            starts_on=dt.date(2024, 8, 15),
            ends_on=dt.date(2024, 9, 30),
        )
        for place, unit in (("vn", "d12"), ("cn", "county"))
    }
    batches = {
        place: ImportBatch.objects.create(filename=f"{place}.xlsx", created_by=world.users[user])
        for place, user in (("batch_vn", "district"), ("batch_cn", "county"))
    }
    payment_batches = {
        place: ImportBatch.objects.create(
            kind=PAYMENTS, filename=f"{place}.xlsx", created_by=world.users[user]
        )
        for place, user in (("batch_vn", "district"), ("batch_cn", "county"))
    }
    households = {key: world.households[key] for key in ("ward1", "ward2", "town")}
    objections = {
        key: Objection.objects.create(
            line=EntitlementLine.objects.filter(person=person).first(),
            raised_by="A parent",
            reason="The amount is wrong",
            recorded_by=admin,
        )
        for key, person in persons.items()
    }
    funds, donations, donors = {}, {}, {}
    for key in ("ward1", "ward2", "town"):
        fund = FundFactory(code=f"FUND-{key}", unit=world.units[key])
        funds[key] = fund
        donors[key] = DonorFactory(unit=world.units[key], name=f"Donor {key}")
        donations[key] = record_donation(
            actor=admin,
            fund=fund,
            gift=DonationInput(
                kind="receipt",
                form="cash",
                received_on=dt.date(2024, 10, 1),
                donor_id=donors[key].pk,
                amount_minor=1_000_000,
            ),
        )
        # Each fund pays its place's pupil; the ward's fund also the commuter, who lives in
        # the other ward: a fund's page names only the pupils its reader may see.
        pupils = [key, "commuter"] if key == "ward1" else [key]
        for pupil in pupils:
            spend_to_student(
                actor=admin,
                fund=fund,
                recipient_id=world.persons[pupil].pk,
                amount_minor=100_000,
                idempotency_key=f"{key}-{pupil}",
                occurred_on=dt.date(2024, 10, 2),
            )
    # rounds (issue 19): a scholarship round per fund, drawn; the ward's also has the commuter
    # (nominated by the school, living in the other ward) and is approved and published.
    rounds = {}
    for key, fund in funds.items():
        rounds[key] = create_round(
            actor=admin,
            fund=fund,
            data=RoundInput(
                code=f"ROUND-{key}",
                names={"en": f"Round {key}"},
                school_year=2024,
                budget_minor=10_000_000,
                criteria={"field": "household_status", "op": "in", "value": ["poor", "near_poor"]},
                score_rules=[{"when": {"field": "orphan", "op": "is_false"}, "points": 10}],
                tiers=[{"min_score": 0, "amount_minor": 100_000}],
            ),
        )
        draw_candidates(actor=admin, round_=rounds[key])
    nominate(actor=admin, round_=rounds["ward1"], person_id=world.persons["commuter"].pk)
    submit_round(actor=admin, round_=rounds["ward1"])
    approve_round(actor=world.users["district"], round_=rounds["ward1"])
    publish_round(actor=admin, round_=rounds["ward1"])
    for key in ("ward1", "commuter"):  # objections to its notice: each seen as its pupil is
        record_round_objection(
            actor=admin, round_=rounds["ward1"], raised_by="-", reason="-",
            candidate_id=rounds["ward1"].candidates.get(person=world.persons[key]).pk,
        )  # fmt: skip
    # sponsorships (issue 19): each fund's donor sponsors its place's pupil, with a letter
    sponsorships = {}
    for key in ("ward1", "ward2", "town"):
        sponsorship = create_sponsorship(
            actor=admin,
            fund=funds[key],
            donor_id=donors[key].pk,
            person_id=world.persons[key].pk,
            amount_minor=100_000,
            rhythm="term",
            starts_on=dt.date(2024, 9, 1),
            ends_on=dt.date(2025, 5, 31),
            fallback="office_proposes",
        )
        SponsorNotice.objects.create(
            sponsorship=sponsorship,
            kind="awaiting_proposal",
            key=f"matrix-{key}",
            language="vi",
            former_person=world.persons[key],
            reason="left",
        )
        sponsorships[key] = sponsorship
    # plans (issue 20): a plan per ward or town, with a task, a progress update and an import
    plans = {key: PlanFactory(unit=world.units[key]) for key in ("ward1", "ward2", "town")}
    tasks = {key: PlanTaskFactory(plan=plan) for key, plan in plans.items()}
    settings.MEDIA_ROOT = tmp_path / "media"
    updates = {
        key: TaskUpdate.objects.create(
            task=task, status="done", evidence=ContentFile(b"%PDF", name="e.pdf")
        )
        for key, task in tasks.items()
    }
    plan_imports = {
        key: PlanTaskImport.objects.create(plan=plan, filename="t.xlsx")
        for key, plan in plans.items()
    }
    # learning (issue 21): a recognised family and a course with its participant per place
    family_set = CriteriaSetFactory()
    registrations = {
        key: Registration.objects.create(
            year=2024,
            title="family",
            criteria_set=family_set,
            unit=world.units[key],
            household=households[key],
            status="recognised",
            board_score=50,
            decision_number=f"QD-{key}",
            decided_on=dt.date(2024, 12, 1),
        )
        for key in ("ward1", "ward2", "town")
    }
    courses = {key: CourseFactory(unit=world.units[key]) for key in ("ward1", "ward2", "town")}
    participants = {
        key: Participant.objects.create(
            course=course,
            person=persons[key],
            status="completed",
            completed_on=dt.date(2024, 6, 30),
            certificate_number=f"CC-{key}",
        )
        for key, course in courses.items()
    }
    # learning boards, the Month's events and commendations (issue 21): one each per place,
    # the commendation to its pupil (a name the other places' roles may not see)
    for key in ("ward1", "ward2", "town"):
        Board.objects.create(unit=world.units[key], established_on=dt.date(2022, 9, 1))
        Event.objects.create(
            unit=world.units[key], on=dt.date(2024, 9, 20), kind="gift", name=f"Gifts {key}"
        )
        Commendation.objects.create(
            unit=world.units[key], year=2024, period="month", person=persons[key],
            achievement="-", level="ward", award="-", decision_number=f"K-{key}",
            decided_on=dt.date(2024, 10, 20),
        )  # fmt: skip
    # targets (issue 20): one per ward or town plan, over its unit, computed from its persons
    targets = {
        key: Target.objects.create(
            plan=plan,
            unit=world.units[key],
            indicator="right_age_attendance",
            value=90,
            school_year=2024,
        )  # fmt: skip
        for key, plan in plans.items()
    }
    # reports (issue 20): a submitted report per ward or town, with its frozen snapshot
    reports = {
        key: submit_report(
            actor=admin,
            report=open_report(
                actor=admin,
                template_code="cn_town_quarterly" if key == "town" else "vn_ward_school_year",
                unit=world.units[key],
                day=dt.date(2025, 1, 15),
            ),
        )
        for key in ("ward1", "ward2", "town")
    }
    # register cross-checks (issue 22): a compared run per ward or town, its pupil a dropout
    checks = {}
    for key in ("ward1", "ward2", "town"):
        checks[key] = CrosscheckRun.objects.create(
            unit=world.units[key],
            month=dt.date(2024, 10, 1),
            school_year=2024,
            filename="r.csv",
            status="compared",
        )
        Finding.objects.create(
            run=checks[key], kind="dropout", person=persons[key],
            household=persons[key].household, poor=True,
        )  # fmt: skip
    # school support (issue 22): a project of each place's school, and a pair that helps it
    projects = {key: SchoolProjectFactory(school=school) for key, school in world.schools.items()}
    helpers = {
        "ward1": world.schools["ward2"],
        "ward2": world.schools["ward1"],
        "town": SchoolFactory(code="SCH-county", unit=world.units["county"]),
    }
    pairings = {
        key: SchoolPairingFactory(school=world.schools[key], helper=helper)
        for key, helper in helpers.items()
    }
    return Matrix(
        places={
            "household_id": _ids(households),
            "person_id": _ids(persons),
            "run_id": _ids(runs),
            "case_id": _ids(cases),
            "group_id": _ids(groups),
            "campaign_id": _ids(campaigns),
            "batch_id": _ids(batches),
            "payment_batch_id": _ids(payment_batches),
            "objection_id": _ids(objections),
            "fund_id": _ids(funds),
            "donation_id": _ids(donations),
            "round_id": _ids(rounds),
            "sponsorship_id": _ids(sponsorships),
            "donor_id": _ids(donors),
            "plan_id": _ids(plans),
            "task_id": _ids(tasks),
            "update_id": _ids(updates),
            "import_id": _ids(plan_imports),
            "registration_id": _ids(registrations),
            "course_id": _ids(courses),
            "participant_id": _ids(participants),
            "target_id": _ids(targets),
            "school_id": _ids(world.schools),
            "report_id": _ids(reports),
            "check_id": _ids(checks),
            "project_id": _ids(projects),
            "pairing_id": _ids(pairings),
        }
    )


# What each path parameter names: a scoped record (looked up in the matrix), or a value that
# is the same for everyone (a published policy, a school year, a kind of gap).
UNSCOPED = {
    "code": "vn-poverty-education",
    "school_year": 2024,
    "gap": "unpaid",
    "list_key": "dropouts",
}


@dataclass(frozen=True)
class Endpoint:
    label: str
    build: Callable[[dict], str]  # path parameters -> URL
    parameters: tuple[str, ...]


def _page_endpoints() -> list[Endpoint]:
    """Every named page of the URL conf outside the admin, the API and the login pages."""
    skipped_prefixes = ("admin/", "api/", "i18n/", "login/", "logout/")
    found = []

    def walk(patterns, prefix: str, namespace: str | None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern, namespace

    for route, pattern, namespace in walk(get_resolver().url_patterns, "", None):
        if route.startswith(skipped_prefixes):
            continue
        assert pattern.name, f"the page {route!r} has no URL name"
        name = f"{namespace}:{pattern.name}" if namespace else pattern.name
        parameters = tuple(re.findall(r"<(?:\w+:)?(\w+)>", route))
        found.append(
            Endpoint(
                label=f"page {name}",
                build=lambda values, name=name: reverse(name, kwargs=values),
                parameters=parameters,
            )
        )
    return found


def _api_endpoints() -> tuple[list[Endpoint], int]:
    """Every GET operation of the OpenAPI document (and how many operations write)."""
    schema = api.get_openapi_schema()
    found, writes = [], 0
    for path, operations in schema["paths"].items():
        writes += sum(1 for method in operations if method != "get")
        if "get" not in operations:
            continue
        found.append(
            Endpoint(
                label=f"api GET {path}",
                build=lambda values, path=path: path.format(**values),
                parameters=tuple(re.findall(r"\{(\w+)\}", path)),
            )
        )
    return found, writes


def _body_text(response) -> str | None:
    """The readable text of a response: None for PDFs, whose text is compressed."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "pdf" in kind:
        return None
    if "spreadsheetml" in kind:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        return "\n".join(
            " ".join(str(cell) for cell in row)
            for name in workbook.sheet_names
            for row in workbook.get_sheet_by_name(name).to_python()
        )
    return content.decode("utf-8", errors="replace")


def _hidden_names(user) -> set[str]:
    """The names of the persons and households `user` may not see."""
    hidden = set(Person.objects.exclude(pk__in=restrict(Person.objects.all(), user).values("pk")))
    households = Household.objects.exclude(
        pk__in=restrict(Household.objects.all(), user).values("pk")
    )
    return {p.full_name for p in hidden} | {h.head_name for h in households}


def _cases(endpoint: Endpoint, matrix: Matrix, role: str):
    """(place, inside?, path parameters) for each record the endpoint can be asked for."""
    scoped = [name for name in endpoint.parameters if name not in UNSCOPED]
    fixed = {name: UNSCOPED[name] for name in endpoint.parameters if name in UNSCOPED}
    if not scoped:
        yield None, True, fixed
        return
    assert len(scoped) == 1, f"{endpoint.label}: several scoped parameters {scoped}"
    (name,) = scoped
    assert name in matrix.places, (
        f"{endpoint.label}: the access matrix does not know the parameter {name!r}; add the "
        "records it names to the `matrix` fixture (or to `UNSCOPED`)"
    )
    inside, outside = INSIDE_OUTSIDE[role]
    for place, value in matrix.places[name].items():
        if place in inside and (role, name) not in NOT_EXPECTED_INSIDE:
            yield place, True, {**fixed, name: value}
        elif place in outside:
            yield place, False, {**fixed, name: value}


def _reads(endpoints: list[Endpoint], matrix: Matrix, admin) -> list[Endpoint]:
    """The endpoints that answer GET: a page that only takes POST answers 405."""
    client = Client()
    client.force_login(admin)
    reads = []
    for endpoint in endpoints:
        _place, _inside, values = next(_cases(endpoint, matrix, "admin"))
        if client.get(endpoint.build(values)).status_code != 405:
            reads.append(endpoint)
    return reads


def _queries(world, role: str) -> list[tuple[dict, bool]]:
    """The query strings to ask with, each with whether it stays inside the role's scope."""

    def place(key: str) -> dict:
        return {
            "unit": world.units[key].code,
            "ward": world.units[key].code,
            "school": world.schools[key].pk,
        }

    queries = [({}, True), ({"year": 2024}, True)]
    queries += [({"year": 2024, **place(own)}, True) for own in OWN_PLACES.get(role, ())]
    if FOREIGN_PLACE.get(role):
        queries.append(({"year": 2024, **place(FOREIGN_PLACE[role])}, False))
    return queries


def _check(response, *, inside: bool, hidden: set[str]) -> str | None:
    """What is wrong with a response, if anything: outside the scope, a record is refused (403,
    404) or the page sends the user away (302); nothing shows what the user may not see."""
    status = response.status_code
    if status >= 500:
        return f"{status}"
    if not inside and status not in (302, 403, 404):
        return f"{status} outside the scope"
    text = _body_text(response) if status == 200 else None
    leaked = sorted(name for name in hidden if text and name in text)
    return f"shows {', '.join(leaked)}" if leaked else None


def test_no_endpoint_shows_a_role_anything_outside_its_scope(world, matrix, capsys):
    pages = _page_endpoints()
    operations, writes = _api_endpoints()
    reads = _reads(pages + operations, matrix, world.users["admin"])
    problems, counts = [], Counter()
    for role in INSIDE_OUTSIDE:
        client = Client()
        client.force_login(world.users[role])
        hidden = _hidden_names(world.users[role])
        for endpoint in reads:
            # A PDF's text cannot be searched: one refusal per record, one document read per role.
            pdf, pdf_read = endpoint.label.endswith("pdf"), False
            for place, inside, values in _cases(endpoint, matrix, role):
                if pdf and inside and pdf_read:
                    continue
                url, read = endpoint.build(values), False
                queries = _queries(world, role)[: 1 if pdf and not inside else None]
                for query, query_inside in queries:
                    if pdf and read:
                        break
                    response = client.get(url, query)
                    counts["inside" if inside and query_inside else "outside"] += 1
                    read |= query_inside and response.status_code == 200
                    problem = _check(response, inside=inside, hidden=hidden)
                    if problem:
                        problems.append(f"{endpoint.label} {url} {query} as {role}: {problem}")
                pdf_read |= pdf and read
                if inside and place is not None and not read:
                    # A record inside the scope is read with one of the queries at least.
                    problems.append(f"{endpoint.label} {url} as {role}: {place} not read")
    with capsys.disabled():
        print(  # noqa: T201
            f"\naccess matrix: {len(reads)} read endpoints of {len(pages)} pages and "
            f"{len(operations)} API GET operations ({writes} API write operations not read) x "
            f"{len(INSIDE_OUTSIDE)} roles: {counts['inside']} requests inside the scope, "
            f"{counts['outside']} outside"
        )
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)
    assert len(reads) >= 60 and counts["outside"] > 500


def test_the_matrix_sees_a_leak_and_an_unrefused_record():
    from django.http import HttpResponse

    hidden = {"Pupil ward2"}
    page = HttpResponse("<td>Pupil ward1</td><td>Pupil ward2</td>")
    assert _check(page, inside=True, hidden=hidden) == "shows Pupil ward2"
    assert _check(HttpResponse("ok"), inside=False, hidden=hidden) == "200 outside the scope"
    assert _check(HttpResponse(status=404), inside=False, hidden=hidden) is None
