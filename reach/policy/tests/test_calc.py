"""`reach calc`: policy files and a CSV of students in, `ref,benefit,amount,currency,policy` out; no
database."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from reach.policy.tests.factories import (
    base_salary_table,
    benefit,
    policy_document,
    tuition_fee_table,
    write_yaml,
)

POOR = {"field": "household_status", "op": "eq", "value": "poor"}
NEAR_POOR = {"field": "household_status", "op": "eq", "value": "near_poor"}
SECONDARY = {"field": "level", "op": "in", "value": ["lower_secondary", "upper_secondary"]}


def fee_percent(percent: int) -> dict:
    return {"percent": percent, "of": "tuition_fee", "per": "month", "months": 9}


VN_BENEFITS = [
    benefit(
        "tuition_exemption",
        condition={"all": [SECONDARY, POOR]},
        amount=fee_percent(100),
        exclusive_group="tuition",
    ),
    benefit(
        "tuition_reduction_70",
        condition={
            "all": [
                SECONDARY,
                {"field": "ethnic_minority", "op": "is_true"},
                {"field": "extremely_difficult_commune", "op": "is_true"},
            ]
        },
        amount=fee_percent(70),
        exclusive_group="tuition",
    ),
    benefit(
        "tuition_reduction_50",
        condition={"all": [SECONDARY, NEAR_POOR]},
        amount=fee_percent(50),
        exclusive_group="tuition",
    ),
    benefit(
        "learning_cost_support",
        condition={"any": [POOR, {"field": "disabled", "op": "is_true"}]},
        effective={"from": "2021-10-15"},
    ),
    benefit(
        "preschool_lunch_support",
        condition={
            "all": [
                {"field": "level", "op": "eq", "value": "preschool"},
                {"field": "age", "op": "between", "value": [3, 5]},
            ]
        },
        amount={"per": "month", "value": 160000, "months": 9},
    ),
    benefit(
        "semi_boarding_food",
        condition={"field": "boarding", "op": "is_true"},
        amount={"percent": 40, "of": "base_salary", "per": "month", "months": 9},
        in_kind=[{"item": "rice", "unit": "kg", "quantity": 15, "per": "month", "months": 9}],
        effective={"to": "2025-04-30"},
    ),
    benefit(
        "semi_boarding_food_new",
        condition={"field": "boarding", "op": "is_true"},
        amount={"per": "month", "value": 936000, "months": 9},
        effective={"from": "2025-05-01"},
    ),
]

CN_BENEFITS = [
    benefit(
        "nutrition_meal_subsidy",
        condition={"field": "level", "op": "eq", "value": "primary"},
        amount={"per": "day", "value": "4.5", "days": 200, "days_field": "school_days"},
    ),
    benefit(
        "senior_high_grant",
        condition={"field": "level", "op": "eq", "value": "upper_secondary"},
        amount={"per": "year", "value": 2000},
    ),
]


@pytest.fixture
def policies(tmp_path) -> Path:
    directory = tmp_path / "policies"
    write_yaml(directory / "vn.yaml", policy_document(*VN_BENEFITS, code="vn-test"))
    write_yaml(
        directory / "cn.yaml",
        policy_document(*CN_BENEFITS, code="cn-test", currency="CNY", jurisdiction="CN"),
    )
    write_yaml(directory / "reference" / "base_salary.yaml", base_salary_table())
    write_yaml(directory / "reference" / "tuition_fee.yaml", tuition_fee_table())
    return directory


def csv_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "students.csv"
    path.write_text(text, "utf-8")
    return path


def calc(policies: Path, policy: str | list[str], year: int, students: Path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    codes = [policy] if isinstance(policy, str) else policy
    call_command(
        "calc",
        *(word for code in codes for word in ("--policy", code)),
        "--year",
        str(year),
        "--policies-dir",
        str(policies),
        str(students),
        stdout=out,
        stderr=err,
    )
    return out.getvalue(), err.getvalue()


def test_calc_prints_one_line_per_granted_benefit_in_file_order(tmp_path, policies):
    students = csv_file(
        tmp_path,
        "ref,level,household_status,unit,boarding,birth_date\n"
        "an,lower_secondary,poor,VN.79.761,yes,2012-01-01\n"
        "binh,preschool,none,,,2020-09-05\n"
        "chi,primary,none,,,2016-05-01\n",
    )
    out, err = calc(policies, "vn-test", 2024, students)
    assert out == (
        "ref,benefit,amount,currency,policy\n"
        "an,tuition_exemption,2700000,VND,vn-test\n"  # 100% of 300,000 (VN.79) x 9
        "an,learning_cost_support,1350000,VND,vn-test\n"  # 150,000 x 9
        "an,semi_boarding_food,8424000,VND,vn-test\n"  # 40% of 2,340,000 = 936,000 x 9
        "binh,preschool_lunch_support,1440000,VND,vn-test\n"  # 4 on 2024-09-05: 160,000 x 9
    )
    assert err == ""


def test_cny_amounts_keep_their_decimals_and_drop_trailing_zeros(tmp_path, policies):
    students = csv_file(
        tmp_path,
        "ref,level,school_days\np1,primary,180\np2,primary,\nh1,upper_secondary,\n",
    )
    out, _err = calc(policies, "cn-test", 2024, students)
    assert out.splitlines() == [
        "ref,benefit,amount,currency,policy",
        "p1,nutrition_meal_subsidy,810,CNY,cn-test",  # 4.5 x 180 days
        "p2,nutrition_meal_subsidy,900,CNY,cn-test",  # 4.5 x 200 days
        "h1,senior_high_grant,2000,CNY,cn-test",
    ]


def test_exclusive_group_keeps_only_the_largest_70pct_beats_50pct(tmp_path, policies):
    """Near-poor (50%) and ethnic minority in a difficult commune (70%) of 300,000 x 9."""
    students = csv_file(
        tmp_path,
        "ref,level,household_status,ethnic_minority,extremely_difficult_commune,unit\n"
        "c,lower_secondary,near_poor,1,1,VN.79\n"
        "d,lower_secondary,poor,1,1,VN.79\n",
    )
    out, _err = calc(policies, "vn-test", 2024, students)
    assert out.splitlines()[1:] == [
        "c,tuition_reduction_70,1890000,VND,vn-test",
        "d,tuition_exemption,2700000,VND,vn-test",
        "d,learning_cost_support,1350000,VND,vn-test",
    ]


def test_exclusive_group_tie_keeps_the_first_in_file_order(tmp_path, policies):
    """The student's fee of 0 makes every tuition benefit worth nothing: none is printed."""
    students = csv_file(
        tmp_path,
        "ref,level,household_status,ethnic_minority,extremely_difficult_commune,tuition_fee_month\n"
        "e,upper_secondary,near_poor,yes,yes,0\n",
    )
    assert calc(policies, "vn-test", 2024, students)[0] == "ref,benefit,amount,currency,policy\n"
    tie = [
        benefit("first", condition=POOR, amount={"per": "year", "value": 5}, exclusive_group="g"),
        benefit("second", condition=POOR, amount={"per": "year", "value": 5}, exclusive_group="g"),
        benefit("third", condition=POOR, amount={"per": "year", "value": 4}, exclusive_group="g"),
    ]
    write_yaml(policies / "tie.yaml", policy_document(*tie, code="tie"))
    students = csv_file(tmp_path, "ref,household_status\nt,poor\n")
    assert calc(policies, "tie", 2024, students)[0].splitlines()[1:] == ["t,first,5,VND,tie"]


@pytest.mark.parametrize(
    ("year", "food"),
    [
        (2023, "semi_boarding_food,6480000"),  # 40% of 1,800,000 = 720,000 x 9
        (2024, "semi_boarding_food,8424000"),  # 40% of 2,340,000 = 936,000 x 9
        (2025, "semi_boarding_food_new,8424000"),  # 936,000 x 9 from 2025-05-01
    ],
)
def test_benefits_apply_by_the_reference_date_of_the_school_year(tmp_path, policies, year, food):
    students = csv_file(tmp_path, "ref,boarding\nb,true\n")
    out, _err = calc(policies, "vn-test", year, students)
    assert out.splitlines()[1:] == [f"b,{food},VND,vn-test"]


def test_before_the_policy_is_in_force_nothing_is_granted(tmp_path, policies):
    students = csv_file(tmp_path, "ref,boarding,household_status\nb,true,poor\n")
    assert calc(policies, "vn-test", 2019, students)[0] == "ref,benefit,amount,currency,policy\n"


LOCAL_BENEFITS = [
    benefit(
        "county_top_up",
        condition={"field": "level", "op": "eq", "value": "upper_secondary"},
        amount={"per": "year", "value": 1000},
    )
]


@pytest.fixture
def county(policies) -> Path:
    """A county policy under the national cn-test: jurisdiction CN.52.5227."""
    document = policy_document(
        *LOCAL_BENEFITS, code="cn-county", currency="CNY", jurisdiction="CN.52.5227"
    )
    write_yaml(policies / "county.yaml", document)
    return policies


def test_a_national_and_a_county_policy_stack_2000_plus_1000_each_line_naming_its_policy(
    tmp_path, county
):
    students = csv_file(tmp_path, "ref,level,unit\nin,upper_secondary,CN.52.5227.01\n")
    out, _err = calc(county, ["cn-test", "cn-county"], 2024, students)
    assert out.splitlines()[1:] == [
        "in,senior_high_grant,2000,CNY,cn-test",
        "in,county_top_up,1000,CNY,cn-county",
    ]


def test_a_pupil_outside_the_county_gets_the_national_2000_but_none_of_the_county_lines(
    tmp_path, county
):
    students = csv_file(
        tmp_path, "ref,level,unit\nout,upper_secondary,CN.52.5201\nfar,upper_secondary,CN.11\n"
    )
    out, _err = calc(county, ["cn-test", "cn-county"], 2024, students)
    assert out.splitlines()[1:] == [
        "out,senior_high_grant,2000,CNY,cn-test",
        "far,senior_high_grant,2000,CNY,cn-test",
    ]


def test_a_pupil_without_a_unit_lives_inside_every_policy_so_gets_2000_and_1000(tmp_path, county):
    students = csv_file(tmp_path, "ref,level\na,upper_secondary\nb,primary\n")
    out, _err = calc(county, ["cn-test", "cn-county"], 2024, students)
    assert out.splitlines()[1:] == [
        "a,senior_high_grant,2000,CNY,cn-test",
        "a,county_top_up,1000,CNY,cn-county",
        "b,nutrition_meal_subsidy,900,CNY,cn-test",  # 4.5 x 200 days
    ]


def test_a_pupil_of_another_country_gets_nothing_from_a_policy(tmp_path, policies):
    students = csv_file(tmp_path, "ref,level,unit\nv,upper_secondary,VN.79\n")
    assert calc(policies, "cn-test", 2024, students)[0] == "ref,benefit,amount,currency,policy\n"


def test_policies_of_two_currencies_do_not_stack(tmp_path, policies):
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "calc", "--policy", "cn-test", "--policy", "vn-test", "--year", "2024",
            "--policies-dir", str(policies), str(csv_file(tmp_path, "ref\nx\n")),
            stdout=io.StringIO(), stderr=err,
        )  # fmt: skip
    assert err.getvalue() == "the policies must share one currency, not CNY, VND\n"


def test_a_ref_with_a_comma_is_quoted(tmp_path, policies):
    students = csv_file(tmp_path, 'ref,level\n"Nguyen, An",upper_secondary\n')
    out, _err = calc(policies, "cn-test", 2024, students)
    assert out.splitlines()[1] == '"Nguyen, An",senior_high_grant,2000,CNY,cn-test'


def test_a_ref_typed_as_a_formula_is_printed_as_text(tmp_path, policies):
    students = csv_file(tmp_path, "ref,level\n=1+1,upper_secondary\n@SUM(A1),upper_secondary\n")
    out, _err = calc(policies, "cn-test", 2024, students)
    assert out.splitlines()[1:] == [
        "'=1+1,senior_high_grant,2000,CNY,cn-test",
        "'@SUM(A1),senior_high_grant,2000,CNY,cn-test",
    ]


def test_a_missing_tuition_fee_leaves_the_benefit_out_with_a_warning(tmp_path, policies):
    students = csv_file(tmp_path, "ref,level,household_status\nf,upper_secondary,poor\n")
    out, err = calc(policies, "vn-test", 2024, students)
    assert out.splitlines()[1:] == ["f,learning_cost_support,1350000,VND,vn-test"]
    assert err == (
        f"{students}:2: tuition_fee_month: tuition_exemption left out: no tuition fee for level "
        "upper_secondary in VN, school year 2024\n"
    )


def test_bad_lines_are_all_reported_and_nothing_is_printed(tmp_path, policies):
    students = csv_file(
        tmp_path,
        "ref,level,grade,boarding,tuition_fee_month,birth_date\n"
        "ok,primary,3,yes,,\n"
        "a,college,3,yes,,\n"
        ",primary,x,maybe,1.5,2015-02-30\n",
    )
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="6 errors: nothing calculated"):
        call_command(
            "calc", "--policy", "vn-test", "--year", "2024", "--policies-dir", str(policies),
            str(students), stdout=out, stderr=err,
        )  # fmt: skip
    assert out.getvalue() == ""
    name = str(students)
    assert err.getvalue().splitlines() == [
        f"{name}:3: level: unknown level 'college'; one of preschool, primary, lower_secondary, "
        "upper_secondary, vocational_secondary, higher_education, continuing_education",
        f"{name}:4: ref: missing",
        f"{name}:4: grade: 'x' is not a whole number 0-20",
        f"{name}:4: boarding: 'maybe' is not true/false, 1/0 or yes/no",
        f"{name}:4: tuition_fee_month: '1.5' is not an amount of VND (0 decimals)",
        f"{name}:4: birth_date: '2015-02-30' is not a date (YYYY-MM-DD)",
    ]


def test_header_errors_are_on_line_1(tmp_path, policies):
    students = csv_file(tmp_path, "name,level,colour,age,birth_date\nx,primary,red,7,\n")
    with pytest.raises(CommandError):
        calc(policies, "vn-test", 2024, students)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "calc", "--policy", "vn-test", "--year", "2024", "--policies-dir", str(policies),
            str(students), stdout=io.StringIO(), stderr=err,
        )  # fmt: skip
    assert err.getvalue().splitlines() == [
        f"{students}:1: name: unknown column",
        f"{students}:1: colour: unknown column",
        f"{students}:1: ref: missing column",
        f"{students}:1: birth_date: give either age or birth_date, not both",
    ]


def test_an_unknown_policy_code_fails(tmp_path, policies):
    students = csv_file(tmp_path, "ref\nx\n")
    with pytest.raises(CommandError):
        calc(policies, "no-such-policy", 2024, students)


def test_an_invalid_policy_file_is_reported_with_its_errors(tmp_path, policies):
    write_yaml(policies / "vn.yaml", policy_document(benefit("x", kind="loan"), code="vn-test"))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "calc", "--policy", "vn-test", "--year", "2024", "--policies-dir", str(policies),
            str(csv_file(tmp_path, "ref\nx\n")), stdout=io.StringIO(), stderr=err,
        )  # fmt: skip
    assert err.getvalue().startswith("vn.yaml: benefits[0] (code x).kind: must be one of")


def test_calc_makes_no_database_query(db, tmp_path, policies, django_assert_num_queries):
    """The other tests here run without database access at all; this one counts queries."""
    students = csv_file(tmp_path, "ref,level,household_status\nan,primary,poor\n")
    with django_assert_num_queries(0):
        out, _err = calc(policies, "vn-test", 2024, students)
    assert out.splitlines()[1:] == ["an,learning_cost_support,1350000,VND,vn-test"]


def test_reach_calc_runs_without_a_database(tmp_path, policies):
    """The console command, with a database URL that nothing answers."""
    students = csv_file(tmp_path, "ref,level\nh,upper_secondary\n")
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none",
        "DJANGO_SETTINGS_MODULE": "reach.settings",
    }
    done = subprocess.run(
        [sys.executable, "-m", "reach.cli", "calc", "--policy", "cn-test", "--year", "2024",
         "--policies-dir", str(policies), str(students)],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        "ref,benefit,amount,currency,policy\nh,senior_high_grant,2000,CNY,cn-test\n",
        "",
    )
