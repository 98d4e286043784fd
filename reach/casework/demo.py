"""The demo's casework: a work group in each commune and ward (a teacher, a ward or commune
officer, a youth union secretary), the cases of the lists opened at the start of the school
year, and its campaigns (two to bring children back, and in the Chinese county a February care
campaign for left-behind children) with targets per commune (half of its out-of-school and
dropped-out children)."""

import datetime as dt
import math

from reach.accounts.models import User
from reach.casework.selectors import case_board_for_user
from reach.casework.services import (
    add_work_group_member,
    create_campaign,
    create_work_group,
    open_cases_from_lists,
    set_campaign_target,
)
from reach.geo.choices import UnitLevel
from reach.geo.models import Unit
from reach.geo.selectors import units_standing_for
from reach.registry.selectors import units_valid_on

MEMBERS = {  # country -> (name, affiliation, organisation, leads)
    "VN": [
        ("Trần Thị Hạnh", "school", "Giáo viên chủ nhiệm", False),
        ("Lê Văn Dũng", "ward", "Cán bộ phường", True),
        ("Nguyễn Minh Tuấn", "youth_union", "Bí thư Đoàn phường", False),
    ],
    "CN": [
        ("王老师", "school", "班主任", False),
        ("李干部", "ward", "乡镇干部", True),
        ("张书记", "youth_union", "团委书记", False),
    ],
}
CAMPAIGNS = {  # district code -> (name, kind, start, end) with the school year's first year Y
    "761": [
        (
            "Vận động học sinh trở lại lớp sau kỳ nghỉ hè {y}",
            "after_summer",
            (0, 9, 1),
            (0, 10, 31),
        ),
        (
            "Vận động học sinh trở lại lớp sau Tết Nguyên đán {y1}",
            "after_tet",
            (1, 2, 3),
            (1, 3, 15),
        ),
    ],
    "522723000000": [
        ("{y}年秋季开学劝返复学", "after_summer", (0, 9, 1), (0, 10, 31)),
        ("{y1}年春节后劝返复学", "after_tet", (1, 2, 10), (1, 3, 20)),
        ("{y1}年2月留守儿童关爱行动", "care_february", (1, 2, 1), (1, 2, 28)),
    ],
}


def _day(year: int, offset_month_day: tuple[int, int, int]) -> dt.date:
    offset, month, day = offset_month_day
    return dt.date(year + offset, month, day)


def set_up_demo_casework(*, actor: User, school_year: int) -> dict[str, int]:
    """Create the work groups of the communes in force (skipping those that have one), open
    the cases and the campaigns."""
    communes = units_valid_on(
        Unit.objects.filter(level=UnitLevel.COMMUNE, work_groups__isnull=True),
        dt.date(school_year, 9, 1),
    )
    for unit in communes.order_by("path"):
        country = unit.path.split(".")[0]
        if country not in MEMBERS:
            continue
        if country == "CN":
            name = f"{unit.name}控辍保学工作组"
        else:
            name = f"Tổ công tác rà soát học sinh bỏ học {unit.name}"
        group = create_work_group(actor=actor, unit=unit, name=name)
        for full_name, affiliation, organisation, leads in MEMBERS[country]:
            add_work_group_member(
                actor=actor,
                work_group=group,
                full_name=full_name,
                affiliation=affiliation,
                organisation=organisation,
                is_lead=leads,
            )
    opened = open_cases_from_lists(
        actor=actor, school_year=school_year, opened_on=dt.date(school_year, 9, 16)
    )
    for code, campaigns in CAMPAIGNS.items():
        district = Unit.objects.filter(code=code).first()
        if district is None:
            continue
        # a district closed by a reorganisation: the campaign is the city's, over the wards
        # formed from the district's
        area = units_standing_for(district, dt.date(school_year, 9, 1))
        owner = district if area == [district] else district.parent
        _total, rows = case_board_for_user(actor, school_year=school_year, unit=owner)
        rows = [row for row in rows if owner == district or row.unit in area]
        for name, kind, start, end in campaigns:
            campaign = create_campaign(
                actor=actor,
                name=name.format(y=school_year, y1=school_year + 1),
                kind=kind,
                unit=owner,
                school_year=school_year,
                starts_on=_day(school_year, start),
                ends_on=_day(school_year, end),
            )
            for row in rows:
                set_campaign_target(
                    actor=actor,
                    campaign=campaign,
                    unit=row.unit,
                    target_returns=math.ceil(row.board.returnable / 2),
                )
    return opened
