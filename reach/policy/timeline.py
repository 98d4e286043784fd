"""Which benefit of which policy file is in force in which school year: one row per benefit,
one column per year, so a year that no benefit covers (a decree not yet encoded) shows as a gap
at a glance.

A benefit counts for school year Y as runs count it (`PolicyDocument.benefits_in_force`): in
force on its policy's `school_year_start` of Y, for the whole of the school years its source
names, or, when it counts the months in force, for some months of Y; a year it counts only some
months of shows as such, with the months."""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reach.policy.loader import PolicyDocument, file_kind, parse_policy, read_yaml, yaml_files
from reach.policy.tables import read_reference_dir, reference_book

REFERENCE_DIR = "reference"
IN_FORCE, PART, ABSENT = "●", "◐", "·"


@dataclass(frozen=True)
class TimelineRow:
    policy: str
    benefit: str
    name: str
    years: tuple[bool, ...]
    # per year, the months counted of a year the benefit counts only some months of (else None)
    part_months: tuple[int | None, ...] = ()

    def mark(self, index: int) -> str:
        months = self.part_months[index] if self.part_months else None
        if months is not None:
            return f"{PART} {months}"
        return IN_FORCE if self.years[index] else ABSENT


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
            counted = [benefit.months_paid(year) for year in years]
            rows.append(
                TimelineRow(
                    policy=document.code,
                    benefit=benefit.code,
                    name=benefit.names.get("en") or next(iter(benefit.names.values()), ""),
                    years=tuple(benefit.index in in_force[year] for year in years),
                    part_months=tuple(
                        months if months and months != benefit.amount.months else None
                        for months in counted
                    ),
                )
            )
    return rows


def render_markdown(rows: Sequence[TimelineRow], years: Sequence[int]) -> str:
    """A Markdown table; a year column is headed by the year it starts in (2024 = 2024-2025);
    "◐ 7" marks a year the benefit counts 7 months of."""
    head = ["Policy", "Benefit", *(str(year) for year in years)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        marks = [row.mark(index) for index in range(len(years))]
        lines.append(f"| {row.policy} | {row.benefit} ({row.name}) | " + " | ".join(marks) + " |")
    return "\n".join(lines) + "\n"
