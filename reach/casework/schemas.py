import datetime as dt

from ninja import Schema

from reach.common.schemas import SchoolYear


class CaseOut(Schema):
    id: int | None  # left out of lists meant for publication
    person_id: int | None
    full_name: str
    household_code: str | None
    unit: str
    unit_name: str
    school_year: int
    kind: str
    status: str
    source: str
    risk_score: int | None
    work_group: str | None
    opened_on: dt.date
    last_visit: dt.date | None
    overdue: bool
    outcome: str
    closed_on: dt.date | None


class CasePage(Schema):
    count: int
    page: int
    page_size: int
    public: bool
    items: list[CaseOut]


class VisitOut(Schema):
    visited_on: dt.date
    visitors: str
    findings: str
    reasons: list[str]
    family_wishes: str


class ActionOut(Schema):
    kind: str
    taken_on: dt.date
    note: str
    linked_object_type: str
    linked_object_id: str


class EntitlementOut(Schema):
    policy: str
    benefit: str
    amount_minor: int
    currency: str


class CaseDetail(CaseOut):
    outcome_note: str
    visits: list[VisitOut]
    actions: list[ActionOut]
    entitlements: list[EntitlementOut]


class BoardOut(Schema):
    unit: str | None
    unit_name: str | None
    cases: int
    open: int
    in_progress: int
    closed: int
    overdue: int
    returnable: int
    returned_to_school: int
    continuing_education: int
    moved_away: int
    unreachable: int
    still_out: int
    stayed_in_school: int
    return_rate: float | None


class BoardPage(Schema):
    school_year: int
    total: BoardOut
    rows: list[BoardOut]


class CampaignRowOut(Schema):
    unit: str
    unit_name: str
    target_returns: int | None
    handled: int
    returned: int
    progress: float | None


class CampaignOut(Schema):
    id: int
    name: str
    kind: str
    school_year: int
    starts_on: dt.date
    ends_on: dt.date
    total: CampaignRowOut
    targets: list[CampaignRowOut]


class CaseOpen(Schema):
    person_id: int
    school_year: SchoolYear
    kind: str
    opened_on: dt.date | None = None
    work_group_id: int | None = None


class CaseAssign(Schema):
    work_group_id: int | None = None


class VisitIn(Schema):
    visited_on: dt.date
    visitors: str
    findings: str = ""
    reasons: list[str] = []
    family_wishes: str = ""


class ActionIn(Schema):
    kind: str
    taken_on: dt.date | None = None
    note: str = ""


class CaseClose(Schema):
    outcome: str
    closed_on: dt.date | None = None
    note: str = ""
    school: str = ""  # code (or id) of the school returned to
    level: str = ""
    grade: int | None = None


class CaseReopen(Schema):
    reason: str


class OpenFromLists(Schema):
    year: SchoolYear
    unit: str = ""


class OpenedCounts(Schema):
    out_of_school: int
    dropped_out: int
    at_risk: int


class CampaignIn(Schema):
    name: str
    kind: str
    unit: str
    school_year: SchoolYear
    starts_on: dt.date
    ends_on: dt.date


class CampaignSummary(Schema):
    id: int
    name: str
    kind: str
    unit: str
    school_year: int
    starts_on: dt.date
    ends_on: dt.date


class TargetIn(Schema):
    unit: str
    target_returns: int


class WorkGroupIn(Schema):
    name: str
    unit: str


class MemberIn(Schema):
    full_name: str
    affiliation: str
    organisation: str = ""
    is_lead: bool = False


class MemberOut(Schema):
    full_name: str
    affiliation: str
    organisation: str
    is_lead: bool


class WorkGroupOut(Schema):
    id: int
    name: str
    unit: str
    unit_name: str
    members: list[MemberOut]
