"""The demo's learning society and training (issue 21, seeds 003 and 004): in the demo ward
(26734, within Thới An since the reorganisation of 2025-07-01), clans of the households
sharing a family name, a year of family, clan and citizen registrations taken through
self-assessment, the board's evaluation and the decision; in District 12 (the city's once the
district level was abolished), courses (vocational with certificates, start-up skills, a
literacy class) with participants from the poor, near-poor and newly-escaped households and the
needs the young declared; boards for most of the district's wards (the five formed from them
after 2025-07-01), a Learning Encouragement Month of events in the ward and a few
commendations. Everything goes through the services, so every step is audited.

The demo's family criteria set is labelled as invented for the demonstration: the points and
pass mark of QĐ 242/QĐ-KHVN were not found (the shipped QĐ 448 set marks them "to confirm")."""

import datetime as dt
import random
from collections import defaultdict

from reach.accounts.models import User
from reach.accounts.scoping import under_paths
from reach.casework.models import Campaign
from reach.common.errors import DomainError
from reach.geo.models import Unit
from reach.geo.selectors import unit_on, units_standing_for
from reach.learning.criteria import CriterionInput, SetInput
from reach.learning.parameters import aged, training_parameters, year_end
from reach.learning.services import (
    add_participant,
    complete_participation,
    create_clan,
    create_course,
    decide,
    evaluate,
    load_criteria_sets,
    record_attendance,
    record_board,
    record_commendation,
    record_event,
    record_outreach,
    record_training_need,
    register,
    save_criteria_set,
    self_assess,
)
from reach.plans.models import PlanTask
from reach.registry.models import Household, HouseholdYearStatus, Person
from reach.registry.selectors import units_valid_on

WARD = "26734"
DISTRICT = "761"  # courses are the district's (its vocational centre), for its poor households
BOARD = "Ban Khuyến học phường Thới An"  # the demo ward's board in the demo's years
DEMO_NOTE = "Demo data: invented for the demonstration; not the criteria of QĐ 242/QĐ-KHVN."


def _demo_set(actor: User, code: str, title: str, name: str) -> SetInput:
    return SetInput(
        code=code,
        title=title,
        name=name,
        source="Reach demo (not an official criteria set)",
        confidence="invented for the demo",
        pass_mark=70,
        note=DEMO_NOTE,
        criteria=(
            CriterionInput(
                code="1",
                group="Học tập của trẻ em",
                label="Trẻ em trong độ tuổi đi học được đến trường",
                max_points=30,
                computed="children_enrolled",
            ),
            CriterionInput(
                code="2",
                group="Học tập của người lớn",
                label="Người lớn 19-60 tuổi biết chữ",
                max_points=30,
                computed="adults_literate",
                params={"ages": [19, 60]},
            ),
            CriterionInput(code="3", label="Điều kiện học tập", max_points=20),
            CriterionInput(code="4", label="Hiệu quả học tập", max_points=20),
        ),
    )


def _through(actor: User, registration, rng: random.Random, year: int) -> str:
    self_assess(
        actor=actor,
        registration=registration,
        points={"3": rng.randint(8, 20), "4": rng.randint(8, 20)},
    )
    evaluate(actor=actor, registration=registration, board=BOARD)
    decided = decide(
        actor=actor,
        registration=registration,
        decision_number=f"{rng.randint(10, 99)}/QĐ-UBND",
        decided_on=dt.date(year, 12, 15),
    )
    return decided.status


def demo_ward(year: int) -> Unit:
    """The demo ward as it stood in `year`: 26734, or the ward it was merged into."""
    return unit_on(Unit.objects.get(code=WARD), dt.date(year, 1, 1))


def _district_area(year: int) -> tuple[Unit, list[Unit]]:
    """Where the district's courses are and its wards, as they stood in `year`: the district
    and its wards; once a reorganisation closed it, the unit above it (the city took over the
    district's vocational centre) and the wards formed from the district's."""
    district = Unit.objects.get(code=DISTRICT)
    day = dt.date(year, 1, 1)
    standing = units_standing_for(district, day)
    if standing != [district] and district.parent is not None:
        return district.parent, standing
    wards = units_valid_on(Unit.objects.filter(parent=district), day).order_by("path")
    return district, list(wards)


def set_up_demo_learning(*, actor: User, year: int, seed: int = 21) -> dict[str, int]:
    rng = random.Random(seed)
    ward = demo_ward(year)
    load_criteria_sets()
    family_set = save_criteria_set(
        actor=actor, data=_demo_set(actor, "demo_family", "family", "Gia đình học tập (demo)")
    )
    clan_set = save_criteria_set(
        actor=actor, data=_demo_set(actor, "demo_clan", "clan", "Dòng họ học tập (demo)")
    )
    citizen_set = save_criteria_set(
        actor=actor, data=_demo_set(actor, "demo_citizen", "citizen", "Công dân học tập (demo)")
    )
    households = list(Household.objects.filter(unit__path__startswith=ward.path).order_by("pk"))
    by_name: dict[str, list[Household]] = defaultdict(list)
    for household in households:
        by_name[household.head_name.split()[0]].append(household)
    clans = []
    for family_name, members in sorted(by_name.items()):
        if len(members) >= 3:
            clans.append(
                create_clan(
                    actor=actor, unit=ward, name=f"Dòng họ {family_name}", households=members
                )
            )
    counts: dict[str, int] = defaultdict(int)
    counts["clans"] = len(clans)
    for household in rng.sample(households, k=min(len(households), 60)):
        registration = register(
            actor=actor, year=year, criteria_set=family_set, household=household
        )
        counts[f"families {_through(actor, registration, rng, year)}"] += 1
    for clan in clans[:4]:
        registration = register(actor=actor, year=year, criteria_set=clan_set, clan=clan)
        counts[f"clans {_through(actor, registration, rng, year)}"] += 1
    adults = Person.objects.filter(
        aged((19, 60), year_end(year)), household__in=households[:40]
    ).order_by("pk")[:15]
    for person in adults:
        registration = register(actor=actor, year=year, criteria_set=citizen_set, person=person)
        counts[f"citizens {_through(actor, registration, rng, year)}"] += 1
    courses_unit, wards = _district_area(year)
    counts.update(_demo_training(actor=actor, unit=courses_unit, wards=wards, year=year, rng=rng))
    counts.update(_demo_month(actor=actor, wards=wards, ward=ward, year=year, rng=rng))
    return dict(counts)


MONTH_EVENTS = [  # (day, month, kind, name, participants, products)
    (15, 9, "propaganda", "Lễ phát động Tháng Khuyến học", 250, "Băng rôn, 2 bài trên loa phường"),
    (20, 9, "gift", "Trao quà cho học sinh nghèo vượt khó", 60, "60 suất quà"),
    (28, 9, "visit", "Thăm gia đình học sinh có hoàn cảnh khó khăn", 12, ""),
    (5, 10, "award", "Trao học bổng khuyến học", 45, "45 suất học bổng"),
    (14, 10, "gathering", "Tổng kết Tháng Khuyến học", 120, "Báo cáo tổng kết"),
]


def _demo_month(
    *, actor: User, wards: list[Unit], ward: Unit, year: int, rng: random.Random
) -> dict[str, int]:
    """Boards for most of the district's wards (one left without, so the list behind the rate
    is not empty), a Month of events in the ward, a week's event, and a few commendations."""
    # Every fifth ward, and the last but the demo ward, has none.
    without = {w for n, w in enumerate(wards) if n % 5 == 4} | set(
        [w for w in wards if w != ward][-1:]
    )
    boards = 0
    for position, unit in enumerate(wards):
        established = unit == ward or unit not in without
        record_board(
            actor=actor,
            unit=unit,
            established_on=dt.date(2022, 9, 1 + position % 20) if established else None,
            decision_number=f"{10 + position}/QĐ-UBND" if established else "",
        )
        boards += established
    for day, month, kind, name, participants, products in MONTH_EVENTS:
        record_event(
            actor=actor,
            unit=ward,
            on=dt.date(year, month, day),
            kind=kind,
            name=name,
            participants=participants,
            products=products,
            # What the organisers report was raised at the two hand-outs (demo figures).
            funds_raised_minor={"gift": 12_000_000, "award": 22_500_000}.get(kind, 0),
            currency="VND",
        )
    record_event(
        actor=actor,
        unit=ward,
        period="week",
        on=dt.date(year, 10, 2),
        kind="gathering",
        name="Tuần lễ hưởng ứng học tập suốt đời",
        participants=80,
    )
    people = list(
        Person.objects.filter(household__unit__path__startswith=ward.path).order_by("pk")[:40]
    )
    for number, person in enumerate(rng.sample(people, k=min(3, len(people))), start=1):
        record_commendation(
            actor=actor,
            unit=ward,
            year=year,
            period="month",
            achievement="Tích cực đóng góp cho Tháng Khuyến học",
            level="ward",
            award="Giấy khen",
            decision_number=f"{number}/QĐ-KH",
            decided_on=dt.date(year, 10, 20),
            person=person,
        )
    record_commendation(
        actor=actor,
        unit=ward,
        year=year,
        period="month",
        achievement="Đơn vị tiêu biểu trong Tháng Khuyến học",
        level="district",
        award="Giấy khen",
        decision_number="99/QĐ-UBND",
        decided_on=dt.date(year, 10, 25),
    )
    return {
        "boards": boards,
        "wards without a board": len(wards) - boards,
        "month events": len(MONTH_EVENTS),
        "commendations": min(3, len(people)) + 1,
    }


def _demo_training(
    *, actor: User, unit: Unit, wards: list[Unit], year: int, rng: random.Random
) -> dict[str, int]:
    """Courses of `unit` for the poor, near-poor and newly-escaped households of `wards`."""
    of_wards = under_paths("household__unit__path", tuple(ward.path for ward in wards))
    params = training_parameters()
    statuses = HouseholdYearStatus.objects.filter(
        year=year, status__in=params.worker_household_statuses
    ).values("household")
    workers = list(
        Person.objects.filter(
            of_wards,
            aged(params.working_ages, year_end(year)),
            household__in=statuses,
        ).order_by("pk")[:80]
    )
    courses = [
        create_course(
            actor=actor,
            code=f"DEMO-{year}-NGHE",
            name="Sơ cấp nghề may công nghiệp",
            kind="vocational",
            unit=unit,
            starts_on=dt.date(year, 3, 1),
            ends_on=dt.date(year, 5, 31),
            certificate=True,
            provider_name="Trung tâm Giáo dục nghề nghiệp Quận 12",
        ),
        create_course(
            actor=actor,
            code=f"DEMO-{year}-KN",
            name="Kỹ năng khởi nghiệp",
            kind="startup",
            unit=unit,
            starts_on=dt.date(year, 6, 1),
            ends_on=dt.date(year, 6, 30),
            provider_name="Quận Đoàn 12",
        ),
        create_course(
            actor=actor,
            code=f"DEMO-{year}-XMC",
            name="Lớp xóa mù chữ",
            kind="literacy",
            unit=unit,
            starts_on=dt.date(year, 2, 1),
            ends_on=dt.date(year, 8, 31),
            certificate=True,
        ),
    ]
    counts: dict[str, int] = defaultdict(int)
    for number, person in enumerate(workers):
        course = courses[number % 3]
        participant = add_participant(actor=actor, course=course, person=person)
        counts["participants"] += 1
        record_attendance(actor=actor, participant=participant, on=course.starts_on)
        if rng.random() < 0.75:
            complete_participation(
                actor=actor,
                participant=participant,
                completed_on=course.ends_on,
                certificate_number=f"{course.code}-{number:03d}" if course.certificate else "",
            )
            counts["completed"] += 1
    youth = Person.objects.filter(
        of_wards,
        aged(params.youth_ages, year_end(year)),
        household__in=HouseholdYearStatus.objects.filter(
            year=year, status__in=params.youth_household_statuses
        ).values("household"),
    ).order_by("pk")[:20]
    for person in youth:
        try:
            record_training_need(actor=actor, person=person, year=year, note="Demo")
        except DomainError:
            continue
        counts["needs declared"] += 1
    return counts


OUTREACH = [  # (day, month, channel, name, audience, articles, clips, publications)
    (10, 9, "loudspeaker", "Phát thanh về Tháng Khuyến học", "Người dân trong phường", 4, 0, 0),
    (18, 9, "online", "Clip gương học sinh vượt khó", "Phụ huynh, học sinh", 1, 2, 0),
    (1, 10, "print", "Tờ rơi về học bổng và hỗ trợ học tập", "Hộ nghèo, cận nghèo", 0, 0, 500),
]


def set_up_demo_outreach(*, actor: User, year: int) -> dict[str, int]:
    """A few outreach activities of the demo ward for the first task of the district's plan
    (after the plans' demo), or for a campaign over the ward when there is no plan."""
    ward = demo_ward(year)
    parts = ward.path.split(".")
    ancestors = [".".join(parts[:n]) for n in range(1, len(parts) + 1)]
    task = (
        PlanTask.objects.filter(plan__unit__path__in=ancestors)
        .exclude(number="")
        .order_by("plan__unit__path", "plan_id", "position")
        .first()
    )
    campaign = (
        Campaign.objects.filter(unit__path__in=ancestors).order_by("-starts_on").first()
        if task is None
        else None
    )
    if task is None and campaign is None:
        return {}
    for day, month, channel, name, audience, articles, clips, publications in OUTREACH:
        record_outreach(
            actor=actor, unit=ward, on=dt.date(year, month, day), channel=channel, name=name,
            audience=audience, task=task, campaign=campaign, articles=articles, clips=clips,
            publications=publications,
        )  # fmt: skip
    return {"outreach activities": len(OUTREACH)}
