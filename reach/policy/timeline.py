"""Which benefit of which policy file is in force in which school year: one row per benefit,
one column per year, so a year that no benefit covers (a decree not yet encoded, or one that
starts after the day a school year is judged on) shows as a gap at a glance.

A benefit counts for school year Y when it is in force on its policy's `school_year_start`
of Y, the day runs judge the year on (`PolicyDocument.benefits_in_force`)."""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reach.policy.loader import PolicyDocument, file_kind, parse_policy, read_yaml, yaml_files
from reach.policy.tables import read_reference_dir, reference_book

REFERENCE_DIR = "reference"
IN_FORCE, ABSENT = "●", "·"


@dataclass(frozen=True)
class TimelineRow:
    policy: str
    benefit: str
    name: str
    years: tuple[bool, ...]


def read_policies(directory: Path) -> list[PolicyDocument]:
    """Every policy file of a policies directory, validated against its reference tables."""
    book = reference_book(read_reference_dir(directory / REFERENCE_DIR))
    documents = []
    for path in yaml_files(directory):
        data = read_yaml(path)
        if file_kind(data) == "policy":
            documents.append(parse_policy(data, file_name=path.name, tables=book.tables))
    return documents


def timeline(documents: Sequence[PolicyDocument], years: Sequence[int]) -> list[TimelineRow]:
    rows = []
    for document in documents:
        in_force = {year: {b.index for b in document.benefits_in_force(year)} for year in years}
        for benefit in document.benefits:
            rows.append(
                TimelineRow(
                    policy=document.code,
                    benefit=benefit.code,
                    name=benefit.names.get("en") or next(iter(benefit.names.values()), ""),
                    years=tuple(benefit.index in in_force[year] for year in years),
                )
            )
    return rows


def render_markdown(rows: Sequence[TimelineRow], years: Sequence[int]) -> str:
    """A Markdown table; a year column is headed by the year it starts in (2024 = 2024-2025)."""
    head = ["Policy", "Benefit", *(str(year) for year in years)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        marks = [IN_FORCE if on else ABSENT for on in row.years]
        lines.append(f"| {row.policy} | {row.benefit} ({row.name}) | " + " | ".join(marks) + " |")
    return "\n".join(lines) + "\n"
