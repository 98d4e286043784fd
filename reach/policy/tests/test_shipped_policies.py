"""The shipped policies reproduce, through `reach calc`, every amount their sources state.

Each test names the arithmetic it checks; amounts are in major units (yuan, dong)."""

import csv
import io

import pytest
from django.core.management import call_command

FIELDS = (
    "ref level grade boarding age age_by_birth_year household_status ethnic_minority orphan "
    "disabled martyr_child extremely_difficult_commune program school_ownership school_inclusive "
    "school_days tuition_fee_month"
).split()
BY_BIRTH_DATE = [  # a birth date instead of the ages it gives
    "birth_date" if column == "age" else column
    for column in FIELDS
    if column != "age_by_birth_year"
]


NATIONAL, COUNTY = "cn-national-student-aid", "cn-guiding-2015"
GUIDING = (NATIONAL, COUNTY)  # a Guiding county run stacks the national and the county policy
IN_GUIDING = "CN.520000000000.522723000000.522723100000"  # 城关镇


def calc_rows(tmp_path, policy: str | tuple[str, ...], year: int, *students: dict) -> list[dict]:
    """Run `reach calc` on students; returns the printed rows and checks the header."""
    path = tmp_path / "students.csv"
    columns = BY_BIRTH_DATE if any("birth_date" in student for student in students) else FIELDS
    if any("unit" in student for student in students):
        columns = [*columns, "unit"]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for student in students:
            writer.writerow(student)
    out = io.StringIO()
    codes = (policy,) if isinstance(policy, str) else policy
    flags = [word for code in codes for word in ("--policy", code)]
    call_command("calc", *flags, "--year", str(year), str(path), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "ref,benefit,amount,currency,policy"
    rows = list(csv.DictReader(lines))
    for row in rows:
        assert row["currency"] == ("CNY" if row["policy"].startswith("cn") else "VND")
        assert row["policy"] in codes
    return rows


def calc(tmp_path, policy: str | tuple[str, ...], year: int, *students: dict) -> dict:
    """{ref: {benefit: amount}} of `reach calc` (amounts in major units)."""
    granted: dict[str, dict[str, str]] = {}
    for row in calc_rows(tmp_path, policy, year, *students):
        granted.setdefault(row["ref"], {})[row["benefit"]] = row["amount"]
    return granted


def cn(ref: str, level: str, **facts) -> dict:
    return {"ref": ref, "level": level, "household_status": "poor"} | facts


# --- cn-guiding-2015 over cn-national-student-aid: seed 002 二(一) 1-5 and policy facts §3 ------


def test_cn_preschool_poor_child_of_a_public_or_inclusive_kindergarten_gets_the_county_200_a_year(
    tmp_path,
):
    granted = calc(tmp_path, GUIDING, 2016, cn("p", "preschool", school_inclusive="yes"))
    assert granted == {"p": {"preschool_living_subsidy": "200"}}


@pytest.mark.parametrize("inclusive", ["no", "unknown"])
def test_cn_preschool_poor_child_of_a_private_kindergarten_not_known_inclusive_gets_nothing(
    tmp_path, inclusive
):
    student = cn("p", "preschool", school_ownership="private", school_inclusive=inclusive)
    assert calc(tmp_path, GUIDING, 2016, student) == {}


@pytest.mark.parametrize("flag", ["orphan", "disabled", "martyr_child"])
def test_cn_preschool_orphan_disabled_or_martyr_child_gets_200_whatever_the_household(
    tmp_path, flag
):
    student = {"ref": "p", "level": "preschool", "household_status": "none", flag: "yes",
               "school_inclusive": "yes"}  # fmt: skip
    assert calc(tmp_path, GUIDING, 2016, student)["p"] == {"preschool_living_subsidy": "200"}


def test_cn_guiding_2016_primary_poor_boarder_national_1000_and_4_x_200_days_county_100(
    tmp_path,
):
    student = cn("b", "primary", boarding="1", grade=3, unit=IN_GUIDING)
    rows = calc_rows(tmp_path, GUIDING, 2016, student)
    assert [(row["policy"], row["benefit"], row["amount"]) for row in rows] == [
        (NATIONAL, "living_subsidy_boarding_primary_2015", "1000"),
        (NATIONAL, "nutrition_meal_subsidy_4", "800"),  # 4 x 200 days
        (COUNTY, "compulsory_boarding_county_top_up", "100"),
    ]


def test_cn_2016_lower_secondary_poor_boarder_gets_1250_plus_100_and_meals_4_x_180_days(
    tmp_path,
):
    student = cn("j", "lower_secondary", boarding="true", grade=8, school_days=180)
    assert calc(tmp_path, GUIDING, 2016, student)["j"] == {
        "living_subsidy_boarding_lower_secondary_2015": "1250",
        "nutrition_meal_subsidy_4": "720",
        "compulsory_boarding_county_top_up": "100",
    }


def test_cn_2016_poor_day_pupil_gets_only_the_meals_4_x_200(tmp_path):
    assert calc(tmp_path, GUIDING, 2016, cn("d", "primary", boarding="0"))["d"] == {
        "nutrition_meal_subsidy_4": "800"
    }


@pytest.mark.parametrize(("year", "primary", "lower_secondary"), [
    (2018, None, None),  # before autumn 2019: no living subsidy for day pupils
    (2019, "500", "625"),  # 50% of 1,000 and of 1,250 from autumn 2019
    (2023, "500", "625"),
    (2024, "625", "750"),  # 50% of 1,250 and of 1,500 from spring 2024, judged on 1 September
])  # fmt: skip
def test_cn_day_pupils_living_subsidy_is_50pct_of_the_boarding_rate_from_autumn_2019(
    tmp_path, year, primary, lower_secondary
):
    students = (cn("p", "primary", boarding="0"), cn("j", "lower_secondary", boarding="0"))
    granted = calc(tmp_path, NATIONAL, year, *students)
    subsidy = {ref: [a for b, a in lines.items() if b.startswith("living")] for ref, lines in
               granted.items()}  # fmt: skip
    assert subsidy.get("p") == ([primary] if primary else [])
    assert subsidy.get("j") == ([lower_secondary] if lower_secondary else [])


@pytest.mark.parametrize(("year", "primary", "lower_secondary"), [
    (2023, ("living_subsidy_boarding_primary_2015", "1000"),
     ("living_subsidy_boarding_lower_secondary_2015", "1250")),
    (2024, ("living_subsidy_boarding_primary_2024", "1250"),
     ("living_subsidy_boarding_lower_secondary_2024", "1500")),
])  # fmt: skip
def test_cn_boarders_living_subsidy_1000_1250_becomes_1250_1500_from_spring_2024(
    tmp_path, year, primary, lower_secondary
):
    """Spring 2024 falls inside school year 2023-2024, judged on 2023-09-01: the new rate
    first counts for school year 2024-2025."""
    students = (cn("p", "primary", boarding="1"), cn("j", "lower_secondary", boarding="1"))
    granted = calc(tmp_path, NATIONAL, year, *students)
    assert primary in granted["p"].items()
    assert lower_secondary in granted["j"].items()


@pytest.mark.parametrize(("year", "meal"), [
    (2020, ("nutrition_meal_subsidy_4", "800")),  # 4 x 200 days
    (2021, ("nutrition_meal_subsidy_5", "1000")),  # 5 x 200 days from autumn 2021
    (2025, ("nutrition_meal_subsidy_5", "1000")),
])  # fmt: skip
def test_cn_nutrition_meals_4_x_200_rise_to_5_x_200_from_autumn_2021(tmp_path, year, meal):
    granted = calc(tmp_path, NATIONAL, year, cn("m", "lower_secondary", boarding="0"))
    assert meal in granted["m"].items()
    assert not {"nutrition_meal_subsidy_4", "nutrition_meal_subsidy_5"} - {meal[0]} & set(
        granted["m"]
    )


def test_cn_2016_senior_high_poor_gets_2000_1000_760_400_500_total_4660(tmp_path):
    granted = calc(tmp_path, GUIDING, 2016, cn("h", "upper_secondary"))["h"]
    assert granted == {
        "upper_secondary_national_grant_2000": "2000",
        "upper_secondary_poverty_special_grant": "1000",
        "upper_secondary_tuition_waiver": "760",
        "upper_secondary_textbook_waiver": "400",
        "upper_secondary_accommodation_waiver": "500",
    }
    assert sum(int(a) for a in granted.values()) == 4660


def test_cn_2025_senior_high_poor_gets_2300_1000_760_400_500_total_4960(tmp_path):
    """The national grant's average is 2,300 from spring 2025 (medium confidence)."""
    granted = calc(tmp_path, GUIDING, 2025, cn("h", "upper_secondary"))["h"]
    assert granted["upper_secondary_national_grant_2300"] == "2300"
    assert "upper_secondary_national_grant_2000" not in granted
    assert sum(int(a) for a in granted.values()) == 4960


@pytest.mark.parametrize(
    ("grade", "expected_total"),
    [(1, 2000 + 2000 + 1000 + 400 + 500), (2, 5900), (3, 2000 + 1000 + 400 + 500)],
)
def test_cn_2016_vocational_year_1_and_2_get_the_national_grant_year_3_does_not(
    tmp_path, grade, expected_total
):
    granted = calc(tmp_path, GUIDING, 2016, cn("v", "vocational_secondary", grade=grade))
    assert ("vocational_national_grant_2000" in granted["v"]) == (grade in (1, 2))
    assert granted["v"]["vocational_free_tuition"] == "2000"
    assert sum(int(a) for a in granted["v"].values()) == expected_total


@pytest.mark.parametrize("grade", [1, 2, 3])
def test_cn_2025_vocational_years_1_to_3_get_the_2300_grant_total_2000_2300_1000_400_500(
    tmp_path, grade
):
    granted = calc(tmp_path, GUIDING, 2025, cn("v", "vocational_secondary", grade=grade))["v"]
    assert granted["vocational_national_grant_2300"] == "2300"
    assert sum(int(a) for a in granted.values()) == 2000 + 2300 + 1000 + 400 + 500


def test_cn_2016_bachelor_gets_3000_1000_and_tuition_3830(tmp_path):
    granted = calc(tmp_path, GUIDING, 2016, cn("u", "higher_education", program="bachelor"))
    assert granted["u"] == {
        "higher_education_national_grant_3000": "3000",
        "higher_education_poverty_special_grant": "1000",
        "higher_education_tuition_bachelor": "3830",
    }


@pytest.mark.parametrize(("year", "grant"), [
    (2023, ("higher_education_national_grant_3000", "3000")),
    (2024, ("higher_education_national_grant_3700", "3700")),  # from autumn 2024
])  # fmt: skip
def test_cn_higher_education_grant_is_3700_from_autumn_2024(tmp_path, year, grant):
    granted = calc(tmp_path, NATIONAL, year, cn("u", "higher_education", program="bachelor"))
    assert granted["u"] == dict([grant])


def test_cn_associate_gets_tuition_3500(tmp_path):
    granted = calc(tmp_path, GUIDING, 2016, cn("a", "higher_education", program="associate"))
    assert granted["a"]["higher_education_tuition_associate"] == "3500"
    assert "higher_education_tuition_bachelor" not in granted["a"]


@pytest.mark.parametrize(("year", "ownership", "age", "waived"), [
    (2025, "public", 5, "2000"),  # 100% of 200 a month x 10 months
    (2024, "public", 5, None),  # before autumn 2025
    (2025, "private", 5, None),  # public kindergartens only
    (2025, "public", 4, None),  # not the final year
])  # fmt: skip
def test_cn_final_preschool_year_fees_waived_in_public_kindergartens_from_autumn_2025_200_x_10(
    tmp_path, year, ownership, age, waived
):
    student = {"ref": "k", "level": "preschool", "household_status": "none",
               "school_ownership": ownership, "age": age, "tuition_fee_month": 200}  # fmt: skip
    granted = calc(tmp_path, NATIONAL, year, student).get("k", {})
    assert granted.get("preschool_final_year_fee_waiver") == waived


def test_cn_a_poor_pupil_outside_guiding_gets_the_national_lines_and_none_of_the_county(tmp_path):
    """Another county of Guizhou (贵阳 南明区 520102): national 1,000 + 4 x 200 only."""
    student = cn("o", "primary", boarding="1", unit="CN.520000000000.520102000000")
    rows = calc_rows(tmp_path, GUIDING, 2016, student)
    assert {row["policy"] for row in rows} == {NATIONAL}
    assert {row["benefit"]: row["amount"] for row in rows} == {
        "living_subsidy_boarding_primary_2015": "1000",
        "nutrition_meal_subsidy_4": "800",
    }


def test_cn_non_poor_pupil_gets_nothing(tmp_path):
    student = cn("n", "upper_secondary", household_status="none")
    assert calc(tmp_path, GUIDING, 2016, student) == {}


def test_cn_policies_are_not_in_force_before_2015(tmp_path):
    assert calc(tmp_path, GUIDING, 2014, cn("h", "upper_secondary")) == {}


def test_cn_lines_whose_payer_the_facts_do_not_state_are_funded_not_stated():
    """Facts §3 say who pays none of the national items (central funding of the nutrition
    plan holds in national pilot areas, and the facts do not say Guiding is one)."""
    from reach.policy.calc import default_policies_dir, load_calc_policy

    policies = default_policies_dir()
    national, _book = load_calc_policy(code=NATIONAL, policies_dir=policies)
    county, _book = load_calc_policy(code=COUNTY, policies_dir=policies)
    assert {share.source for b in national.benefits for share in b.funding} == {"not_stated"}
    assert {b.funding[0].source for b in county.benefits} == {
        "county", "province_prefecture_county", "by_school_affiliation"
    }  # fmt: skip
    medium = {b.code for b in national.benefits if b.source.get("confidence") == "medium"}
    assert {"upper_secondary_national_grant_2300", "vocational_national_grant_2300",
            "higher_education_national_grant_3700"} <= medium  # fmt: skip


# --- vn-poverty-education: policy facts §2 ---------------------------------------------------


def vn(ref: str, level: str, **facts) -> dict:
    return {"ref": ref, "level": level, "school_ownership": "public"} | facts


def test_vn_2024_poor_lower_secondary_gets_fee_exemption_300000_x_9_and_learning_cost_150000_x_9(
    tmp_path,
):
    student = vn("a", "lower_secondary", household_status="poor", tuition_fee_month=300000)
    assert calc(tmp_path, "vn-poverty-education", 2024, student)["a"] == {
        "tuition_exemption_81": "2700000",
        "learning_cost_support": "1350000",
    }


def test_vn_2024_near_poor_pays_half_50pct_of_200000_x_9_is_900000(tmp_path):
    student = vn("b", "upper_secondary", household_status="near_poor", tuition_fee_month=200000)
    assert calc(tmp_path, "vn-poverty-education", 2024, student)["b"] == {
        "tuition_reduction_50_81": "900000"
    }


def test_vn_2024_ethnic_minority_in_difficult_commune_near_poor_keeps_only_the_70pct_reduction(
    tmp_path,
):
    """70% of 100,000 x 9 = 630,000 beats 50% (450,000): the tuition group keeps the largest."""
    student = vn(
        "c", "lower_secondary", household_status="near_poor", ethnic_minority="yes",
        extremely_difficult_commune="yes", tuition_fee_month=100000,
    )  # fmt: skip
    assert calc(tmp_path, "vn-poverty-education", 2024, student)["c"] == {
        "tuition_reduction_70_81": "630000"
    }


def test_vn_2024_public_primary_pays_no_tuition_so_no_exemption_line(tmp_path):
    student = vn("d", "primary", household_status="poor", tuition_fee_month=0)
    assert calc(tmp_path, "vn-poverty-education", 2024, student)["d"] == {
        "learning_cost_support": "1350000"
    }


def test_vn_2025_public_schooling_free_for_everyone_under_decree_238(tmp_path):
    """From school year 2025-2026 a non-poor public pupil's fee is exempt: 300,000 x 9."""
    student = vn("e", "upper_secondary", household_status="none", tuition_fee_month=300000)
    assert calc(tmp_path, "vn-poverty-education", 2025, student)["e"] == {
        "tuition_exemption_public_238": "2700000"
    }


def test_vn_2025_near_poor_reduction_of_decree_81_no_longer_applies(tmp_path):
    student = vn("f", "lower_secondary", household_status="near_poor", tuition_fee_month=300000)
    granted = calc(tmp_path, "vn-poverty-education", 2025, student)["f"]
    assert "tuition_reduction_50_81" not in granted
    assert granted["tuition_exemption_public_238"] == "2700000"


def test_vn_preschool_lunch_support_4_year_old_class_near_poor_160000_x_9_is_1440000(tmp_path):
    student = vn("g", "preschool", age_by_birth_year=4, household_status="near_poor")
    granted = calc(tmp_path, "vn-poverty-education", 2024, student)["g"]
    assert granted["preschool_lunch_support"] == "1440000"


def test_vn_preschool_lunch_support_not_for_the_2_year_old_class(tmp_path):
    student = vn("h", "preschool", age_by_birth_year=2, household_status="poor")
    granted = calc(tmp_path, "vn-poverty-education", 2024, student).get("h", {})
    assert "preschool_lunch_support" not in granted


def test_vn_2024_born_2021_11_20_aged_2_on_5_september_in_the_3_year_old_class_160000_x_9(
    tmp_path,
):
    """Classes are formed by year of birth: 2024 - 2021 = 3, though the child turns 3 only on
    2024-11-20; a child born on 2022-01-01 is in the 2-year-old class."""
    late_2021, early_2022 = (
        vn(ref, "preschool", birth_date=born, household_status="poor", tuition_fee_month=0)
        for ref, born in (("late", "2021-11-20"), ("next", "2022-01-01"))
    )
    granted = calc(tmp_path, "vn-poverty-education", 2024, late_2021, early_2022)
    assert granted["late"]["preschool_lunch_support"] == "1440000"
    assert "preschool_lunch_support" not in granted.get("next", {})


def test_vn_2025_boarder_born_2022_11_20_in_the_3_year_old_class_gets_lunch_160000_x_9_not_nursery(
    tmp_path,
):
    student = vn(
        "n3", "preschool", birth_date="2022-11-20", boarding="1", extremely_difficult_commune="1",
        household_status="none", tuition_fee_month=0,
    )  # fmt: skip
    assert calc(tmp_path, "vn-poverty-education", 2025, student)["n3"] == {
        "preschool_lunch_support": "1440000"
    }


def test_vn_learning_cost_support_disabled_near_poor_150000_x_9_is_1350000(tmp_path):
    student = vn("i", "primary", disabled="1", household_status="near_poor")
    assert calc(tmp_path, "vn-poverty-education", 2024, student)["i"]["learning_cost_support"] == (
        "1350000"
    )


def test_vn_2023_semi_boarding_food_40pct_of_1800000_x_9_is_6480000(tmp_path):
    student = vn("j", "primary", boarding="1", extremely_difficult_commune="1")
    assert calc(tmp_path, "vn-poverty-education", 2023, student)["j"] == {
        "semi_boarding_food_116": "6480000"
    }


def test_vn_2024_semi_boarding_food_116_40pct_of_2340000_x_8_months_and_66_936000_x_1_may(
    tmp_path,
):
    """Decree 66/2025 from 1/5/2025: Decree 116/2016 pays September to April (936,000 x 8 =
    7,488,000), Decree 66/2025 pays May (936,000 x 1)."""
    student = vn("k", "lower_secondary", boarding="1", extremely_difficult_commune="1")
    assert calc(tmp_path, "vn-poverty-education", 2024, student)["k"] == {
        "semi_boarding_food_116": "7488000",
        "semi_boarding_food_66": "936000",
    }


def test_vn_2025_semi_boarding_food_936000_x_9_is_8424000_under_decree_66(tmp_path):
    student = vn("l", "upper_secondary", boarding="1", extremely_difficult_commune="1")
    granted = calc(tmp_path, "vn-poverty-education", 2025, student)["l"]
    assert granted["semi_boarding_food_66"] == "8424000"
    assert "semi_boarding_food_116" not in granted


@pytest.mark.parametrize(("age", "lunch"), [
    (2, {"semi_boarding_nursery_lunch_66": "3240000"}),
    (4, {"preschool_lunch_support": "1440000"}),
])  # fmt: skip
def test_vn_2025_boarder_under_3_gets_nursery_lunch_360000_x_9_from_3_lunch_160000_x_9(
    tmp_path, age, lunch
):
    """Nhà trẻ is 3 months to 3 years: from the 3-year-old class (by year of birth) a boarder
    has Decree 105's 160,000 x 9 instead."""
    student = vn(
        "m", "preschool", age_by_birth_year=age, boarding="1", extremely_difficult_commune="1",
        household_status="none", tuition_fee_month=0,
    )  # fmt: skip
    assert calc(tmp_path, "vn-poverty-education", 2025, student)["m"] == lunch


def test_vn_2025_continuing_education_semi_boarder_gets_936000_x_9_is_8424000(tmp_path):
    student = vn("gdtx", "continuing_education", boarding="1", extremely_difficult_commune="1")
    granted = calc(tmp_path, "vn-poverty-education", 2025, student)["gdtx"]
    assert granted["semi_boarding_food_66"] == "8424000"


@pytest.mark.parametrize(("year", "benefit"), [
    (2024, "tuition_exemption_vocational_higher_81"),
    (2025, "tuition_exemption_vocational_higher_238"),
])  # fmt: skip
def test_vn_disabled_vocational_pupil_fee_exempt_500000_x_10_is_5000000(tmp_path, year, benefit):
    student = vn("dis", "vocational_secondary", disabled="1", tuition_fee_month=500000)
    assert calc(tmp_path, "vn-poverty-education", year, student)["dis"] == {benefit: "5000000"}


def test_vn_2024_orphan_associate_student_fee_exempt_1000000_x_10_at_any_age(tmp_path):
    student = vn(
        "cd", "higher_education", program="associate", orphan="1", age=30,
        tuition_fee_month=1000000,
    )  # fmt: skip
    assert calc(tmp_path, "vn-poverty-education", 2024, student)["cd"] == {
        "tuition_exemption_vocational_higher_81": "10000000"
    }


def test_vn_2025_orphan_bachelor_fee_exempt_1000000_x_10_at_20_but_not_at_25(tmp_path):
    """Orphans on the social allowance (16 to 22) are exempt in a first university degree."""
    young, older = (
        vn(ref, "higher_education", program="bachelor", orphan="1", age=age,
           tuition_fee_month=1000000)
        for ref, age in (("u20", 20), ("u25", 25))
    )  # fmt: skip
    granted = calc(tmp_path, "vn-poverty-education", 2025, young, older)
    assert granted == {"u20": {"tuition_exemption_vocational_higher_238": "10000000"}}


def test_vn_2025_martyr_child_in_private_primary_fee_exempt_400000_x_9_is_3600000(tmp_path):
    student = vn(
        "ls", "primary", martyr_child="1", school_ownership="private", tuition_fee_month=400000,
    )  # fmt: skip
    assert calc(tmp_path, "vn-poverty-education", 2025, student)["ls"] == {
        "tuition_exemption_merit_238": "3600000"
    }


def test_vn_2024_ethnic_minority_poor_university_student_fee_exempt_1000000_x_10(tmp_path):
    student = vn(
        "n", "higher_education", ethnic_minority="1", household_status="poor",
        tuition_fee_month=1000000,
    )  # fmt: skip
    assert calc(tmp_path, "vn-poverty-education", 2024, student)["n"] == {
        "tuition_exemption_ethnic_poor_81": "10000000"
    }


# --- time within a school year: the boundaries 2020-11-01, 2021-10-15, 2025-05-01, 2025-09-03


def test_vn_2020_lunch_06_2018_10pct_of_1490000_x_2_months_then_105_2020_160000_x_7_months(
    tmp_path, capsys
):
    """Decree 105/2020 from 1/11/2020: Decree 06/2018 pays September and October (149,000 x 2 =
    298,000), Decree 105/2020 November to May (160,000 x 7 = 1,120,000); 9 months in all."""
    student = vn("g", "preschool", birth_date="2016-03-01", household_status="near_poor")
    assert calc(tmp_path, "vn-poverty-education", 2020, student)["g"] == {
        "preschool_lunch_support_06": "298000",
        "preschool_lunch_support": "1120000",
    }
    notes = capsys.readouterr().err
    assert "preschool_lunch_support: 7 of 9 months in school year 2020: the months" in notes
    assert "a month counting when in force on day 5 of it (convention to confirm)" in notes


def test_vn_2021_decree_81_from_15_10_2021_governs_the_whole_school_year_300000_x_9(tmp_path):
    """Decree 81/2021 applies from school year 2021-2022: exemption 300,000 x 9 = 2,700,000 and
    learning-cost support 150,000 x 9 = 1,350,000, though in force only from 15 October."""
    student = vn("a", "lower_secondary", household_status="poor", tuition_fee_month=300000)
    assert calc(tmp_path, "vn-poverty-education", 2021, student)["a"] == {
        "tuition_exemption_81": "2700000",
        "learning_cost_support": "1350000",
    }


def test_vn_2020_decree_86_governs_its_last_school_year_300000_x_9_not_decree_81(tmp_path):
    student = vn("a", "lower_secondary", household_status="poor", tuition_fee_month=300000)
    assert calc(tmp_path, "vn-poverty-education", 2020, student)["a"] == {
        "tuition_exemption_86": "2700000"
    }


def test_vn_2025_decree_238_from_3_9_2025_takes_the_whole_year_81_none_of_it(tmp_path):
    """Decree 81/2021 ends 2/9/2025, before school year 2025-2026 opens on 5 September: the
    near-poor pupil's fee is exempt under Decree 238/2025 (300,000 x 9), none under Decree 81."""
    student = vn("f", "lower_secondary", household_status="near_poor", tuition_fee_month=300000)
    granted = calc(tmp_path, "vn-poverty-education", 2025, student)["f"]
    assert granted == {"tuition_exemption_public_238": "2700000"}


def test_vn_2024_nursery_lunch_66_from_1_5_2025_pays_may_only_360000_x_1(tmp_path):
    student = vn(
        "m", "preschool", birth_date="2022-03-01", boarding="1", extremely_difficult_commune="1"
    )
    assert calc(tmp_path, "vn-poverty-education", 2024, student)["m"] == {
        "semi_boarding_nursery_lunch_66": "360000"
    }


# --- the years before: Decree 86/2015, Decree 06/2018, the base salary from 2016 ---------------


@pytest.mark.parametrize(("year", "food"), [
    (2016, "4356000"),  # 40% of 1,210,000 (from 1/5/2016) = 484,000 x 9
    (2017, "4680000"),  # 40% of 1,300,000 (from 1/7/2017) = 520,000 x 9
    (2018, "5004000"),  # 40% of 1,390,000 (from 1/7/2018) = 556,000 x 9
    (2019, "5364000"),  # 40% of 1,490,000 (from 1/7/2019) = 596,000 x 9
    (2020, "5364000"),
])  # fmt: skip
def test_vn_2016_to_2020_semi_boarding_food_40pct_of_the_base_salary_x_9(tmp_path, year, food):
    student = vn("j", "primary", boarding="1", extremely_difficult_commune="1")
    assert calc(tmp_path, "vn-poverty-education", year, student)["j"] == {
        "semi_boarding_food_116": food
    }


@pytest.mark.parametrize(("year", "lunch"), [
    (2018, "1251000"),  # 10% of 1,390,000 = 139,000 x 9
    (2019, "1341000"),  # 10% of 1,490,000 = 149,000 x 9
])  # fmt: skip
def test_vn_2018_and_2019_lunch_06_2018_10pct_of_the_base_salary_x_9(tmp_path, year, lunch):
    """The 5-year-old class: born five calendar years before the school year starts."""
    student = vn("g", "preschool", birth_date=f"{year - 5}-03-01", household_status="poor")
    assert calc(tmp_path, "vn-poverty-education", year, student)["g"] == {
        "preschool_lunch_support_06": lunch
    }


def test_vn_2017_no_lunch_line_the_date_decree_06_2018_came_into_force_is_to_confirm(tmp_path):
    student = vn("g", "preschool", birth_date="2012-03-01", household_status="poor")
    assert calc(tmp_path, "vn-poverty-education", 2017, student) == {}


@pytest.mark.parametrize("year", [2016, 2017, 2018, 2019, 2020])
def test_vn_2016_to_2020_poor_pupil_fee_exempt_under_decree_86_300000_x_9(tmp_path, year):
    student = vn("a", "upper_secondary", household_status="poor", tuition_fee_month=300000)
    assert calc(tmp_path, "vn-poverty-education", year, student)["a"] == {
        "tuition_exemption_86": "2700000"
    }


def test_vn_2018_near_poor_pays_half_under_decree_86_50pct_of_200000_x_9_is_900000(tmp_path):
    student = vn("b", "lower_secondary", household_status="near_poor", tuition_fee_month=200000)
    assert calc(tmp_path, "vn-poverty-education", 2018, student)["b"] == {
        "tuition_reduction_50_86": "900000"
    }


def test_vn_2019_learning_cost_support_of_decree_86_is_left_out_with_a_warning_not_paid_0(
    tmp_path, capsys
):
    """The facts give Decree 86/2015's beneficiaries, not its amount: the orphan is named in a
    warning, no line of 0 is printed."""
    student = vn("o", "primary", orphan="1")
    assert calc(tmp_path, "vn-poverty-education", 2019, student) == {}
    assert "learning_cost_support_86 left out: the amount is not set" in capsys.readouterr().err


def test_vn_policy_gives_nothing_before_its_decrees(tmp_path):
    student = vn("o", "lower_secondary", household_status="poor", tuition_fee_month=300000)
    assert calc(tmp_path, "vn-poverty-education", 2015, student) == {}


# --- Decree 238/2025's ethnic-minority rules at every level; provincial private-school support


def test_vn_2025_private_lower_secondary_ethnic_minority_near_poor_fee_exempt_300000_x_9_is_2700000(
    tmp_path,
):
    """Decree 238/2025 sets no level for this exemption (Decree 81/2021 kept it to vocational
    and higher education): a private lower-secondary pupil keeps it."""
    student = vn(
        "em", "lower_secondary", school_ownership="private", ethnic_minority="1",
        household_status="near_poor", tuition_fee_month=300000,
    )  # fmt: skip
    assert calc(tmp_path, "vn-poverty-education", 2025, student)["em"] == {
        "tuition_exemption_ethnic_poor_general_238": "2700000"
    }


def test_vn_2025_private_preschool_ethnic_minority_difficult_commune_70pct_of_300000_x_9_1890000(
    tmp_path,
):
    student = vn(
        "r70", "preschool", school_ownership="private", ethnic_minority="1",
        extremely_difficult_commune="1", household_status="none", age_by_birth_year=1,
        tuition_fee_month=300000,
    )  # fmt: skip
    assert calc(tmp_path, "vn-poverty-education", 2025, student)["r70"] == {
        "tuition_reduction_70_general_238": "1890000"
    }


@pytest.mark.parametrize(("facts", "benefit", "amount"), [
    ({"household_status": "near_poor"}, "tuition_exemption_ethnic_poor_238", "5000000"),
    ({"extremely_difficult_commune": "1"}, "tuition_reduction_70_238", "3500000"),
])  # fmt: skip
def test_vn_2025_ethnic_minority_vocational_exempt_500000_x_10_or_70pct_is_3500000(
    tmp_path, facts, benefit, amount
):
    student = vn(
        "voc", "vocational_secondary", ethnic_minority="1", tuition_fee_month=500000, **facts
    )
    assert calc(tmp_path, "vn-poverty-education", 2025, student)["voc"] == {benefit: amount}


def test_vn_2025_private_school_support_not_set_by_the_province_leaves_the_pupil_out(
    tmp_path, capsys
):
    """The shipped table is empty: no line (never a zero one) and a warning naming the table."""
    student = vn("pv", "lower_secondary", school_ownership="private", household_status="none")
    assert calc(tmp_path, "vn-poverty-education", 2025, student) == {}
    warning = capsys.readouterr().err
    assert "private_school_tuition_support_238 left out" in warning
    assert "private_tuition_support not set for level lower_secondary" in warning
