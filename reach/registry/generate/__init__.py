"""Deterministic demo data: households, members, poverty statuses and enrolments.

The same unit, seed, household count and year always give the same rows, so demos, tests and
benchmarks are reproducible. Rows are built in memory and written chunk by chunk, one
transaction and one prepared INSERT per table per chunk; household codes make reruns idempotent.
"""

from reach.registry.generate.builder import HouseholdBuilder
from reach.registry.generate.errors import GenerationError
from reach.registry.generate.next_year import NextYearResult, generate_next_school_year
from reach.registry.generate.profiles import age_on, china_id_check_char, profile_for
from reach.registry.generate.service import GenerationResult, generate_households

__all__ = [
    "GenerationError",
    "GenerationResult",
    "HouseholdBuilder",
    "NextYearResult",
    "age_on",
    "china_id_check_char",
    "generate_households",
    "generate_next_school_year",
    "profile_for",
]
