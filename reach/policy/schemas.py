import datetime as dt

from ninja import Schema


class PolicyOut(Schema):
    code: str
    names: dict[str, str]
    jurisdiction: str
    currency: str
    version: int | None
    source: dict
    effective: dict


class BenefitOut(Schema):
    code: str
    name: str
    names: dict[str, str]
    kind: str
    rule: str  # the condition in words, in the requested language
    condition: dict
    amount: dict
    amount_words: str
    in_kind: list[dict]
    funding: list[dict]
    exclusive_group: str
    source: dict
    effective_from: dt.date
    effective_to: dt.date | None


class PolicyDetail(PolicyOut):
    benefits: list[BenefitOut]
