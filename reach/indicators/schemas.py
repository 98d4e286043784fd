import datetime as dt

from ninja import Schema


class FiguresOut(Schema):
    households: int
    child_population: int
    child_deprived: int
    child_deprived_households: int
    adult_population: int
    adult_deprived: int
    adult_deprived_households: int
    right_age_population: int
    right_age_attending: int
    child_household_rate: float | None
    adult_household_rate: float | None
    right_age_rate: float | None


class ChangesOut(Schema):
    households: float | None
    child_population: float | None
    child_deprived: float | None
    child_deprived_households: float | None
    adult_population: float | None
    adult_deprived: float | None
    adult_deprived_households: float | None
    right_age_population: float | None
    right_age_attending: float | None
    child_household_rate: float | None
    adult_household_rate: float | None
    right_age_rate: float | None


class RollupRowOut(Schema):
    unit: str | None
    unit_name: str | None
    unit_path: str | None
    current: FiguresOut
    previous: FiguresOut
    changes: ChangesOut


class RollupOut(Schema):
    school_year: int
    reference_date: dt.date
    target_percent: int
    previous_available: bool
    total: RollupRowOut
    rows: list[RollupRowOut]


class PersonRowOut(Schema):
    id: int | None  # left out of lists meant for publication
    full_name: str
    national_id: str | None
    birth_date: dt.date | None  # never in lists meant for publication
    age: int
    sex: str
    household_code: str | None
    unit: str
    unit_name: str
    household_status: str | None
    level: str | None
    grade: int | None
    enrolment_status: str | None


class PersonPage(Schema):
    count: int  # the rows of the list, or when count_more, a number it has more than
    count_more: bool
    after: str  # the token this page starts after ("": the first page)
    next_after: str | None  # pass as `after` for the next page; None on the last page
    page_size: int
    public: bool
    masked: bool  # national IDs and birth dates masked (public, or the caller's role)
    items: list[PersonRowOut]


class HouseholdRowOut(Schema):
    id: int | None
    code: str | None
    head_name: str
    unit: str
    unit_name: str
    household_status: str | None
    members_counted: int


class IndicatorHouseholdPage(Schema):
    count: int
    page: int
    page_size: int
    public: bool
    items: list[HouseholdRowOut]


class FactorOut(Schema):
    code: str
    label: str
    weight: int


class AtRiskRowOut(Schema):
    enrolment_id: int
    person_id: int
    full_name: str
    age: int
    household_code: str
    unit: str
    school: str | None
    level: str
    grade: int | None
    attendance_rate: int | None
    risk_score: int
    factors: list[FactorOut]


class AtRiskPage(Schema):
    count: int
    page: int
    page_size: int
    threshold: int
    items: list[AtRiskRowOut]
