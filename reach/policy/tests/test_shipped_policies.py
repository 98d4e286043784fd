"""The shipped policies reproduce, through `reach calc`, every amount their sources state.

Each test names the arithmetic it checks; amounts are in major units (yuan, dong)."""

import csv
import io

import pytest
from django.core.management import call_command

FIELDS = (
    "ref level grade boarding age household_status ethnic_minority orphan disabled martyr_child "
    "extremely_difficult_commune program school_ownership school_days tuition_fee_month"
).split()


def calc(tmp_path, policy: str, year: int, *students: dict) -> dict[str, dict[str, str]]:
    """Run `reach calc` on students; returns {ref: {benefit: amount}} and checks the header."""
    path = tmp_path / "students.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        for student in students:
            writer.writerow(student)
    out = io.StringIO()
    call_command("calc", "--policy", policy, "--year", str(year), str(path), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "ref,benefit,amount,currency"
    granted: dict[str, dict[str, str]] = {}
    for row in csv.DictReader(lines):
        granted.setdefault(row["ref"], {})[row["benefit"]] = row["amount"]
        assert row["currency"] == ("CNY" if policy.startswith("cn") else "VND")
    return granted


def cn(ref: str, level: str, **facts) -> dict:
    return {"ref": ref, "level": level, "household_status": "poor"} | facts


# --- cn-guiding-2015: seed 002, section 二(一) 1-5 ---------------------------------------------


def test_cn_preschool_poor_child_gets_200_a_year(tmp_path):
    granted = calc(tmp_path, "cn-guiding-2015", 2016, cn("p", "preschool"))
    assert granted == {"p": {"preschool_living_subsidy": "200"}}


@pytest.mark.parametrize("flag", ["orphan", "disabled", "martyr_child"])
def test_cn_preschool_orphan_disabled_or_martyr_child_gets_200_whatever_the_household(
    tmp_path, flag
):
    student = {"ref": "p", "level": "preschool", "household_status": "none", flag: "yes"}
    assert calc(tmp_path, "cn-guiding-2015", 2016, student)["p"] == {
        "preschool_living_subsidy": "200"
    }


def test_cn_primary_poor_boarder_gets_1000_plus_100_plus_4_yuan_x_200_days(tmp_path):
    granted = calc(tmp_path, "cn-guiding-2015", 2016, cn("b", "primary", boarding="1", grade=3))
    assert granted["b"] == {
        "compulsory_boarding_subsidy_primary": "1000",
        "compulsory_boarding_county_top_up": "100",
        "nutrition_meal_subsidy": "800",
    }


def test_cn_lower_secondary_poor_boarder_gets_1250_plus_100_and_meals_4_x_school_days_180(
    tmp_path,
):
    student = cn("j", "lower_secondary", boarding="true", grade=8, school_days=180)
    assert calc(tmp_path, "cn-guiding-2015", 2016, student)["j"] == {
        "compulsory_boarding_subsidy_lower_secondary": "1250",
        "compulsory_boarding_county_top_up": "100",
        "nutrition_meal_subsidy": "720",
    }


def test_cn_poor_day_pupil_gets_only_the_meals(tmp_path):
    assert calc(tmp_path, "cn-guiding-2015", 2016, cn("d", "primary", boarding="0"))["d"] == {
        "nutrition_meal_subsidy": "800"
    }


def test_cn_senior_high_poor_gets_2000_1000_760_400_500_total_4660(tmp_path):
    granted = calc(tmp_path, "cn-guiding-2015", 2016, cn("h", "upper_secondary"))["h"]
    assert granted == {
        "upper_secondary_national_grant": "2000",
        "upper_secondary_poverty_special_grant": "1000",
        "upper_secondary_tuition_waiver": "760",
        "upper_secondary_textbook_waiver": "400",
        "upper_secondary_accommodation_waiver": "500",
    }
    assert sum(int(a) for a in granted.values()) == 4660


@pytest.mark.parametrize(
    ("grade", "expected_total"),
    [(1, 2000 + 2000 + 1000 + 400 + 500), (2, 5900), (3, 2000 + 1000 + 400 + 500)],
)
def test_cn_vocational_year_1_and_2_get_the_national_grant_year_3_does_not(
    tmp_path, grade, expected_total
):
    granted = calc(tmp_path, "cn-guiding-2015", 2016, cn("v", "vocational_secondary", grade=grade))
    assert ("vocational_national_grant" in granted["v"]) == (grade in (1, 2))
    assert granted["v"]["vocational_free_tuition"] == "2000"
    assert sum(int(a) for a in granted["v"].values()) == expected_total


def test_cn_bachelor_gets_3000_1000_and_tuition_3830(tmp_path):
    granted = calc(
        tmp_path, "cn-guiding-2015", 2016, cn("u", "higher_education", program="bachelor")
    )
    assert granted["u"] == {
        "higher_education_national_grant": "3000",
        "higher_education_poverty_special_grant": "1000",
        "higher_education_tuition_bachelor": "3830",
    }


def test_cn_associate_gets_tuition_3500(tmp_path):
    granted = calc(
        tmp_path, "cn-guiding-2015", 2016, cn("a", "higher_education", program="associate")
    )
    assert granted["a"]["higher_education_tuition_associate"] == "3500"
    assert "higher_education_tuition_bachelor" not in granted["a"]


def test_cn_non_poor_pupil_gets_nothing(tmp_path):
    student = cn("n", "upper_secondary", household_status="none")
    assert calc(tmp_path, "cn-guiding-2015", 2016, student) == {}


def test_cn_policy_is_not_in_force_before_2015(tmp_path):
    assert calc(tmp_path, "cn-guiding-2015", 2014, cn("h", "upper_secondary")) == {}


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


def test_vn_preschool_lunch_support_age_4_near_poor_160000_x_9_is_1440000(tmp_path):
    student = vn("g", "preschool", age=4, household_status="near_poor")
    granted = calc(tmp_path, "vn-poverty-education", 2024, student)["g"]
    assert granted["preschool_lunch_support"] == "1440000"


def test_vn_preschool_lunch_support_not_for_age_2(tmp_path):
    student = vn("h", "preschool", age=2, household_status="poor")
    granted = calc(tmp_path, "vn-poverty-education", 2024, student).get("h", {})
    assert "preschool_lunch_support" not in granted


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


def test_vn_2024_semi_boarding_food_40pct_of_2340000_x_9_is_8424000(tmp_path):
    student = vn("k", "lower_secondary", boarding="1", extremely_difficult_commune="1")
    assert calc(tmp_path, "vn-poverty-education", 2024, student)["k"] == {
        "semi_boarding_food_116": "8424000"
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
    """Nhà trẻ is 3 months to 3 years: from 3 a boarder has Decree 105's 160,000 x 9 instead."""
    student = vn(
        "m", "preschool", age=age, boarding="1", extremely_difficult_commune="1",
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


def test_vn_policy_gives_nothing_before_its_decrees(tmp_path):
    student = vn("o", "lower_secondary", household_status="poor", tuition_fee_month=300000)
    assert calc(tmp_path, "vn-poverty-education", 2015, student) == {}
