"""The demo's casework: a work group in each commune and ward (a teacher, a ward or commune
officer, a youth union secretary) and the cases of the lists of the current school year."""

from reach.casework.services import add_work_group_member, create_work_group, open_cases_from_lists
from reach.geo.choices import UnitLevel
from reach.geo.models import Unit

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


def set_up_demo_casework(*, actor, school_year: int) -> dict[str, int]:
    """Create the work groups (skipping units that have one) and open the cases."""
    for unit in Unit.objects.filter(level=UnitLevel.COMMUNE, work_groups__isnull=True).order_by(
        "path"
    ):
        country = unit.path.split(".")[0]
        if country not in MEMBERS:
            continue
        name = (
            f"{unit.name}控辍保学工作组"
            if country == "CN"
            else f"Tổ công tác rà soát học sinh bỏ học {unit.name}"
        )
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
    return open_cases_from_lists(actor=actor, school_year=school_year)
