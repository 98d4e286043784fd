"""The demo's funds (issue 19, seeds 001, 002, 004): a ward's learning-encouragement fund, the
city youth union's "Tiếp sức đến trường" fund and Guiding county's student-aid fund
(助学基金), each with donors, a few hundred donations in cash and in kind answering the year's
campaigns (some with the donor's wishes), payments to pupils of the area, hand-overs of goods,
one reversal, and a few sponsorships (đỡ đầu / 点对点) whose sponsor's receipts are attached and
whose instalments due by the day of payment are paid: everything through the services, so
every movement is audited."""

import datetime as dt
import random

from reach.accounts.scoping import under_paths
from reach.funds.choices import Campaign
from reach.funds.models import Fund
from reach.funds.services import (
    DonationInput,
    FundError,
    RestrictionInput,
    create_donor,
    create_fund,
    hand_over_items,
    record_donation,
    reverse_transaction,
    spend_to_student,
)
from reach.funds.services.sponsorships import (
    attach_receipt,
    create_sponsorship,
    pay_instalment,
)
from reach.geo.models import Organisation, School, Unit
from reach.registry.models import Enrolment

# The Vietnamese funds are of the units in force: the ward formed in 2025 from Thạnh Xuân and
# Thới An, and the city (District 12's youth union went with the district level).
FUNDS = [  # code, names, organisation (code, name, kind), unit, currency, purpose, language
    (
        "VND12TA-QKH",
        {
            "vi": "Quỹ khuyến học phường Thới An",
            "zh": "泰安坊助学基金",
            "en": "Thới An ward learning-encouragement fund",
        },
        ("VND12TA-HKH", "Hội Khuyến học phường Thới An", "learning_association"),
        "D12-TA",
        "VND",
        "learning_encouragement",
        "vi",
    ),
    (
        "VN79-TSDT",
        {
            "vi": "Quỹ Tiếp sức đến trường Thành Đoàn Thành phố Hồ Chí Minh",
            "zh": "胡志明市团委助学接力基金",
            "en": "Ho Chi Minh City youth union 'Relay to school' fund",
        },
        ("VN79-DOAN", "Thành Đoàn Thành phố Hồ Chí Minh", "youth_union"),
        "79",
        "VND",
        "student_aid",
        "vi",
    ),
    (
        "CN522723-ZXJJ",
        {
            "vi": "Quỹ hỗ trợ học sinh huyện Quý Định",
            "zh": "贵定县助学基金",
            "en": "Guiding county student-aid fund",
        },
        ("CN522723-JYJ", "贵定县教育局", "education_office"),
        "522723000000",
        "CNY",
        "student_aid",
        "zh-hans",
    ),
]
DONORS = {
    "vi": [
        ("enterprise", "Công ty TNHH An Phát"),
        ("enterprise", "Ngân hàng TMCP Sài Gòn chi nhánh Quận 12"),
        ("organisation", "Hội Cựu giáo chức Quận 12"),
        ("group", "Cán bộ công chức UBND phường"),
        ("person", "Bà Nguyễn Thị Lan"),
        ("person", "Ông Trần Văn Minh"),
        ("person", "Ông Lê Hoàng Phúc"),
        ("group", "Đoàn viên thanh niên khu phố 3"),
    ],
    "zh-hans": [
        ("enterprise", "贵州某磷化工有限公司"),
        ("organisation", "贵定县总工会"),
        ("organisation", "贵定县妇女联合会"),
        ("organisation", "贵定县红十字会"),
        ("group", "县直机关公职人员(教育扶贫日)"),
        ("person", "王先生"),
        ("person", "李女士"),
    ],
}
GOODS = {  # item, unit, quantity range, purpose
    "vi": [
        ("xe đạp", "chiếc", (1, 10), "bicycles"),
        ("vở", "quyển", (50, 500), "school_supplies"),
        ("gạo", "kg", (20, 200), "rice"),
    ],
    "zh-hans": [("书包", "个", (10, 100), "school_supplies"), ("大米", "kg", (50, 500), "rice")],
}
DONATIONS_PER_FUND = 120
PAID_PUPILS = 30


def _campaign_day(rng: random.Random, year: int) -> tuple[str, dt.date]:
    """A campaign and a day in it: Learning Encouragement Month (15/9-15/10), 教育扶贫日
    (17 October), the after-Tet drive, or none."""
    campaign = rng.choice(
        [Campaign.LEARNING_MONTH, Campaign.POVERTY_RELIEF_DAY, Campaign.AFTER_TET, Campaign.NONE]
    )
    if campaign == Campaign.LEARNING_MONTH:
        return campaign, dt.date(year, 9, 15) + dt.timedelta(days=rng.randrange(31))
    if campaign == Campaign.POVERTY_RELIEF_DAY:
        return campaign, dt.date(year, 10, 17)
    if campaign == Campaign.AFTER_TET:
        return campaign, dt.date(year, 2, 15) + dt.timedelta(days=rng.randrange(14))
    return campaign, dt.date(year, 8, 1) + dt.timedelta(days=rng.randrange(60))


def set_up_demo_funds(*, actor, school_year: int, spent_on: dt.date) -> dict[str, int]:
    """Create the demo funds and fill them; returns counts of what was recorded."""
    rng = random.Random(19)
    counts = {
        "funds": 0,
        "donations": 0,
        "payments": 0,
        "hand_overs": 0,
        "refused": 0,
        "sponsorships": 0,
        "instalments_paid": 0,
    }
    for code, names, (
        org_code,
        org_name,
        org_kind,
    ), unit_code, currency, purpose, language in FUNDS:
        unit = Unit.objects.get(code=unit_code)
        organisation, _created = Organisation.objects.get_or_create(
            code=org_code, defaults={"name": org_name, "kind": org_kind, "unit": unit}
        )
        fund = create_fund(
            actor=actor,
            organisation=organisation,
            unit=unit,
            code=code,
            names=names,
            currency=currency,
            purpose=purpose,
        )
        counts["funds"] += 1
        donors = [
            create_donor(actor=actor, unit=unit, kind=kind, name=name, language=language)
            for kind, name in DONORS[language]
        ]
        counts["donations"] += _donate(
            fund, donors, rng, actor=actor, language=language, year=school_year
        )
        paid, handed, refused = _spend(fund, rng, actor=actor, school_year=school_year, on=spent_on)
        counts["payments"] += paid
        counts["hand_overs"] += handed
        counts["refused"] += refused
        sponsored, instalments = _sponsor(
            fund, donors, actor=actor, school_year=school_year, on=spent_on
        )
        counts["sponsorships"] += sponsored
        counts["instalments_paid"] += instalments
    return counts


SPONSORED_PUPILS = 3
FALLBACKS = ["next_candidate", "office_proposes", "refund"]


def _sponsor(fund: Fund, donors, *, actor, school_year: int, on: dt.date) -> tuple[int, int]:
    """A few person donors each sponsor a pupil of the fund's area monthly for the school
    year: their receipt for the first months is attached to the first instalment (an
    off-schedule payment), and the instalments due by `on` are paid."""
    pupils = list(
        Enrolment.objects.filter(
            under_paths("person__household__unit__path", (fund.unit.path,)),
            school_year=school_year,
            status="enrolled",
        )
        .order_by("-person_id")
        .values_list("person_id", flat=True)[:SPONSORED_PUPILS]
    )
    sponsors = [d for d in donors if d.kind == "person"] or donors
    amount = 300_000 if fund.currency == "VND" else 30_000  # 300,000 dong, 300 yuan
    sponsored = paid = 0
    for n, person_id in enumerate(pupils):
        donor = sponsors[n % len(sponsors)]
        sponsorship = create_sponsorship(
            actor=actor,
            fund=fund,
            donor_id=donor.pk,
            person_id=person_id,
            amount_minor=amount,
            rhythm="monthly",
            starts_on=dt.date(school_year, 9, 1),
            ends_on=dt.date(school_year + 1, 5, 31),
            fallback=FALLBACKS[n % len(FALLBACKS)],
        )
        sponsored += 1
        receipt = record_donation(
            actor=actor,
            fund=fund,
            gift=DonationInput(
                kind="receipt",
                form="cash",
                received_on=dt.date(school_year, 9, 5),
                donor_id=donor.pk,
                amount_minor=amount * 3,
                note="sponsorship",
            ),
        )
        due = list(sponsorship.instalments.filter(due_on__lte=on).order_by("number"))
        if due:
            attach_receipt(
                actor=actor,
                sponsorship=sponsorship,
                donation_id=receipt.pk,
                instalment_id=due[0].pk,
            )
        for instalment in due:
            try:
                pay_instalment(
                    actor=actor,
                    instalment=instalment,
                    voucher=f"DEMO-{fund.code}-{sponsorship.pk}-{instalment.number}",
                    paid_on=instalment.due_on,
                )
                paid += 1
            except FundError:
                pass
    return sponsored, paid


def _donate(fund: Fund, donors, rng: random.Random, *, actor, language: str, year: int) -> int:
    unit_schools = list(School.objects.filter(under_paths("unit__path", (fund.unit.path,))))
    for _n in range(DONATIONS_PER_FUND):
        campaign, day = _campaign_day(rng, year)
        anonymous = rng.random() < 0.1
        donor = None if anonymous else rng.choice(donors)
        wishes = RestrictionInput()
        if rng.random() < 0.15 and unit_schools:
            wishes = RestrictionInput(school_id=rng.choice(unit_schools).pk)
        if rng.random() < 0.25:
            item, item_unit, (low, high), goods_purpose = rng.choice(GOODS[language])
            gift = DonationInput(
                kind="receipt",
                form="in_kind",
                received_on=day,
                donor_id=donor.pk if donor else None,
                anonymous=anonymous,
                item=item,
                quantity=rng.randint(low, high),
                item_unit=item_unit,
                wishes=RestrictionInput(purpose=goods_purpose) if rng.random() < 0.5 else wishes,
                campaign=campaign,
            )
        else:
            major = rng.choice([100_000, 200_000, 500_000, 1_000_000, 2_000_000, 5_000_000])
            minor = (
                major if fund.currency == "VND" else rng.choice([100, 200, 500, 1000, 5000]) * 100
            )
            gift = DonationInput(
                kind="pledge" if rng.random() < 0.05 else "receipt",
                form="cash",
                received_on=day,
                donor_id=donor.pk if donor else None,
                anonymous=anonymous,
                amount_minor=minor,
                wishes=wishes,
                campaign=campaign,
            )
        record_donation(actor=actor, fund=fund, gift=gift)
    return DONATIONS_PER_FUND


def _spend(
    fund: Fund, rng: random.Random, *, actor, school_year: int, on: dt.date
) -> tuple[int, int, int]:
    enrolments = list(
        Enrolment.objects.filter(
            under_paths("person__household__unit__path", (fund.unit.path,)),
            school_year=school_year,
            status="enrolled",
        )
        .order_by("person_id")
        .values_list("person_id", "school_id")[: PAID_PUPILS * 3]
    )
    rng.shuffle(enrolments)
    paid = handed = refused = 0
    amount = 500_000 if fund.currency == "VND" else 50_000  # 500,000 dong, 500 yuan
    restrictions = list(fund.restrictions.filter(school__isnull=False))
    first = None
    for n, (person_id, school_id) in enumerate(enrolments[:PAID_PUPILS]):
        own = [r for r in restrictions if r.school_id == school_id]
        try:
            txn = spend_to_student(
                actor=actor,
                fund=fund,
                recipient_id=person_id,
                amount_minor=amount,
                idempotency_key=f"demo-{fund.code}-{n}",
                occurred_on=on,
                purpose="scholarships",
                restriction_id=own[0].pk if own else None,
            )
            first = first or txn
            paid += 1
        except FundError:
            refused += 1
    stock = fund.accounts.filter(kind="stock", restriction__isnull=True).first()
    if stock is not None:
        for n, (person_id, _school) in enumerate(enrolments[PAID_PUPILS : PAID_PUPILS + 10]):
            try:
                hand_over_items(
                    actor=actor,
                    fund=fund,
                    recipient_id=person_id,
                    item=stock.item,
                    quantity=1,
                    idempotency_key=f"demo-{fund.code}-goods-{n}",
                    occurred_on=on,
                )
                handed += 1
            except FundError:
                refused += 1
    if first is not None:
        reverse_transaction(
            actor=actor,
            fund=fund,
            transaction_id=first.pk,
            reason="paid to the wrong pupil",
            occurred_on=on,
        )
    return paid, handed, refused


# --- rounds ---

DEMO_ROUNDS = [  # fund, code, names, maker, tiers (minor units), quota per school
    (
        "VND12TA-QKH",
        "VND12TA-HB",
        {
            "vi": "Học bổng khuyến học phường Thới An",
            "zh": "泰安坊助学奖学金",
            "en": "Thới An ward learning-encouragement scholarships",
        },
        "ward01",
        [{"min_score": 20, "amount_minor": 500_000}, {"min_score": 40, "amount_minor": 1_000_000}],
        5,
    ),
    (
        "CN522723-ZXJJ",
        "CN522723-ZXJ",
        {"vi": "Học bổng huyện Quý Định", "zh": "贵定县助学金", "en": "Guiding county bursaries"},
        "county",
        [{"min_score": 20, "amount_minor": 50_000}, {"min_score": 40, "amount_minor": 100_000}],
        5,
    ),
]
DEMO_ROUND_CRITERIA = {
    "all": [
        {"field": "household_status", "op": "in", "value": ["poor", "near_poor"]},
        {"field": "level", "op": "in", "value": ["primary", "lower_secondary", "upper_secondary"]},
    ]
}
DEMO_ROUND_RULES = [
    {
        "when": {"field": "household_status", "op": "eq", "value": "poor"},
        "points": 30,
        "labels": {"vi": "hộ nghèo", "zh": "贫困户", "en": "poor household"},
    },
    {
        "when": {"field": "household_status", "op": "eq", "value": "near_poor"},
        "points": 20,
        "labels": {"vi": "hộ cận nghèo", "zh": "近贫户", "en": "near-poor household"},
    },
    {
        "when": {"field": "at_risk", "op": "is_true"},
        "points": 20,
        "labels": {"vi": "có nguy cơ bỏ học", "zh": "有辍学风险", "en": "at risk of dropping out"},
    },
    {
        "when": {
            "any": [{"field": "orphan", "op": "is_true"}, {"field": "disabled", "op": "is_true"}]
        },
        "points": 10,
        "labels": {"vi": "mồ côi, khuyết tật", "zh": "孤儿或残疾", "en": "orphan or disabled"},
    },
]


def set_up_demo_rounds(*, checker, school_year: int, paid_on: dt.date) -> dict[str, int]:
    """One scholarship round per jurisdiction, made by the fund's officer and approved by
    `checker`, published and paid from half the fund's free cash."""
    from reach.accounts.models import User
    from reach.funds.choices import AccountKind
    from reach.funds.models import Account
    from reach.funds.selectors import balance_of
    from reach.funds.services.rounds import (
        DEFAULT_OBJECTION_DAYS,
        RoundInput,
        approve_round,
        award_round,
        create_round,
        draw_candidates,
        publish_round,
        submit_round,
    )

    counts = {"rounds": 0, "candidates": 0, "awards": 0, "refused": 0, "objections": 0}
    for fund_code, code, names, maker_name, tiers, quota in DEMO_ROUNDS:
        fund = Fund.objects.get(code=fund_code)
        maker = User.objects.get(username=maker_name)
        free = Account.objects.filter(fund=fund, kind=AccountKind.FREE_CASH).first()
        budget = (balance_of(free.pk) if free else 0) // 2
        if budget <= 0:
            continue
        round_ = create_round(
            actor=maker,
            fund=fund,
            data=RoundInput(
                code=code,
                names=names,
                school_year=school_year,
                budget_minor=budget,
                criteria=DEMO_ROUND_CRITERIA,
                score_rules=DEMO_ROUND_RULES,
                tiers=tiers,
                quota_per_school=quota,
            ),
        )
        counts["rounds"] += 1
        counts["candidates"] += draw_candidates(actor=maker, round_=round_)
        submit_round(actor=maker, round_=round_)
        approve_round(actor=checker, round_=round_)
        # the notice posted a week and a day before the payment: its objection period is over
        posted = paid_on - dt.timedelta(days=DEFAULT_OBJECTION_DAYS + 1)
        publish_round(actor=maker, round_=round_, today=posted)
        counts["objections"] += _object_and_dismiss(round_, maker, checker, posted)
        result = award_round(actor=maker, round_=round_, on=paid_on, today=paid_on)
        counts["awards"] += len(result.paid)
        counts["refused"] += len(result.refused)
    return counts


def _object_and_dismiss(round_, maker, checker, posted: dt.date) -> int:
    """An objection to the notice's first line, recorded on the day it is posted and
    dismissed by the checker: the notice page shows how one is taken and answered."""
    from reach.funds.choices import CandidateOutcome
    from reach.funds.services.round_objections import (
        dismiss_round_objection,
        record_round_objection,
    )

    first = round_.candidates.filter(outcome=CandidateOutcome.SELECTED).order_by("-score").first()
    if first is None:
        return 0
    objection = record_round_objection(
        actor=maker,
        round_=round_,
        candidate_id=first.pk,
        raised_by="Demo",
        reason="The family's income rose this year.",
        today=posted,
    )
    dismiss_round_objection(
        actor=checker,
        objection=objection,
        reason="The household is still listed as poor for this year.",
    )
    return 1
