"""Builds the unsaved rows of demo households from one seeded random stream."""

import datetime as dt
import random
from bisect import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import TypeVar

from django.db import models
from django.db.models import Q
from django.db.models.base import ModelState

from reach.geo.choices import UnitLevel
from reach.geo.models import PATH_SEPARATOR, School, Unit
from reach.registry.choices import EducationCompleted as Completed
from reach.registry.choices import EducationLevel as Level
from reach.registry.choices import EnrolmentStatus, HouseholdStatus, Relation, Sex
from reach.registry.generate.errors import GenerationError
from reach.registry.generate.profiles import (
    CHINA,
    CN_GIVEN,
    CN_VILLAGES,
    COMPLETED_ORDER,
    VN_GIVEN,
    VN_MIDDLE,
    VN_STREETS,
    china_id_check_char,
    profile_for,
)
from reach.registry.models import Enrolment, Household, HouseholdYearStatus, Person

T = TypeVar("T")
HEAD_AGE_BANDS = ((22, 29), (30, 39), (40, 49), (50, 59), (60, 69), (70, 88))
HEAD_AGE_WEIGHTS = (8, 22, 25, 21, 15, 9)
# Share of households whose working-age parents are away, leaving their children under 16 with
# the household's eldest (demo data, not a statistic).
LEFT_BEHIND_SHARE = {True: 0.12, False: 0.04}  # by china
CHILD_RELATIONS = (Relation.CHILD, Relation.GRANDCHILD)


@dataclass
class CommuneContext:
    unit: Unit
    schools: dict[str, list[School]]  # level -> schools of the commune teaching it
    near_unit_ids: frozenset[int]  # the commune and the communes merged into it: not far
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
            # a ward formed by a merger keeps the schools of the wards it was formed from
            near = frozenset(
                {commune.id} | {s.unit_id for s in schools if s.unit.successor_id == commune.id}
            )
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
                    schools=_by_level(s for s in schools if s.unit_id in near),
                    near_unit_ids=near,
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
        self._leave_behind(household.code, members, persons)
        statuses = [self._status(commune, year, status)]
        if status != HouseholdStatus.NONE:
            statuses.append(self._status(commune, year - 1, self._status_before(status)))
        return HouseholdRows(household, statuses, persons, enrolments)

    def _leave_behind(self, code: str, members: list, persons: list[Person]) -> None:
        """Mark the children under 16 of a household whose parents work away as left behind,
        in the care of its eldest member. Drawn from the household's own stream, so the rest of
        the generated data does not change with it."""
        if random.Random(f"{code}:care").random() >= LEFT_BEHIND_SHARE[self.china]:
            return
        eldest = max(zip(members, persons, strict=True), key=lambda m: m[0][1])
        for (relation, age, _sex), person in zip(members, persons, strict=True):
            if relation in CHILD_RELATIONS and age < 16 and person is not eldest[1]:
                person.left_behind = True
                person.caregiver_name = eldest[1].full_name
                grandparent = eldest[0][0] in (Relation.HEAD, Relation.SPOUSE, Relation.PARENT)
                person.caregiver_relation = "grandparent" if grandparent else "relative"

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
