import csv
import datetime as dt
import io

from reach.crosscheck.register import COLUMNS


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
