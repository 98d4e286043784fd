"""Why a student gets, or does not get, each benefit of a school year.

The same rules as a run, read for one person in Python: the current version of every loaded
policy whose jurisdiction holds the person's household, each benefit that counts for the school
year (reach.policy.timing), its condition evaluated on the facts of the person's enrolment (the same
`enrolment_facts` the runs select from), every comparison with the student's value, the rule
in words, the amount and its arithmetic, the legal source, and the line the last run left.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from reach.common.languages import in_language
from reach.entitlements.models import EntitlementLine
from reach.entitlements.plan import BenefitPlan, plan_benefits
from reach.policy.catalog import FIELDS, FieldType
from reach.policy.conditions import describe, explain
from reach.policy.evaluate import Judgement, Rule, judge_benefits
from reach.policy.facts import enrolment_facts, facts_of
from reach.policy.models import PolicyVersion
from reach.policy.selectors import get_current_policy_version, get_reference_book, list_policies
from reach.registry.models import Person


class Outcome:
    GRANTED = "granted"
    REFUSED = "refused"
    SUPERSEDED = "superseded"  # granted, but a larger benefit of its exclusive group wins
    NO_AMOUNT = "no_amount"  # the condition holds, the amount is nothing or unknown


@dataclass
class Check:
    """One comparison of the rule against the student's value."""

    words: str  # the comparison in words
    value: str  # the student's value, in words
    passed: bool  # the comparison held
    negated: bool  # the rule wants it not to hold
    in_favour: bool  # it counts for the student: held, or failed where it must not hold


@dataclass
class Verdict:
    """One benefit for one student in one school year."""

    policy_code: str
    code: str
    name: str
    kind: str
    outcome: str
    rule: str  # the whole condition in words
    checks: list[Check]
    source: dict
    amount_minor: int = 0
    currency: str = ""
    amount_words: str = ""
    in_kind: list[dict] = field(default_factory=list)
    exclusive_group: str = ""
    superseded_by: str = ""
    note: str = ""
    line: EntitlementLine | None = None  # what the last run recorded, if anything

    @property
    def granted(self) -> bool:
        return self.outcome == Outcome.GRANTED

    @property
    def agrees_with_run(self) -> bool:
        """Whether the last run's line says the same (no line when not granted)."""
        if self.line is None:
            return not self.granted
        return self.granted and self.line.amount_minor == self.amount_minor


@dataclass
class PolicyExplanation:
    policy_code: str
    name: str
    version: int
    reference_date: dt.date
    verdicts: list[Verdict]


@dataclass
class PersonExplanation:
    person: Person
    school_year: int
    enrolled: bool
    policies: list[PolicyExplanation]
    notes: list[str]


def value_words(field_name: str, value, lang: str) -> str:
    """A student's value of a catalog field, in words."""
    if value is None:
        return _("unknown")
    catalog_field = FIELDS[field_name]
    if catalog_field.type is FieldType.BOOLEAN:
        return _("yes") if value else _("no")
    return catalog_field.value_label(value, lang)


def _applies_to(version: PolicyVersion, unit_path: str) -> bool:
    jurisdiction = version.policy.jurisdiction
    return unit_path == jurisdiction or unit_path.startswith(jurisdiction + ".")


def plan_rules(plans: Sequence[BenefitPlan]) -> list[Rule[BenefitPlan]]:
    """A run's benefit plans as the rules the evaluation loop judges."""
    return [
        Rule(
            plan,
            plan.benefit.condition,
            plan.spec,
            plan.in_kind,
            plan.benefit.exclusive_group,
            plan.months,
        )
        for plan in plans
    ]


def _rule_words(plan: BenefitPlan, lang: str) -> str:
    """The condition in words, and how the benefit meets the school year when it says so."""
    words = describe(plan.benefit.condition, lang)
    timing = plan.benefit.timing_words(plan.version.school_year_start, lang)
    return f"{words} ({timing})" if timing else words


def _verdict(judgement: Judgement[BenefitPlan], lang: str) -> Verdict:
    plan, benefit = judgement.rule.of, judgement.rule.of.benefit
    checks = [
        Check(
            line["words"],
            value_words(line["field"], line["actual"], lang),
            line["passed"],
            line["negated"],
            line["in_favour"],
        )
        for line in explain(benefit.condition, judgement.facts, lang)
    ]
    verdict = Verdict(
        policy_code=plan.policy_code,
        code=benefit.code,
        name=in_language(benefit.names, lang),
        kind=benefit.kind,
        outcome=Outcome.REFUSED,
        rule=_rule_words(plan, lang),
        checks=checks,
        source=benefit.source,
        currency=plan.currency,
        exclusive_group=benefit.exclusive_group,
    )
    if judgement.unavailable is not None:
        verdict.outcome, verdict.note = Outcome.NO_AMOUNT, str(judgement.unavailable)
    elif judgement.amount is not None:
        verdict.amount_minor, verdict.amount_words = judgement.minor, judgement.amount.formula_words
        verdict.in_kind = [goods.as_dict() for goods in judgement.amount.in_kind]
        verdict.outcome = Outcome.GRANTED if judgement.worth_something else Outcome.NO_AMOUNT
    if judgement.superseded_by is not None:
        verdict.outcome = Outcome.SUPERSEDED
        verdict.superseded_by = in_language(judgement.superseded_by.rule.of.benefit.names, lang)
    return verdict


def explain_person(*, person: Person, school_year: int, lang: str = "en") -> PersonExplanation:
    """Every benefit of every policy that applies to `person` in `school_year`, judged. The
    caller has checked that the user may see `person`."""
    facts = enrolment_facts(school_year=school_year).filter(person=person).order_by("pk")
    rows = list(facts.values())
    explanation = PersonExplanation(person, school_year, bool(rows), [], [])
    if not rows:
        explanation.notes.append(
            _("Not enrolled in school year %(year)s: no benefit applies.") % {"year": school_year}
        )
        return explanation
    unit_path = rows[0]["unit_path"]
    lines = {
        (line.policy_code, line.benefit_code): line
        for line in EntitlementLine.objects.filter(person=person, school_year=school_year)
        .select_related("benefit__version", "run")
        .order_by("id")
    }
    book = get_reference_book()
    for policy in list_policies():
        version = get_current_policy_version(policy.code)
        if version is None or not _applies_to(version, unit_path):
            continue
        plans = plan_benefits(version, school_year=school_year, tables=book.tables)
        day = version.reference_date(school_year)
        if not plans:
            explanation.notes.append(
                _("%(policy)s is not in force in school year %(year)s.")
                % {"policy": in_language(policy.names, lang), "year": school_year}
            )
            continue
        judgements = judge_benefits(
            plan_rules(plans),
            facts_rows=[facts_of(row, reference_date=day) for row in rows],
            currency=version.policy.currency,
            book=book,
            reference_date=day,
            school_year=school_year,
            lang=lang,
        )
        verdicts = [_verdict(judgement, lang) for judgement in judgements]
        for verdict in verdicts:
            verdict.line = lines.get((policy.code, verdict.code))
        explanation.policies.append(
            PolicyExplanation(
                policy.code, in_language(policy.names, lang), version.number, day, verdicts
            )
        )
    if not explanation.policies and not explanation.notes:
        explanation.notes.append(_("No loaded policy applies where this person lives."))
    return explanation
