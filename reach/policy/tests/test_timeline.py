"""`reach policy timeline`: every benefit of every shipped policy file by school year, so a
year no benefit covers shows as a gap."""

import io

from django.core.management import call_command

from reach.policy.calc import default_policies_dir
from reach.policy.timeline import IN_FORCE, PART, read_policies, timeline

YEARS = list(range(2016, 2027))


def test_every_benefit_of_every_shipped_file_has_a_row():
    documents = read_policies(default_policies_dir())
    rows = timeline(documents, YEARS)
    assert {(row.policy, row.benefit) for row in rows} == {
        (document.code, benefit.code) for document in documents for benefit in document.benefits
    }
    assert {"vn-poverty-education", "cn-national-student-aid", "cn-guiding-2015"} <= {
        row.policy for row in rows
    }


def test_a_benefit_counts_for_the_years_it_is_in_force_on_the_day_they_are_judged_on():
    rows = {
        row.benefit: row.years for row in timeline(read_policies(default_policies_dir()), YEARS)
    }
    # Decree 81/2021 (in force 15/10/2021) applies from school year 2021-2022, Decree 86/2015
    # until 2020-2021; the vn tuition exemption has no gap
    old, new = rows["tuition_exemption_86"], rows["tuition_exemption_81"]
    assert [year for year, on in zip(YEARS, old, strict=True) if on] == list(range(2016, 2021))
    assert [year for year, on in zip(YEARS, new, strict=True) if on] == list(range(2021, 2025))


def test_a_benefit_counting_months_marks_the_years_it_pays_some_months_of():
    rows = {row.benefit: row for row in timeline(read_policies(default_policies_dir()), YEARS)}
    # Decree 116/2016 until 30/4/2025, Decree 66/2025 from 1/5/2025: 8 months and 1 in 2024
    old, new = rows["semi_boarding_food_116"], rows["semi_boarding_food_66"]
    assert [old.mark(i) for i in range(len(YEARS))] == [IN_FORCE] * 8 + [f"{PART} 8", "·", "·"]
    assert [new.mark(i) for i in range(len(YEARS))] == ["·"] * 8 + [f"{PART} 1"] + [IN_FORCE] * 2
    lunch_06, lunch_105 = rows["preschool_lunch_support_06"], rows["preschool_lunch_support"]
    assert lunch_06.mark(YEARS.index(2020)) == f"{PART} 2"
    assert lunch_105.mark(YEARS.index(2020)) == f"{PART} 7"


def test_the_command_prints_a_markdown_table_with_a_column_a_year():
    out = io.StringIO()
    call_command("policy", "timeline", "--from", "2016", "--to", "2026", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "| Policy | Benefit | " + " | ".join(map(str, YEARS)) + " |"
    semi = next(line for line in lines if "semi_boarding_food_66" in line)
    assert semi.endswith(f"{IN_FORCE} | {IN_FORCE} |") and semi.count(IN_FORCE) == 2
