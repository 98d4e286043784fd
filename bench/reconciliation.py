"""Benchmark reconciliation and coverage against checking every line and payment one by one.

    python -m bench.reconciliation --students 1000000

Runs on a fresh SQLite file in a temporary directory (DATABASE_URL is ignored) and needs no
demo data. Untimed, with set-based SQL: a province of WARDS wards with a school each, N poor
pupils (one household each), an approved run whose lines are in force (every pupil a support
line of 1,350,000; every other pupil also a fee line of 1,000,000) and their payment claims and
disbursements, all paid in full except the planted gaps:

- pupil n with n % 100 == 1: support entitled, not paid;
- n % 100 == 2: support under-paid (1,000,000 of 1,350,000);
- n % 100 == 3: support over-paid (a correction lowered the line to 1,000,000 after
  1,350,000 was paid);
- n % 100 == 5: a fee paid (1,000,000) without a fee line: paid without entitlement.

Timed: `reconcile` and `coverage` (the real selectors) for the whole province, as the
province office sees it, each `--repeat` times (the fastest kept; this process's processor time
printed beside). The baseline, measured in the same run on a sample, loops over the
lines in Python through the ORM and compares each line's payments one at a time (then each
payment claim against the lines, then each pupil for coverage), extrapolated to every row.
The gaps found must equal the planted ones, and the baseline's verdicts on its sample must
agree with the selectors'.
"""

import argparse
import os
import tempfile
import time
from pathlib import Path

from bench import set_up_django

WARDS = 40
YEAR = 2024
SUPPORT, FEE, LOWERED, UNDER = 1_350_000, 1_000_000, 1_000_000, 1_000_000
POLICY = "bench-payments"


def _policy_file(folder: str) -> Path:
    import yaml

    def benefit(code: str, value: int, purpose: str) -> dict:
        return {
            "code": code,
            "names": {"vi": code, "zh": code, "en": code},
            "kind": "subsidy",
            "purpose": purpose,
            "condition": {"field": "household_status", "op": "eq", "value": "poor"},
            "amount": {"per": "year", "value": value},
            "funding": [{"source": "state_budget", "share": 100}],
        }

    document = {
        "code": POLICY,
        "names": {"vi": POLICY, "zh": POLICY, "en": POLICY},
        "jurisdiction": "VN",
        "currency": "VND",
        "source": {"document": "benchmark", "article": "-"},
        "effective": {"from": "2020-01-01"},
        "school_year_start": "09-05",
        "benefits": [benefit("support", SUPPORT, "support"), benefit("fee", FEE, "fee")],
    }
    path = Path(folder) / f"{POLICY}.yaml"
    with open(path, "w", encoding="utf-8") as handle:
        yaml.safe_dump(document, handle, allow_unicode=True)
    return path


def _place():
    """A province, a district and its wards with a school each; the province office user."""
    from reach.accounts.models import Membership, User
    from reach.geo.models import School, Unit

    country = Unit.objects.create(code="VN", name="Việt Nam", level="country", path="VN")
    province = Unit.objects.create(
        code="79", name="Tỉnh", level="province", path="VN.79", parent=country
    )
    district = Unit.objects.create(
        code="761", name="Huyện", level="district", path="VN.79.761", parent=province
    )
    wards = []
    for k in range(WARDS):
        code = f"{26000 + k}"
        ward = Unit.objects.create(
            code=code,
            name=f"Xã {k}",
            level="commune",
            path=f"{district.path}.{code}",
            parent=district,
        )
        school = School.objects.create(
            code=f"S{code}", name=f"Trường {k}", levels=["primary"], unit=ward
        )
        wards.append((k, ward.pk, school.pk))
    user = User.objects.create(username="province-office")
    Membership.objects.create(user=user, role="office", unit=province)
    return user, province, wards


def _generate(n: int, wards, benefits: dict[str, int], run_id: int) -> dict[str, int]:
    """Every row of the pupils, their lines, claims and payments: one INSERT ... SELECT per
    table over a sequence. Returns the row counts."""
    from django.db import connection, transaction

    support_id, fee_id = benefits["support"], benefits["fee"]
    over = "(n % 100 = 3)"
    statements = [
        "CREATE TEMP TABLE seq (n INTEGER PRIMARY KEY)",
        "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < %s) "
        "INSERT INTO seq SELECT n FROM s",
        "CREATE TEMP TABLE ward (k INTEGER PRIMARY KEY, unit_id INTEGER, school_id INTEGER)",
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statements[0])
        cursor.execute(statements[1], [n])
        cursor.execute(statements[2])
        cursor.executemany("INSERT INTO ward VALUES (%s, %s, %s)", wards)
        pupils = f"FROM seq JOIN ward ON ward.k = seq.n % {len(wards)}"
        cursor.execute(
            "INSERT INTO registry_household (id, code, head_name, address, created_at, "
            "updated_at, unit_id) SELECT n, 'H' || n, 'Chủ hộ ' || n, '', "
            f"'2024-08-01 00:00:00', '2024-08-01 00:00:00', unit_id {pupils}"
        )
        cursor.execute(
            "INSERT INTO registry_householdyearstatus (id, year, status, decision, "  # noqa: S608
            f"household_id) SELECT n, {YEAR}, 'poor', '', n FROM seq"
        )
        cursor.execute(
            "INSERT INTO registry_person (id, full_name, sex, birth_date, national_id, "
            "ethnicity, ethnic_minority, disabled, orphan, martyr_child, relation, "
            "education_completed, vocational_certificate, household_id) "
            "SELECT n, 'Học sinh ' || n, CASE n % 2 WHEN 0 THEN 'f' ELSE 'm' END, "
            "'2015-05-01', NULL, '', 0, 0, 0, 0, 'child', 'none', 0, n FROM seq"
        )
        cursor.execute(
            "INSERT INTO registry_enrolment (id, school_year, level, grade, boarding, status, "
            "attendance_rate, school_id, person_id, program, school_days) "
            f"SELECT n, {YEAR}, 'primary', 4, 0, 'enrolled', NULL, school_id, n, '', NULL "
            f"{pupils}"
        )
        line = (
            "INSERT INTO entitlements_entitlementline (id, benefit_code, policy_code, "
            "school_year, amount_minor, currency, in_kind, funding, benefit_id, enrolment_id, "
            "household_id, person_id, unit_id, run_id, status, first_month, months) "
            "SELECT {id}, '{code}', '{policy}', {year}, {amount}, 'VND', '[]', "
            '\'[{{"source": "state_budget", "minor": \' || ({amount}) || \'}}]\', '
            "{benefit}, n, n, n, unit_id, {run}, 'in_force', 0, NULL {pupils} {where}"
        )
        common = {"policy": POLICY, "year": YEAR, "run": run_id, "pupils": pupils}
        support_amount = f"CASE WHEN {over} THEN {LOWERED} ELSE {SUPPORT} END"
        cursor.execute(
            line.format(
                id="n",
                code="support",
                amount=support_amount,
                benefit=support_id,
                where="",
                **common,
            )
        )
        cursor.execute(
            line.format(
                id=f"{n} + n",
                code="fee",
                amount=FEE,
                benefit=fee_id,
                where="WHERE n % 2 = 0",
                **common,
            )
        )
        claim = (
            "INSERT INTO payments_paymentclaim (id, school_year, purpose, currency, "
            "amount_minor, paid_minor, line_id, person_id, first_month) "
            "SELECT {id}, {year}, '{purpose}', 'VND', {amount}, {paid}, {line}, n, 0 FROM seq "
            "WHERE {where}"
        )
        cursor.execute(
            claim.format(
                id="n",
                year=YEAR,
                purpose="support",
                amount=SUPPORT,
                line="n",
                paid=f"CASE WHEN n % 100 = 2 THEN {UNDER} ELSE {SUPPORT} END",
                where="n % 100 != 1",
            )
        )
        cursor.execute(
            claim.format(
                id=f"{n} + n",
                year=YEAR,
                purpose="fee",
                amount=FEE,
                paid=FEE,
                line=f"{n} + n",
                where="n % 2 = 0",
            )
        )
        cursor.execute(  # a fee paid to pupils without a fee line, against their support line
            claim.format(
                id=f"{2 * n} + n",
                year=YEAR,
                purpose="fee",
                amount=FEE,
                paid=FEE,
                line="n",
                where="n % 100 = 5",
            )
        )
        cursor.execute(
            "INSERT INTO payments_disbursement (id, school_year, purpose, amount_minor, "
            "currency, method, voucher, paid_on, note, recorded_at, line_id, person_id, "
            "recorded_by_id, unit_id, claim_id) "
            "SELECT c.id, c.school_year, c.purpose, c.paid_minor, c.currency, 'bank_transfer', "
            "'V' || c.id, '2024-10-15', '', '2024-10-15 08:00:00', c.line_id, c.person_id, "
            "NULL, h.unit_id, c.id FROM payments_paymentclaim c "
            "JOIN registry_household h ON h.id = c.person_id"
        )
        counts = {}
        for table in (
            "registry_person",
            "entitlements_entitlementline",
            "payments_paymentclaim",
            "payments_disbursement",
        ):
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (a fixed name)
            counts[table] = cursor.fetchone()[0]
        cursor.execute("DROP TABLE seq")
        cursor.execute("DROP TABLE ward")
        cursor.execute("ANALYZE")
    return counts


def planted(n: int) -> dict[str, set[int]]:
    """The pupils of each planted gap."""
    pupils = range(1, n + 1)
    return {
        "not_paid": {p for p in pupils if p % 100 == 1},
        "under_paid": {p for p in pupils if p % 100 == 2},
        "over_paid": {p for p in pupils if p % 100 == 3},
        "not_entitled": {p for p in pupils if p % 100 == 5},
    }


def expected_amounts(gaps: dict[str, set[int]]) -> dict[str, dict[str, int]]:
    return {
        "not_paid": {"VND": SUPPORT * len(gaps["not_paid"])} if gaps["not_paid"] else {},
        "under_paid": {"VND": (SUPPORT - UNDER) * len(gaps["under_paid"])}
        if gaps["under_paid"]
        else {},
        "over_paid": {"VND": (SUPPORT - LOWERED) * len(gaps["over_paid"])}
        if gaps["over_paid"]
        else {},
        "not_entitled": {"VND": FEE * len(gaps["not_entitled"])} if gaps["not_entitled"] else {},
    }


def _baseline(user, *, sample: int) -> tuple[dict, dict]:
    """Per-record checks of the first `sample` lines, claims and pupils: seconds per record
    of each kind, and the verdicts (gap by line id, loose claim ids, served pupil ids)."""
    from reach.accounts.scoping import restrict
    from reach.entitlements.models import EntitlementLine
    from reach.payments.models import PaymentClaim
    from reach.registry.models import Enrolment, HouseholdYearStatus, Person

    seconds, verdicts = {}, {"lines": {}, "loose": set(), "served": set()}
    lines = restrict(EntitlementLine.objects.filter(school_year=YEAR, status="in_force"), user)
    started = time.perf_counter()
    for line in lines.order_by("id")[:sample]:
        purpose = line.benefit.purpose or line.benefit_code
        paid = 0
        for claim in PaymentClaim.objects.filter(
            person_id=line.person_id, school_year=line.school_year
        ):
            if claim.purpose == purpose:
                paid += claim.paid_minor
        if paid == 0:
            verdicts["lines"][line.pk] = "not_paid"
        elif paid < line.amount_minor:
            verdicts["lines"][line.pk] = "under_paid"
        elif paid > line.amount_minor:
            verdicts["lines"][line.pk] = "over_paid"
    seconds["line"] = (time.perf_counter() - started) / sample

    claims = restrict(PaymentClaim.objects.filter(school_year=YEAR, paid_minor__gt=0), user)
    started = time.perf_counter()
    for claim in claims.order_by("-id")[:sample]:
        entitled = False
        for line in EntitlementLine.objects.filter(
            person_id=claim.person_id, school_year=claim.school_year, status="in_force"
        ):
            if (line.benefit.purpose or line.benefit_code) == claim.purpose:
                entitled = True
        if not entitled:
            verdicts["loose"].add(claim.pk)
    seconds["claim"] = (time.perf_counter() - started) / sample

    started = time.perf_counter()
    for person in restrict(Person.objects.all(), user).order_by("id")[:sample]:
        enrolled = Enrolment.objects.filter(
            person=person, school_year=YEAR, status="enrolled"
        ).exists()
        poor = HouseholdYearStatus.objects.filter(
            household_id=person.household_id, year=YEAR, status__in=["poor", "near_poor"]
        ).exists()
        if not (enrolled and poor):
            continue
        served = False
        for line in EntitlementLine.objects.filter(
            person=person, school_year=YEAR, status="in_force"
        ):
            claim = PaymentClaim.objects.filter(
                person=person, school_year=YEAR, purpose=line.benefit.purpose or line.benefit_code
            ).first()
            served = claim is not None and claim.paid_minor >= line.amount_minor
            if not served:
                break
        if served:
            verdicts["served"].add(person.pk)
    seconds["pupil"] = (time.perf_counter() - started) / sample
    return seconds, verdicts


def _check_baseline(user, unit, verdicts: dict, *, sample: int) -> None:
    """The baseline's verdicts on its sample equal the selectors' on the same records."""
    from reach.payments.selectors import claims_without_entitlement, lines_in_force, poor_pupils

    lines = lines_in_force(user=user, school_year=YEAR, unit=unit).order_by("id")[:sample]
    gaps = {pk: gap for pk, gap in lines.values_list("id", "gap") if gap is not None}
    assert gaps == verdicts["lines"], "the baseline disagrees on lines"
    claims = restrict_claims(user, sample)
    loose = set(
        claims_without_entitlement(user=user, school_year=YEAR, unit=unit)
        .filter(pk__in=claims)
        .values_list("id", flat=True)
    )
    assert loose == verdicts["loose"], "the baseline disagrees on payments"
    pupils = poor_pupils(user=user, school_year=YEAR, unit=unit).order_by("id")[:sample]
    served = {pk for pk, ok in pupils.values_list("id", "served") if ok}
    assert served == verdicts["served"], "the baseline disagrees on coverage"


def restrict_claims(user, sample: int) -> list[int]:
    from reach.accounts.scoping import restrict
    from reach.payments.models import PaymentClaim

    claims = restrict(PaymentClaim.objects.filter(school_year=YEAR, paid_minor__gt=0), user)
    return list(claims.order_by("-id").values_list("id", flat=True)[:sample])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=2000, help="records in the baseline")
    parser.add_argument(
        "--repeat", type=int, default=3, help="times each figure is timed (the fastest is kept)"
    )
    args = parser.parse_args()
    n = args.students

    with tempfile.TemporaryDirectory(prefix="reach-bench-") as var_dir:
        set_up_django(var_dir)
        from reach.entitlements.models import EntitlementRun
        from reach.payments.selectors import coverage, list_gaps, reconcile
        from reach.policy.models import Benefit
        from reach.policy.services import load_policy_file

        user, province, wards = _place()
        load_policy_file(path=_policy_file(var_dir))
        benefits = {b.code: b.pk for b in Benefit.objects.filter(version__policy__code=POLICY)}
        run = EntitlementRun.objects.create(
            policy_codes=POLICY, school_year=YEAR, unit=province, status="done", stage="approved"
        )
        started = time.perf_counter()
        counts = _generate(n, wards, benefits, run.pk)
        size_mb = os.path.getsize(os.path.join(var_dir, "reach.sqlite3")) / 1e6
        print(f"database: fresh SQLite file in {var_dir}, {size_mb:,.0f} MB")
        print(
            f"input: {counts['registry_person']} pupils in {len(wards)} wards, "
            f"{counts['entitlements_entitlementline']} lines in force, "
            f"{counts['payments_paymentclaim']} payment claims, "
            f"{counts['payments_disbursement']} disbursements "
            f"(generated in {time.perf_counter() - started:.1f} s, untimed)"
        )

        # Each figure timed --repeat times, the fastest kept: a shared machine's other work
        # only ever slows a query down. The processor time of this process is printed beside
        # the wall time, as the share of a loaded machine it got.
        walls: dict[str, list[float]] = {"reconcile": [], "coverage": []}
        cpus: dict[str, list[float]] = {"reconcile": [], "coverage": []}
        for _ in range(max(1, args.repeat)):
            started, cpu = time.perf_counter(), time.process_time()
            result = reconcile(user=user, school_year=YEAR, unit=province)
            walls["reconcile"].append(time.perf_counter() - started)
            cpus["reconcile"].append(time.process_time() - cpu)
            started, cpu = time.perf_counter(), time.process_time()
            total, below = coverage(user=user, school_year=YEAR, unit=province)
            walls["coverage"].append(time.perf_counter() - started)
            cpus["coverage"].append(time.process_time() - cpu)
        reconcile_s, coverage_s = min(walls["reconcile"]), min(walls["coverage"])
        cpu_s = min(cpus["reconcile"]) + min(cpus["coverage"])

        def times(figure: str) -> str:
            return ", ".join(
                f"{wall:.2f} ({cpu:.2f} CPU)"
                for wall, cpu in zip(walls[figure], cpus[figure], strict=True)
            )

        print(
            f"reconcile: {times('reconcile')} s, fastest {reconcile_s:.2f}; "
            f"counts {result.counts}; amounts {result.amounts}"
        )
        print(
            f"coverage: {times('coverage')} s, fastest {coverage_s:.2f}; {total.pupils} pupils, "
            f"{total.entitled} entitled, {total.served} served ({total.percent}%), "
            f"{len(below)} units below"
        )

        gaps = planted(n)
        found = {}
        for gap in gaps:
            rows = list_gaps(user=user, school_year=YEAR, gap=gap, unit=province)
            found[gap] = set(rows.values_list("person_id", flat=True))
        assert found == gaps, "the gaps found are not the planted ones"
        assert result.counts == {gap: len(pupils) for gap, pupils in gaps.items()}
        assert result.amounts == expected_amounts(gaps), result.amounts
        unserved = len(gaps["not_paid"]) + len(gaps["under_paid"])
        assert (total.pupils, total.entitled, total.served) == (n, n, n - unserved)
        print("verified: the gaps found are exactly the planted ones; coverage as planted")

        sample = min(args.sample, n)
        per, verdicts = _baseline(user, sample=sample)
        _check_baseline(user, province, verdicts, sample=sample)
        print(
            f"baseline sample: {sample} lines, {sample} claims, {sample} pupils checked one by "
            f"one ({per['line'] * 1000:.2f} / {per['claim'] * 1000:.2f} / "
            f"{per['pupil'] * 1000:.2f} ms each); its verdicts agree with the selectors'"
        )
        baseline_reconcile = (
            per["line"] * counts["entitlements_entitlementline"]
            + per["claim"] * counts["payments_paymentclaim"]
        )
        baseline_coverage = per["pupil"] * counts["registry_person"]
        reconcile_total = reconcile_s + coverage_s
        baseline_s = baseline_reconcile + baseline_coverage
        print(
            f"baseline (extrapolated): reconcile {baseline_reconcile:.1f} s, "
            f"coverage {baseline_coverage:.1f} s"
        )
        print(
            f"students={n} reconcile_s={reconcile_total:.2f} cpu_s={cpu_s:.2f} "
            f"baseline_s={baseline_s:.1f} speedup={baseline_s / reconcile_total:.1f}"
        )


if __name__ == "__main__":
    main()
