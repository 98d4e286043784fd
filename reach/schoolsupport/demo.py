"""The demo's school support (issue 22 item 7, seeds 001 and 002): in District 12 a ward's
primary school flagged as a poor area's school, its needs, a semi-boarding house ("Nhà bán trú
cho em") built with the youth union's fund and drawn on its ledger, a classroom repair under
way on the state budget; in Guiding county a town school with its needs, a dormitory under
way, a teacher sent from the county seat's school (支教), a training, and the pair of the two
schools (结对帮扶) with an activity. Everything goes through the services, so every step is
audited.

Flags, amounts, names and dates are invented for the demonstration (decision "demo")."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from reach.accounts.models import User
from reach.funds.choices import AccountKind
from reach.funds.models import Account, Fund
from reach.funds.selectors import lowest_balance_from
from reach.geo.models import School
from reach.schoolsupport import services
from reach.schoolsupport.models import SchoolProject
from reach.schoolsupport.services import ProjectInput

DEMO_DECISION = "Demo: invented for the demonstration"


def _school(code: str) -> School | None:
    return School.objects.select_related("unit").filter(code=code).first()


def _vietnam(actor: User, start: dt.date, counts: dict[str, int]) -> None:
    school = _school("VN761-TH06")
    if school is None:
        return
    services.flag_poor_village_school(
        actor=actor, school=school, poor_village=True, decision=DEMO_DECISION
    )
    boarding = services.record_need(
        actor=actor, school=school, kind="semi_boarding", recorded_on=start,
        description="Chỗ nghỉ trưa cho 60 học sinh bán trú", quantity=1,
    )  # fmt: skip
    classrooms = services.record_need(
        actor=actor, school=school, kind="classrooms", recorded_on=start,
        description="Hai phòng học xuống cấp", quantity=2,
    )  # fmt: skip
    services.record_need(
        actor=actor, school=school, kind="equipment", recorded_on=start,
        description="Máy chiếu cho các lớp 4, 5",
    )  # fmt: skip
    counts["needs"] += 3
    fund = Fund.objects.filter(code="VN79-TSDT").first()
    cost = 120_000_000
    house = services.create_project(
        actor=actor,
        school=school,
        data=ProjectInput(
            kind="semi_boarding_house",
            title="Nhà bán trú cho em",
            budget_minor=cost,
            currency="VND",
            funding="fund" if fund else "state_budget",
            fund_id=fund.pk if fund else None,
            need_id=boarding.pk,
            planned_on=start,
        ),
    )
    services.move_project(
        actor=actor, project=house, status="under_way", on=start + dt.timedelta(days=30)
    )
    if fund is not None:
        # the fund settles the house's cost once it holds the money: the demo's gifts are of
        # this school year, the house of the last, and no day may spend a later gift
        free = Account.objects.filter(fund=fund, kind=AccountKind.FREE_CASH).first()
        paid_on = timezone.localdate()
        paid = min(cost, lowest_balance_from(free.pk, paid_on)) if free else 0
        if paid > 0:
            services.record_project_spending(
                actor=actor, project=house, amount_minor=paid,
                occurred_on=paid_on, idempotency_key=f"demo-house-{house.pk}",
            )  # fmt: skip
            counts["fund_payments"] += 1
    services.move_project(
        actor=actor, project=house, status="completed", on=start + dt.timedelta(days=120)
    )
    repair = services.create_project(
        actor=actor,
        school=school,
        data=ProjectInput(
            kind="repair", title="Sửa chữa hai phòng học", budget_minor=80_000_000,
            currency="VND", funding="state_budget", need_id=classrooms.pk, planned_on=start,
        ),
    )  # fmt: skip
    services.move_project(
        actor=actor, project=repair, status="under_way", on=start + dt.timedelta(days=60)
    )
    counts["projects"] += 2


def _guiding(actor: User, start: dt.date, counts: dict[str, int]) -> None:
    school, seat = _school("CN522723-XX07"), _school("CN522723-XX01")
    if school is None or seat is None:
        return
    services.flag_poor_village_school(
        actor=actor, school=school, poor_village=True, decision=DEMO_DECISION
    )
    dormitory = services.record_need(
        actor=actor, school=school, kind="dormitory", recorded_on=start,
        description="寄宿生宿舍不足", quantity=4,
    )  # fmt: skip
    services.record_need(
        actor=actor, school=school, kind="teachers", recorded_on=start,
        description="缺英语、音乐教师", quantity=2,
    )  # fmt: skip
    counts["needs"] += 2
    built = services.create_project(
        actor=actor,
        school=school,
        data=ProjectInput(
            kind="building", title="学生宿舍改扩建", budget_minor=45_000_000, currency="CNY",
            funding="state_budget", need_id=dormitory.pk, planned_on=start,
        ),
    )  # fmt: skip
    services.move_project(
        actor=actor, project=built, status="under_way", on=start + dt.timedelta(days=45)
    )
    toilets = services.create_project(
        actor=actor,
        school=school,
        data=ProjectInput(
            kind="repair", title="厕所改造", budget_minor=8_000_000, currency="CNY",
            funding="state_budget", planned_on=start,
        ),
    )  # fmt: skip
    services.move_project(
        actor=actor, project=toilets, status="completed", on=start + dt.timedelta(days=75),
        cost_minor=7_600_000,
    )  # fmt: skip
    counts["projects"] += 2
    services.record_teacher_placement(
        actor=actor, school=school, teacher_name="王老师", from_school=seat, subject="英语",
        starts_on=start, ends_on=dt.date(start.year + 1, 7, 10),
    )  # fmt: skip
    counts["teachers_sent"] += 1
    services.record_training(
        actor=actor, school=school, held_on=start + dt.timedelta(days=20), topic="高效课堂改革",
        hours=Decimal("6"), teachers=14, provider="贵定县教育局",
    )  # fmt: skip
    counts["trainings"] += 1
    pairing = services.pair_schools(
        actor=actor, helper=seat, school=school, kind="county_town", starts_on=start,
        focus="学校常规管理、教师业务能力提升",
    )  # fmt: skip
    services.record_pairing_activity(
        actor=actor, pairing=pairing, held_on=start + dt.timedelta(days=50),
        kind="classroom_reform", description="送教下乡：示范课与评课",
    )  # fmt: skip
    counts["pairings"] += 1


def set_up_demo_school_support(*, actor: User, school_year: int) -> dict[str, int]:
    """Record the demo's school support from the start of the school year before
    `school_year` (so its completions lie in the past); returns counts."""
    counts = dict.fromkeys(
        ("needs", "projects", "fund_payments", "teachers_sent", "trainings", "pairings"), 0
    )
    if SchoolProject.objects.exists():
        return counts
    start = dt.date(school_year - 1, 9, 5)
    _vietnam(actor, start, counts)
    _guiding(actor, start, counts)
    return counts
