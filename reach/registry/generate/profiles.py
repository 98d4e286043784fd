"""What demo households look like per country: profiles, name tables, ID and age helpers."""

import datetime as dt
from dataclasses import dataclass

from reach.geo.models import PATH_SEPARATOR, Unit
from reach.registry.choices import EducationCompleted as Completed
from reach.registry.choices import EducationLevel as Level
from reach.registry.choices import HouseholdStatus, Sex
from reach.registry.imports.values import cn_check_digit as china_id_check_char  # noqa: F401  (one ISO 7064 implementation)

COMPLETED_ORDER = (
    Completed.NONE,
    Completed.PRIMARY,
    Completed.LOWER_SECONDARY,
    Completed.UPPER_SECONDARY,
    Completed.VOCATIONAL,
    Completed.HIGHER,
)


@dataclass(frozen=True)
class Profile:
    """What households look like in one country's demo jurisdiction."""

    size_weights: tuple[float, ...]  # household sizes 1..8
    male_head: float
    family_names: tuple[str, ...]
    family_weights: tuple[float, ...]
    ethnicities: tuple[str, ...]  # the majority first
    ethnicity_weights: tuple[float, ...]
    statuses: tuple[str, ...]
    status_weights: tuple[tuple[float, ...], tuple[float, ...]]  # majority, minority households
    completed_by_age: tuple[tuple[int, tuple[float, ...]], ...]  # (up to age, COMPLETED_ORDER)
    boarding: dict[str, float]  # level -> share of pupils of boarding schools who board
    preschool_rate: float
    upper_secondary_rate: float

    @property
    def mean_household_size(self) -> float:
        weights = self.size_weights
        return sum(size * w for size, w in enumerate(weights, start=1)) / sum(weights)


VIETNAM = Profile(
    size_weights=(9, 16, 22, 28, 14, 7, 3, 1),
    male_head=0.65,
    family_names=tuple(
        "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý".split()
    ),
    family_weights=(38, 11, 9.5, 7, 2.5, 3, 4.5, 1.5, 2.5, 2.1, 2, 1.4, 1.3, 1.3, 1, 0.5),
    ethnicities=("Kinh", "Hoa", "Khmer", "Chăm", "Tày", "Nùng", "Mường"),
    ethnicity_weights=(93.5, 4.5, 0.7, 0.3, 0.4, 0.3, 0.3),
    statuses=(
        HouseholdStatus.POOR,
        HouseholdStatus.NEAR_POOR,
        HouseholdStatus.ESCAPED_POOR,
        HouseholdStatus.ESCAPED_NEAR_POOR,
        HouseholdStatus.NONE,
    ),
    status_weights=((2, 3, 1, 1, 93), (5, 6, 2, 2, 85)),
    completed_by_age=(
        (24, (0, 4, 22, 52, 14, 8)),
        (39, (1, 7, 25, 35, 12, 20)),
        (59, (3, 18, 38, 25, 7, 9)),
        (200, (12, 38, 30, 13, 3, 4)),
    ),
    boarding={Level.PRIMARY: 0.02, Level.LOWER_SECONDARY: 0.02, Level.UPPER_SECONDARY: 0.05},
    preschool_rate=0.92,
    upper_secondary_rate=0.72,
)
CHINA = Profile(
    size_weights=(14, 22, 22, 22, 12, 5, 2, 1),
    male_head=0.8,
    family_names=tuple("王 李 张 刘 陈 杨 罗 吴 黄 周 赵 何 龙 石 韦 蒙 陆 岑 班".split()),
    family_weights=(8, 7, 5, 4, 6, 8, 9, 7, 3, 3, 2, 3, 4, 4, 5, 3, 3, 2, 2),
    ethnicities=("汉族", "布依族", "苗族", "水族", "仡佬族", "瑶族"),
    ethnicity_weights=(48, 34, 15, 1.5, 1, 0.5),
    statuses=(HouseholdStatus.POOR, HouseholdStatus.ESCAPED_POOR, HouseholdStatus.NONE),
    status_weights=((5, 2, 93), (11, 4, 85)),
    completed_by_age=(
        (24, (0, 5, 35, 35, 15, 10)),
        (39, (2, 15, 45, 18, 10, 10)),
        (59, (6, 35, 40, 12, 4, 3)),
        (200, (30, 45, 17, 6, 1, 1)),
    ),
    boarding={
        Level.PRIMARY: 0.4,
        Level.LOWER_SECONDARY: 0.4,
        Level.UPPER_SECONDARY: 0.8,
        Level.VOCATIONAL_SECONDARY: 0.8,
    },
    preschool_rate=0.88,
    upper_secondary_rate=0.65,
)
VN_MIDDLE = {
    Sex.MALE: tuple("Văn Văn Văn Hữu Đức Minh Quốc Thanh Công Hoàng Gia".split()),
    Sex.FEMALE: tuple("Thị Thị Thị Thị Ngọc Thu Thanh Kim Mỹ Bảo Phương".split()),
}
VN_GIVEN = {
    Sex.MALE: tuple(
        "Anh Bảo Bình Cường Dũng Duy Đạt Hải Hiếu Hùng Huy Khang Khoa Long Minh Nam Nghĩa "
        "Phong Phúc Quang Sơn Tài Thắng Thành Trung Tuấn Việt Vinh Tùng Lộc".split()
    ),
    Sex.FEMALE: tuple(
        "An Anh Châu Chi Diệp Dung Giang Hà Hân Hằng Hạnh Hoa Hương Lan Linh Mai My Ngân "
        "Ngọc Nhi Nhung Oanh Phương Quyên Tâm Thảo Trang Trinh Uyên Vy Yến".split()
    ),
}
CN_GIVEN = {
    Sex.MALE: tuple("伟强军勇杰涛明超俊辉鹏磊刚平华斌浩宇轩博文志国建林海"),
    Sex.FEMALE: tuple("芳娟敏静丽艳燕霞玲梅琳婷雪倩慧颖欣怡萍红兰英春秀"),
}
VN_STREETS = (
    "Hà Huy Giáp,Nguyễn Ảnh Thủ,Tô Ký,Lê Văn Khương,Trường Chinh,Lê Thị Riêng,Nguyễn Văn Quá,"
    "Phan Văn Hớn,Quốc lộ 1A,Vườn Lài,Tô Ngọc Vân,Thạnh Xuân 25"
).split(",")
CN_VILLAGES = "新场 大坪 红旗 金海 和平 联合 光明 青山 石板 龙井 新华 马场".split()


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def profile_for(unit: Unit) -> Profile:
    return CHINA if unit.path.split(PATH_SEPARATOR)[0] == "CN" else VIETNAM
