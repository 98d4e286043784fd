"""The use case: generate demo households for a unit, chunk by chunk, and audit the run."""

from collections.abc import Callable
from dataclasses import asdict, dataclass

from reach.accounts.choices import AuditAction
from reach.accounts.services import record_audit_event
from reach.geo.models import Unit
from reach.registry.generate.builder import HouseholdBuilder
from reach.registry.generate.errors import GenerationError
from reach.registry.generate.writer import _bulk_load_cache, _cyclic_gc_paused, _write_chunk
from reach.registry.models import Person

CHUNK_HOUSEHOLDS = 5000


@dataclass(frozen=True)
class GenerationResult:
    households: int
    persons: int
    enrolments: int
    statuses: int


def generate_households(
    *,
    unit: Unit,
    households: int,
    seed: int,
    year: int = 2024,
    actor=None,
    progress: Callable[[int, int], None] | None = None,
) -> GenerationResult:
    """Generate `households` demo households across the communes under `unit`.

    Deterministic in (unit, households, seed, year). A household whose code exists already is
    skipped, so a rerun with the same seed creates nothing and a different seed adds more.
    Each chunk is one transaction; the whole run is audited as one creation event."""
    if households < 0:
        raise GenerationError("the number of households cannot be negative")
    builder = HouseholdBuilder(unit=unit, seed=seed, year=year)
    check_ids = Person.objects.filter(national_id__isnull=False).exists()
    chunk_size = min(CHUNK_HOUSEHOLDS, max(100, -(-households // 10)))
    totals = [0, 0, 0, 0]
    with _bulk_load_cache(), _cyclic_gc_paused():
        for start in range(0, households, chunk_size):
            stop = min(households, start + chunk_size)
            chunk = [builder.build(index) for index in range(start, stop)]
            counts = _write_chunk(builder, chunk, check_ids=check_ids)
            totals = [total + count for total, count in zip(totals, counts, strict=True)]
            if progress:
                progress(stop, households)
    result = GenerationResult(*totals)
    if result.households:
        record_audit_event(
            actor=actor,
            action=AuditAction.CREATE,
            obj=unit,
            after={"generated": {**asdict(result), "seed": seed, "year": year}},
            reason="reach generate",
        )
    return result
