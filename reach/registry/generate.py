"""Deterministic demo data: households, members, poverty statuses and enrolments.

The same unit, seed, household count and year always give the same rows, so demos, tests and
benchmarks are reproducible. Rows are built in memory and written chunk by chunk, one
transaction and one prepared INSERT per table per chunk; household codes make reruns idempotent.
"""

import datetime as dt
import gc
import random
from bisect import bisect
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from itertools import accumulate
from operator import attrgetter
from typing import TypeVar

from django.db import connection, models, transaction
from django.db.models import Q
from django.db.models.base import ModelState

from reach.accounts.choices import AuditAction
from reach.accounts.services import record_audit_event
from reach.geo.choices import UnitLevel
from reach.geo.models import PATH_SEPARATOR, School, Unit
from reach.registry.choices import EducationCompleted as Completed
from reach.registry.choices import EducationLevel as Level
from reach.registry.choices import EnrolmentStatus, HouseholdStatus, Relation, Sex
from reach.registry.models import Enrolment, Household, HouseholdYearStatus, Person

T = TypeVar("T")
CHUNK_HOUSEHOLDS = 5000
BATCH_SIZE = 2000
LOOKUP_BATCH = 900  # stays under SQLite's 999 bound parameters per statement
SQLITE_LOAD_CACHE_KIB = 262_144  # page cache while loading: random index inserts stay in memory
CHINA_CHECK_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
HEAD_AGE_BANDS = ((22, 29), (30, 39), (40, 49), (50, 59), (60, 69), (70, 88))
HEAD_AGE_WEIGHTS = (8, 22, 25, 21, 15, 9)
COMPLETED_ORDER = (
    Completed.NONE,
    Completed.PRIMARY,
    Completed.LOWER_SECONDARY,
    Completed.UPPER_SECONDARY,
    Completed.VOCATIONAL,
    Completed.HIGHER,
)


class GenerationError(ValueError):
    """Demo data cannot be generated for this unit."""


@dataclass(frozen=True)
class GenerationResult:
    households: int
    persons: int
    enrolments: int
    statuses: int


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


def china_id_check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of a Chinese resident ID (GB 11643-1999)."""
    pairs = zip(first17, CHINA_CHECK_WEIGHTS, strict=True)
    total = sum(int(digit) * weight for digit, weight in pairs)
    return "10X98765432"[total % 11]


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def profile_for(unit: Unit) -> Profile:
    return CHINA if unit.path.split(PATH_SEPARATOR)[0] == "CN" else VIETNAM


@dataclass
class CommuneContext:
    unit: Unit
    schools: dict[str, list[School]]  # level -> schools of the commune teaching it
    district_schools: dict[str, list[School]]  # level -> schools of its district teaching it
    decisions: dict[int, str]  # year -> poverty decision
    id_area: str  # province (VN) or county (CN) code that national IDs start with


@dataclass
class HouseholdRows:
    """Unsaved rows of one household; foreign keys are set once the parents have ids."""

    household: Household
    statuses: list[HouseholdYearStatus]
    persons: list[Person]
    enrolments: list[tuple[Person, Enrolment]]


class InstanceMaker:
    """Makes an unsaved instance equal to `model(**values)` (values by attname) without
    Model.__init__'s per-field work, which dominates building a million rows."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        fields = model._meta.concrete_fields
        self.dynamic = [f for f in fields if f.has_default() and callable(f.default)]
        self.static = {f.attname: f.get_default() for f in fields if f not in self.dynamic}

    def __call__(self, **values):
        obj = self.model.__new__(self.model)
        obj._state = ModelState()
        state = obj.__dict__
        state.update(self.static)
        for f in self.dynamic:
            state[f.attname] = f.get_default()
        state.update(values)
        return obj


def _by_level(schools: Iterable[School]) -> dict[str, list[School]]:
    found: dict[str, list[School]] = {}
    for school in schools:
        for level in school.levels:
            found.setdefault(level, []).append(school)
    return found


def _district_path(commune: Unit) -> str:
    return commune.path.rpartition(PATH_SEPARATOR)[0] or commune.path


class HouseholdBuilder:
    """Builds the unsaved rows of household number `index` of a seeded generation.

    Households must be built in index order: each continues the one seeded random stream."""

    def __init__(self, *, unit: Unit, seed: int, year: int) -> None:
        self.unit, self.seed, self.year = unit, seed, year
        self.profile = profile = profile_for(unit)
        self.china = profile is CHINA
        self.rng = random.Random(seed)
        self.communes = self._communes()
        self.sept1 = [dt.date(year - age, 9, 1).toordinal() for age in range(110)]
        self.id_counters: dict[object, int] = {}
        self.size_cum = list(accumulate(profile.size_weights))
        self.head_age_cum = list(accumulate(HEAD_AGE_WEIGHTS))
        self.family_cum = list(accumulate(profile.family_weights))
        self.ethnicity_cum = list(accumulate(profile.ethnicity_weights))
        self.status_cum = [list(accumulate(weights)) for weights in profile.status_weights]
        self.completed_cum = [(top, list(accumulate(w))) for top, w in profile.completed_by_age]
        self.new_household = InstanceMaker(Household)
        self.new_status = InstanceMaker(HouseholdYearStatus)
        self.new_person = InstanceMaker(Person)
        self.new_enrolment = InstanceMaker(Enrolment)

    def _communes(self) -> list[CommuneContext]:
        unit = self.unit
        communes = [unit] if unit.level == UnitLevel.COMMUNE else []
        communes = communes or list(
            Unit.objects.filter(
                path__startswith=unit.path + PATH_SEPARATOR, level=UnitLevel.COMMUNE
            )
            .select_related("parent")
            .order_by("path")
        )
        if not communes:
            raise GenerationError(f"unit {unit.code} has no communes to place households in")
        in_districts = Q()
        for district in {_district_path(commune) for commune in communes}:
            in_districts |= Q(unit__path=district) | Q(
                unit__path__startswith=district + PATH_SEPARATOR
            )
        schools = list(School.objects.filter(in_districts).select_related("unit").order_by("code"))
        if not schools:
            raise GenerationError(f"unit {unit.code} has no schools for its children to attend")
        contexts = []
        for commune in communes:
            district = _district_path(commune)
            parts = commune.path.split(PATH_SEPARATOR)
            if self.china:
                area = parts[2][:6] if len(parts) > 2 and parts[2][:6].isdigit() else "522723"
                county = commune.parent.name if commune.parent_id else commune.name
                decisions = {
                    year: f"{county}扶贫办认定 {year}" for year in (self.year - 1, self.year)
                }
            else:
                area = parts[1].zfill(3)[-3:] if len(parts) > 1 and parts[1].isdigit() else "001"
                decisions = {
                    year: f"QĐ {self._int(100, 9999)}/QĐ-UBND ngày 15/12/{year - 1}"
                    for year in (self.year - 1, self.year)
                }
            contexts.append(
                CommuneContext(
                    unit=commune,
                    schools=_by_level(s for s in schools if s.unit_id == commune.id),
                    district_schools=_by_level(
                        s
                        for s in schools
                        if s.unit.path == district
                        or s.unit.path.startswith(district + PATH_SEPARATOR)
                    ),
                    decisions=decisions,
                    id_area=area,
                )
            )
        return contexts

    def issue_national_id(self, *, area: str, birth_date: dt.date, sex: str) -> str | None:
        """The next unused ID for this birth date and sex; None once the serials run out.

        Serials step through a permutation offset by the seed and the birth date, so IDs look
        random, never repeat within a generation and rarely meet another seed's (the writer
        checks the database for those)."""
        male = sex == Sex.MALE
        if self.china:
            key: object = (area, birth_date, male)
            count = self.id_counters[key] = self.id_counters.get(key, -1) + 1
            if count >= 500:
                return None
            offset = self.seed * 7 + birth_date.toordinal() * 211
            serial = (offset + count * 193) % 500 * 2 + male  # the 17th digit is odd for men
            body = f"{area}{birth_date:%Y%m%d}{serial:03d}"
            return body + china_id_check_char(body)
        century_sex = (birth_date.year // 100 - 19) * 2 + (not male)
        prefix = f"{area}{century_sex}{birth_date.year % 100:02d}"
        count = self.id_counters[prefix] = self.id_counters.get(prefix, -1) + 1
        if count >= 1_000_000:
            return None
        offset = self.seed * 618_034 + int(prefix) * 75_853
        return f"{prefix}{(offset + count * 387_403) % 1_000_000:06d}"

    def _int(self, low: int, high: int) -> int:
        """A uniform integer in [low, high]; random() is several times cheaper than randint()."""
        return low + int(self.rng.random() * (high - low + 1))

    def _choice(self, items: Sequence[T]) -> T:
        return items[int(self.rng.random() * len(items))]

    def _pick(self, items: Sequence[T], cumulative: Sequence[float]) -> T:
        """An item drawn with the weights whose running totals are `cumulative`."""
        return items[bisect(cumulative, self.rng.random() * cumulative[-1])]

    def _sex(self) -> str:
        return Sex.MALE if self.rng.random() < 0.51 else Sex.FEMALE

    def _family_name(self) -> str:
        return self._pick(self.profile.family_names, self.family_cum)

    def _ethnicity(self) -> str:
        return self._pick(self.profile.ethnicities, self.ethnicity_cum)

    def _members(self) -> list[tuple[str, int, str]]:
        """(relation to the head, age on 1 September, sex) of each member, the head first."""
        random_ = self.rng.random
        size = 1 + bisect(self.size_cum, random_() * self.size_cum[-1])
        low, high = HEAD_AGE_BANDS[bisect(self.head_age_cum, random_() * self.head_age_cum[-1])]
        head_age = self._int(low, high)
        head_sex = Sex.MALE if random_() < self.profile.male_head else Sex.FEMALE
        members = [(Relation.HEAD, head_age, head_sex)]
        rest = size - 1
        if rest and random_() < (0.85 if head_age < 75 else 0.5):
            gap = self._int(-2, 6)  # husbands are mostly a few years older
            spouse_age = max(18, head_age - gap if head_sex == Sex.MALE else head_age + gap)
            spouse_sex = Sex.FEMALE if head_sex == Sex.MALE else Sex.MALE
            members.append((Relation.SPOUSE, spouse_age, spouse_sex))
            rest -= 1
        if head_age < 55:
            children = min(rest, 3)
            if children and random_() < 0.25:
                children -= 1  # the slot goes to a young adult relative or lodger
                members.append((Relation.OTHER, self._int(18, 35), self._sex()))
                rest -= 1
            for _ in range(children):
                age = max(0, head_age - self._int(20, min(42, head_age)))
                members.append((Relation.CHILD, age, self._sex()))
            parents = min(rest - children, 2) if head_age <= 70 else 0
            for n in range(parents):
                sex = Sex.MALE if n == 0 and random_() < 0.5 else Sex.FEMALE
                members.append((Relation.PARENT, head_age + self._int(22, 32), sex))
            rest -= children + parents
        else:
            children = min(rest, self._choice((0, 1, 1, 2, 2)))
            for _ in range(children):
                members.append((Relation.CHILD, head_age - self._int(22, 35), self._sex()))
            grandchildren = min(rest - children, 3)
            for _ in range(grandchildren):
                age = self._int(0, max(0, min(17, head_age - 45)))
                members.append((Relation.GRANDCHILD, age, self._sex()))
            rest -= children + grandchildren
        for _ in range(rest):
            if random_() < 0.5:
                age = max(15, head_age + self._int(-10, 10))
                members.append((Relation.SIBLING, age, self._sex()))
            else:
                members.append((Relation.OTHER, self._int(18, 60), self._sex()))
        return members

    def build(self, index: int) -> HouseholdRows:
        rng, profile, year = self.rng, self.profile, self.year
        commune = self.communes[int(rng.random() * len(self.communes))]
        members = self._members()
        ethnicity = self._ethnicity()
        minority = ethnicity != profile.ethnicities[0]
        status = self._pick(profile.statuses, self.status_cum[minority])
        vulnerable = status in (HouseholdStatus.POOR, HouseholdStatus.NEAR_POOR)
        family, spouse_family = self._family_name(), self._family_name()
        head_sex = members[0][2]
        spouse = len(members) > 1 and members[1][0] == Relation.SPOUSE
        paternal = family if head_sex == Sex.MALE or not spouse else spouse_family
        persons, enrolments = [], []
        for relation, age, sex in members:
            if relation == Relation.HEAD or (relation == Relation.PARENT and sex == Sex.MALE):
                surname = family
            elif relation == Relation.SPOUSE:
                surname = spouse_family
            elif relation in (Relation.CHILD, Relation.GRANDCHILD):
                surname = paternal
            else:
                surname = self._family_name()
            if relation == Relation.SPOUSE and rng.random() < 0.15:
                member_ethnicity = self._ethnicity()
            else:
                member_ethnicity = ethnicity
            person, enrolment = self._person(
                commune, relation, min(age, 105), sex, surname, member_ethnicity, vulnerable
            )
            persons.append(person)
            if enrolment is not None:
                enrolments.append((person, enrolment))
        household = self.new_household(
            code=f"{commune.unit.code}-{self.seed}-{index:06d}",
            unit_id=commune.unit.id,
            head_name=persons[0].full_name,
            address=self._address(commune),
        )
        statuses = [self._status(commune, year, status)]
        if status != HouseholdStatus.NONE:
            statuses.append(self._status(commune, year - 1, self._status_before(status)))
        return HouseholdRows(household, statuses, persons, enrolments)

    def _status(self, commune: CommuneContext, year: int, status: str) -> HouseholdYearStatus:
        decision = commune.decisions[year] if status != HouseholdStatus.NONE else ""
        return self.new_status(year=year, status=status, decision=decision)

    def _status_before(self, status: str) -> str:
        """Last year's status of a household holding `status` this year."""
        draw = self.rng.random()
        if status == HouseholdStatus.POOR and not self.china and draw < 0.15:
            return HouseholdStatus.NEAR_POOR
        if status in (HouseholdStatus.POOR, HouseholdStatus.ESCAPED_POOR):
            return HouseholdStatus.POOR
        if status == HouseholdStatus.NEAR_POOR and draw < 0.2:
            return HouseholdStatus.NONE
        return HouseholdStatus.NEAR_POOR

    def _full_name(self, surname: str, sex: str) -> str:
        choice = self._choice
        if self.china:
            given = CN_GIVEN[sex]
            if self.rng.random() < 0.35:
                return surname + choice(given)
            return surname + choice(given) + choice(given)
        return f"{surname} {choice(VN_MIDDLE[sex])} {choice(VN_GIVEN[sex])}"

    def _address(self, commune: CommuneContext) -> str:
        name = commune.unit.name
        if self.china:
            village = self._choice(CN_VILLAGES)
            return f"{name}{village}村{self._int(1, 12)}组{self._int(1, 80)}号"
        number, alley = self._int(1, 999), self._int(1, 60)
        return f"{number}/{alley} {self._choice(VN_STREETS)}, Khu phố {self._int(1, 9)}, {name}"

    def _person(
        self,
        commune: CommuneContext,
        relation: str,
        age: int,
        sex: str,
        surname: str,
        ethnicity: str,
        vulnerable: bool,
    ) -> tuple[Person, Enrolment | None]:
        random_ = self.rng.random
        birth_date = dt.date.fromordinal(self.sept1[age] - int(random_() * 365))
        disabled = random_() < 0.015
        orphan = age < 16 and random_() < 0.005
        if orphan and relation == Relation.CHILD:
            relation = Relation.OTHER  # a foster child of the household
        national_id = None
        if age >= 14 and random_() < 0.9:
            national_id = self.issue_national_id(
                area=commune.id_area, birth_date=birth_date, sex=sex
            )
        full_name = self._full_name(surname, sex)
        enrolment = None
        if 3 <= age <= 22:
            enrolment = self._enrolment(commune, age, vulnerable or disabled)
        completed = self._completed(age, enrolment.level if enrolment else None)
        person = self.new_person(
            full_name=full_name,
            sex=sex,
            birth_date=birth_date,
            national_id=national_id,
            ethnicity=ethnicity,
            ethnic_minority=ethnicity != self.profile.ethnicities[0],
            disabled=disabled,
            orphan=orphan,
            martyr_child=random_() < 0.001,
            relation=relation,
            education_completed=completed,
            vocational_certificate=completed == Completed.VOCATIONAL
            or (18 <= age < 60 and random_() < 0.08),
        )
        return person, enrolment

    def _completed(self, age: int, attending: str | None) -> str:
        """Highest education completed, consistent with age and the level attended now."""
        random_ = self.rng.random
        if age < 11:
            return Completed.NONE
        if age < 15:
            return Completed.PRIMARY if attending or random_() < 0.7 else Completed.NONE
        if attending == Level.HIGHER_EDUCATION:
            return Completed.UPPER_SECONDARY
        if age < 18:
            if attending or random_() < 0.6:
                return Completed.LOWER_SECONDARY
            return Completed.PRIMARY
        cumulative = next(cum for top, cum in self.completed_cum if age <= top)
        completed = self._pick(COMPLETED_ORDER, cumulative)
        return (
            Completed.UPPER_SECONDARY if completed == Completed.HIGHER and age < 22 else completed
        )

    def _enrolment(self, commune: CommuneContext, age: int, vulnerable: bool) -> Enrolment | None:
        """This school year's enrolment of someone `age` on 1 September; None: not in school."""
        random_, profile = self.rng.random, self.profile
        risk = 2.5 if vulnerable else 1.0
        if age <= 5:
            if random_() > profile.preschool_rate:
                return None
            level, grade, dropout = Level.PRESCHOOL, None, 0.0
        elif age <= 14:
            if random_() < 0.03 * risk:
                return None
            if age <= 10:
                level, grade, dropout = Level.PRIMARY, age - 5, 0.005
            else:
                level, grade, dropout = Level.LOWER_SECONDARY, age - 5, 0.015
        elif age <= 17:
            draw = random_() + (0.15 if vulnerable else 0.0)
            if draw < profile.upper_secondary_rate:
                level, grade, dropout = Level.UPPER_SECONDARY, age - 5, 0.03
            elif draw < profile.upper_secondary_rate + 0.15:
                level, grade, dropout = Level.VOCATIONAL_SECONDARY, age - 14, 0.04
            else:
                return None
        else:
            if random_() > (0.15 if vulnerable else 0.3):
                return None
            level, grade, dropout = Level.HIGHER_EDUCATION, None, 0.02
        schools = commune.schools.get(level) or commune.district_schools.get(level)
        school = schools[int(random_() * len(schools))] if schools else None
        boarding = bool(school and school.boarding and random_() < profile.boarding.get(level, 0))
        dropped = random_() < dropout * risk
        return self.new_enrolment(
            school_id=school.id if school else None,
            school_year=self.year,
            level=level,
            grade=grade,
            boarding=boarding,
            status=EnrolmentStatus.DROPPED_OUT if dropped else EnrolmentStatus.ENROLLED,
            attendance_rate=self._int(30, 69) if dropped else 100 - int(random_() ** 2 * 31),
        )


def _existing(model: type[models.Model], column: str, values: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(values), LOOKUP_BATCH):
        batch = values[start : start + LOOKUP_BATCH]
        found.update(
            model.objects.filter(**{f"{column}__in": batch}).values_list(column, flat=True)
        )
    return found


def _replace_taken_ids(builder: HouseholdBuilder, persons: list[Person]) -> None:
    """Give a fresh ID to every person whose generated ID someone in the database holds."""
    taken = _existing(Person, "national_id", [p.national_id for p in persons if p.national_id])
    area_length = 6 if builder.china else 3
    for person in persons:
        while person.national_id in taken:
            person.national_id = builder.issue_national_id(
                area=person.national_id[:area_length], birth_date=person.birth_date, sex=person.sex
            )
            if (
                person.national_id
                and Person.objects.filter(national_id=person.national_id).exists()
            ):
                taken.add(person.national_id)


def _reserve_ids(model: type[models.Model], count: int) -> Sequence[int]:
    """Primary keys for `count` new rows, taken inside the chunk's transaction.

    SQLite: after the highest id ever used (the IMMEDIATE transaction holds the write lock).
    PostgreSQL: drawn from the table's own sequence, so concurrent inserts stay safe."""
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor != "sqlite":
            raise GenerationError(f"demo data generation does not support {connection.vendor}")
        quote = connection.ops.quote_name
        cursor.execute(
            f"SELECT MAX({quote(column)}) FROM {quote(table)} "  # noqa: S608 - names from _meta
            "UNION ALL SELECT seq FROM sqlite_sequence WHERE name = %s",
            [table],
        )
        top = max((row[0] or 0 for row in cursor.fetchall()), default=0)
    return range(top + 1, top + 1 + count)


PLAIN_FIELDS = (models.BooleanField, models.CharField, models.ForeignKey, models.IntegerField)


def _insert(model: type[models.Model], objs: list, *, with_pk: bool) -> None:
    """INSERT the instances with one prepared statement (executemany), as bulk_create would
    but without preparing each value through the ORM: plain values go to the driver as they
    are, dates through the backend's adapter, auto_now timestamps once per call, any other
    field through its own get_db_prep_save."""
    if not objs:
        return
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    converters: list[tuple[int, Callable]] = []
    constants: list[tuple[int, object]] = []
    for position, f in enumerate(fields):
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            stamp = f.pre_save(objs[0], True)
            for obj in objs:
                setattr(obj, f.attname, stamp)
            constants.append((position, f.get_db_prep_save(stamp, connection)))
        elif isinstance(f, models.DateTimeField):
            converters.append((position, connection.ops.adapt_datetimefield_value))
        elif isinstance(f, models.DateField):
            converters.append((position, connection.ops.adapt_datefield_value))
        elif not isinstance(f, PLAIN_FIELDS) and not f.primary_key:
            converters.append((position, lambda value, f=f: f.get_db_prep_save(value, connection)))
    values_of = attrgetter(*(f.attname for f in fields))
    rows = []
    for obj in objs:
        values = list(values_of(obj))
        for position, convert in converters:
            values[position] = convert(values[position])
        for position, constant in constants:
            values[position] = constant
        rows.append(values)
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from _meta
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH_SIZE):
            cursor.executemany(sql, rows[start : start + BATCH_SIZE])


def _write_chunk(
    builder: HouseholdBuilder, chunk: list[HouseholdRows], *, check_ids: bool
) -> list[int]:
    existing = _existing(Household, "code", [rows.household.code for rows in chunk])
    chunk = [rows for rows in chunk if rows.household.code not in existing]
    if not chunk:
        return [0, 0, 0, 0]
    statuses = [status for rows in chunk for status in rows.statuses]
    persons = [person for rows in chunk for person in rows.persons]
    enrolments = [enrolment for rows in chunk for _, enrolment in rows.enrolments]
    with transaction.atomic():
        if check_ids:
            _replace_taken_ids(builder, persons)
        person_ids = iter(_reserve_ids(Person, len(persons)))
        for rows, household_id in zip(chunk, _reserve_ids(Household, len(chunk)), strict=True):
            rows.household.id = household_id
            for status in rows.statuses:
                status.household_id = household_id
            for person in rows.persons:
                person.id = next(person_ids)
                person.household_id = household_id
            for person, enrolment in rows.enrolments:
                enrolment.person_id = person.id
        _insert(Household, [rows.household for rows in chunk], with_pk=True)
        _insert(HouseholdYearStatus, statuses, with_pk=False)
        _insert(Person, persons, with_pk=True)
        _insert(Enrolment, enrolments, with_pk=False)
    return [len(chunk), len(persons), len(enrolments), len(statuses)]


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """The rows built hold no reference cycles, so reference counting frees them; pausing the
    cyclic collector, which would rescan every live instance again and again, halves the time
    spent building them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def _bulk_load_cache() -> Iterator[None]:
    """On SQLite, a large page cache for the load, so that random-order index inserts (names,
    national IDs) do not read pages back from disk; the connection's setting is restored."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_LOAD_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {previous}")


def generate_households(
    *,
    unit: Unit,
    households: int,
    seed: int,
    year: int = 2024,
    actor=None,
    progress: Callable[[int, int], None] | None = None,
) -> GenerationResult:
    """Generate `households` demo households across the communes under `unit`.

    Deterministic in (unit, households, seed, year). A household whose code exists already is
    skipped, so a rerun with the same seed creates nothing and a different seed adds more.
    Each chunk is one transaction; the whole run is audited as one creation event."""
    if households < 0:
        raise GenerationError("the number of households cannot be negative")
    builder = HouseholdBuilder(unit=unit, seed=seed, year=year)
    check_ids = Person.objects.filter(national_id__isnull=False).exists()
    chunk_size = min(CHUNK_HOUSEHOLDS, max(100, -(-households // 10)))
    totals = [0, 0, 0, 0]
    with _bulk_load_cache(), _cyclic_gc_paused():
        for start in range(0, households, chunk_size):
            stop = min(households, start + chunk_size)
            chunk = [builder.build(index) for index in range(start, stop)]
            counts = _write_chunk(builder, chunk, check_ids=check_ids)
            totals = [total + count for total, count in zip(totals, counts, strict=True)]
            if progress:
                progress(stop, households)
    result = GenerationResult(*totals)
    if result.households:
        record_audit_event(
            actor=actor,
            action=AuditAction.CREATE,
            obj=unit,
            after={"generated": {**asdict(result), "seed": seed, "year": year}},
            reason="reach generate",
        )
    return result
