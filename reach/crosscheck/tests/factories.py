import csv
import datetime as dt
import io

import factory

from reach.crosscheck.choices import FindingKind, RunStatus
from reach.crosscheck.models import CrosscheckRun, Finding
from reach.crosscheck.register import COLUMNS
from reach.geo.tests.factories import UnitFactory
from reach.registry.tests.factories import PersonFactory


def register_file(rows: list[dict[str, object]], headings: tuple[str, ...] = COLUMNS) -> io.BytesIO:
    """A school register as a CSV file (UTF-8), one dict per pupil keyed by column."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headings)
    for row in rows:
        writer.writerow(
            [
                row.get(c).isoformat() if isinstance(row.get(c), dt.date) else row.get(c, "")  # type: ignore[union-attr]
                for c in COLUMNS
            ]
        )
    return io.BytesIO(text.getvalue().encode("utf-8"))


class CrosscheckRunFactory(factory.django.DjangoModelFactory):
    """A compared run (its lists are added with FindingFactory)."""

    class Meta:
        model = CrosscheckRun

    unit = factory.SubFactory(UnitFactory)
    month = dt.date(2024, 10, 1)
    school_year = 2024
    filename = "register.csv"
    status = RunStatus.COMPARED


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    run = factory.SubFactory(CrosscheckRunFactory)
    kind = FindingKind.NOT_IN_REGISTER
    person = factory.SubFactory(PersonFactory)
    household = factory.SelfAttribute("person.household")
