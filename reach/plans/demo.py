"""The demo's plans (issue 20; seeds 000, 002, 003) and their targets, whose actuals come from
the demo's generated records:

- the Ministry's 237/KH-BGDĐT (22/02/2023, seed 003) with a few tasks of its appendix and its
  target "children of poor and near-poor households at school at the right age: 90%";
- District 12's 351/KH-GDĐT (29/3/2024, seed 000) implementing the district People's
  Committee's 717/KH-UBND-LĐTBXH: the two deprivation indicators brought down, 100% of poor
  and near-poor pupils given their tuition exemption, scholarships (not available yet), and
  the right-age target for ward Thạnh Xuân (merged into Thới An on 2025-07-01, so its actual
  is of its last year, 2024; the district's own targets reach its wards of each year by the
  units' links);
- Guiding county's education poverty-alleviation plan (教育局扶贫工作方案, seed 002): no pupil
  of a poor family out of school (确保贫困家庭学生不因贫失学), read as the dropout rate, and
  控辍保学, read as the return rate of the year's dropouts.

The plans keep the dates their documents bear; their targets are measured in the demo's school
years (`school_year`), since the generated records are of those years. No plan states a baseline,
so none is given. Everything goes through the services, so every plan and target is audited."""

import datetime as dt
from decimal import Decimal

from reach.accounts.models import User
from reach.geo.models import Organisation, Unit
from reach.plans.choices import TargetDirection
from reach.plans.models import Plan, PlanTask
from reach.plans.services import Basis, create_plan, create_target
from reach.plans.windows import parse_window

MINISTRY_TASKS = [  # section, number, content, window, lead, co-operating, deliverable
    ("I", "", "Dự án 2: Đa dạng hóa sinh kế, phát triển các mô hình giảm nghèo", "Cả năm",
     "Vụ GDCTHSSV", "Các cơ sở đào tạo", "Các dự án được phê duyệt triển khai thực hiện"),
    ("I", "1", "Hướng dẫn các cơ sở đào tạo có các mô hình, dự án ý tưởng khởi nghiệp nhằm hỗ "
     "trợ đồng bào giải quyết sinh kế, việc làm giảm nghèo khả thi xây dựng dự án tham gia "
     "Chương trình", "Tháng 02/2023", "Vụ GDCTHSSV", "Các đơn vị liên quan thuộc Bộ",
     "Văn bản hướng dẫn"),
    ("I", "2", "Tổ chức xét duyệt dự án, kế hoạch của các cơ sở đào tạo", "Tháng 03/2023",
     "Vụ GDCTHSSV", "Vụ KHTC; Các đơn vị liên quan thuộc Bộ", "Các dự án được xét duyệt"),
    ("II", "", "Tiêu dự án 1 - Dự án 6: Giảm nghèo về thông tin", "Cả năm", "Báo GDĐTĐ",
     "Các đơn vị có liên quan", ""),
    ("II", "1", "Xây dựng chuyên mục của Chương trình mục tiêu quốc gia giảm nghèo bền vững năm "
     "2023", "01/2023-12/2023", "Báo GDĐTĐ", "Các Vụ GD MN; GD TH; GD TX",
     "Các tin bài về Chương trình"),
]  # fmt: skip


def _tasks(plan: Plan, rows: list[tuple[str, str, str, str, str, str, str]]) -> None:
    """The appendix rows as the task-table import would stage them (the demo has no file)."""
    for position, (section, number, content, window, lead, co, deliverable) in enumerate(rows):
        read = parse_window(window, year=plan.year)
        PlanTask.objects.create(
            plan=plan,
            section=section,
            number=number,
            position=position,
            content=content,
            window_text=window,
            starts_on=read.starts_on,
            ends_on=read.ends_on,
            window_understood=read.understood,
            lead_text=lead,
            co_text=co,
            deliverable=deliverable,
        )


def set_up_demo_plans(*, actor: User, school_year: int) -> dict[str, int]:
    """The three jurisdictions' plans and targets; returns how many of each were made."""
    vn, d12, ward = (Unit.objects.get(code=c) for c in ("VN", "761", "26734"))
    county = Unit.objects.get(code="522723000000")
    ministry = create_plan(
        actor=actor,
        code="237/KH-BGDĐT",
        number="237/KH-BGDĐT",
        title="Triển khai thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền vững của Bộ "
        "Giáo dục và Đào tạo năm 2023",
        unit=vn,
        issued_on=dt.date(2023, 2, 22),
        starts_on=dt.date(2023, 1, 1),
        ends_on=dt.date(2023, 12, 31),
        objectives="Duy trì tỉ lệ trẻ em thuộc hộ nghèo, hộ cận nghèo đi học đúng độ tuổi đạt 90%.",
        bases=[Basis(document="Quyết định số 90/QĐ-TTg ngày 18/01/2022 của Thủ tướng Chính phủ")],
    )
    _tasks(ministry, MINISTRY_TASKS)
    committee = create_plan(
        actor=actor,
        code="717/KH-UBND-LĐTBXH",
        number="717/KH-UBND-LĐTBXH",
        title="Thực hiện Chương trình mục tiêu quốc gia Giảm nghèo bền vững năm 2024",
        unit=d12,
        organisation=Organisation.objects.filter(code="VN761-UBND").first(),
        issued_on=dt.date(2024, 2, 1),
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2024, 12, 31),
        implements=ministry,
    )
    district = create_plan(
        actor=actor,
        code="351/KH-GDĐT",
        number="351/KH-GDĐT",
        title="Thực hiện Chương trình mục tiêu quốc gia Giảm nghèo bền vững năm 2024",
        unit=d12,
        organisation=Organisation.objects.filter(code="VN761-PGD").first(),
        issued_on=dt.date(2024, 3, 29),
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2024, 12, 31),
        objectives="Kéo giảm 02 chỉ số thiếu hụt về chiều Giáo dục và Đào tạo; đảm bảo 100% học "
        "sinh thuộc diện hộ nghèo, hộ cận nghèo được thực hiện miễn, giảm học phí đúng quy định; "
        "hỗ trợ học bổng cho học sinh thuộc diện hộ nghèo, hộ cận nghèo.",
        implements=committee,
        bases=[Basis(plan=committee)],
    )
    guiding = create_plan(
        actor=actor,
        code="GD-JYJ-2015",
        title="教育局扶贫工作方案",
        unit=county,
        organisation=Organisation.objects.filter(code="CN522723-JYJ").first(),
        starts_on=dt.date(2015, 1, 1),
        objectives="构建全县贫困学生资助精准扶贫工作体系,确保贫困家庭学生不因贫失学。",
        bases=[Basis(document="贵党发[2015]33号")],
    )
    at_least, at_most = TargetDirection.AT_LEAST, TargetDirection.AT_MOST
    targets = [  # plan, indicator, value, direction, unit, wording
        (ministry, "right_age_attendance", "90", at_least, vn,
         "Duy trì tỉ lệ trẻ em thuộc hộ nghèo, hộ cận nghèo đi học đúng độ tuổi đạt 90%"),
        (district, "child_deprivation", "5", at_most, d12,
         "Kéo giảm chỉ số thiếu hụt về tình trạng đi học của trẻ em từ 3 tuổi đến dưới 16 tuổi"),
        (district, "adult_deprivation", "20", at_most, d12,
         "Kéo giảm chỉ số thiếu hụt về trình độ giáo dục của người lớn từ 16 đến 30 tuổi"),
        (district, "tuition_exemption_coverage", "100", at_least, d12,
         "Đảm bảo 100% học sinh thuộc diện hộ nghèo, hộ cận nghèo được thực hiện miễn, giảm học "
         "phí đúng quy định"),
        (district, "scholarship_coverage", "100", at_least, d12,
         "Hỗ trợ học bổng cho học sinh thuộc diện hộ nghèo, hộ cận nghèo"),
        (district, "right_age_attendance", "90", at_least, ward,
         "Tỉ lệ trẻ em thuộc hộ nghèo, hộ cận nghèo đi học đúng độ tuổi đạt 90% (phường)"),
        (guiding, "dropout_rate", "0", at_most, county, "确保贫困家庭学生不因贫失学"),
        (guiding, "return_rate", "100", at_least, county,
         "认真执行“控辍保学”三项制度,进一步从源头上控制辍学现象的发生"),
    ]  # fmt: skip
    for plan, indicator, value, direction, unit, wording in targets:
        create_target(
            actor=actor,
            plan=plan,
            indicator=indicator,
            value=Decimal(value),
            direction=direction,
            unit=unit,
            school_year=school_year,
            wording=wording,
        )
    return {"plans": 4, "tasks": len(MINISTRY_TASKS), "targets": len(targets)}
