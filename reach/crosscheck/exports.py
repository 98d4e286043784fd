"""A run's list as .xlsx: names and IDs masked, no birth date, unless the reader may see them
unmasked (`may_see_unmasked`)."""

from collections.abc import Iterable
from typing import IO

from django.utils.translation import gettext as _

from reach.common.masking import mask_id, mask_name
from reach.common.xlsx import Sheet, write_workbook
from reach.crosscheck.choices import Mismatch
from reach.crosscheck.models import CrosscheckRun, Finding


def write_list(
    out: IO[bytes], run: CrosscheckRun, title: str, findings: Iterable[Finding], *, masked: bool
) -> int:
    headings = [_("Unit"), _("Full name"), _("National ID")]
    if not masked:
        headings += [_("Household code"), _("Birth date")]
    headings += [_("Household status"), _("School code"), _("Register status"), _("Mismatch")]
    rows = []
    for f in findings:
        person, row = f.person, f.register_row
        name = mask_name(person.full_name) if masked else person.full_name
        national_id = mask_id(person.national_id) if masked else (person.national_id or "")
        cells: list[object] = [f.household.unit.name, name, national_id]
        if not masked:
            cells += [f.household.code, person.birth_date]
        mismatch = Mismatch(f.mismatch).label if f.mismatch else ""
        cells += [
            f.household_status,
            row.school_code if row else "",
            row.get_status_display() if row else "",
            str(mismatch),
        ]
        rows.append(cells)
    preamble = [f"{title} · {run.unit.name} · {run.month:%Y-%m}"]
    (count,) = write_workbook(out, [Sheet(title[:31], headings, rows, preamble=preamble)])
    return count
