"""`reach policy timeline`: every benefit of every shipped policy file by school year, so a
year no benefit covers shows as a gap."""

import io

from django.core.management import call_command

from reach.policy.calc import default_policies_dir
from reach.policy.timeline import IN_FORCE, read_policies, timeline

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
    # Decree 116/2016 until Decree 66/2025 took its place (judged on 5 September each year)
    old, new = rows["semi_boarding_food_116"], rows["semi_boarding_food_66"]
    assert [year for year, on in zip(YEARS, old, strict=True) if on] == list(range(2016, 2025))
    assert [year for year, on in zip(YEARS, new, strict=True) if on] == [2025, 2026]


def test_the_command_prints_a_markdown_table_with_a_column_a_year():
    out = io.StringIO()
    call_command("policy", "timeline", "--from", "2016", "--to", "2026", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "| Policy | Benefit | " + " | ".join(map(str, YEARS)) + " |"
    semi = next(line for line in lines if "semi_boarding_food_66" in line)
    assert semi.endswith(f"{IN_FORCE} | {IN_FORCE} |") and semi.count(IN_FORCE) == 2
