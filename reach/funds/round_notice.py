"""The public notice of a scholarship round: the pupils proposed for an award, as an .xlsx and a
PDF in the reader's language, masked as the entitlements' notice is (a name shortened to the
family name and initials; no national ID, birth date, household code or address), with the
line number to quote and the objection period. A notice is public, so every reader gets the
masked list; each download is audited with the export's name, the round and the row count."""

from typing import IO

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from reach.accounts.services import record_export
from reach.common.languages import in_language
from reach.common.masking import mask_name
from reach.common.money import format_major
from reach.common.pdf import render_pdf
from reach.funds.models import RoundCandidate, ScholarshipRound
from reach.funds.rounds_selectors import public_notice_rows
from reach.indicators.exports import Column, write_table

NOTICE_TEMPLATE = "funds/print/round_notice.html"


def notice_columns(currency: str) -> list[Column]:
    """The notice's columns; the name masked (a notice is always public)."""
    return [
        Column(lambda: _("Line"), lambda c: c.pk),
        Column(
            lambda: _("Pupil"),
            lambda c: c.person.full_name,
            masked=lambda c: mask_name(c.person.full_name),
        ),
        Column(lambda: _("School"), lambda c: c.school.name if c.school_id else ""),
        Column(lambda: _("Commune or ward"), lambda c: c.unit.name),
        Column(lambda: _("Score"), lambda c: c.score),
        Column(
            lambda: _("Amount"),
            lambda c: format_major(c.amount_minor, currency, lang=get_language()),
        ),
        Column(lambda: _("Currency"), lambda c: currency),
    ]


def notice_preamble(round_: ScholarshipRound) -> list[str]:
    """The title and the lines above the table: what, who pays, until when to object."""
    until = round_.objections_until.isoformat() if round_.objections_until else "—"
    return [
        _("Public notice of scholarship awards: %(name)s")
        % {"name": in_language(round_.names, get_language() or "en") or round_.code},
        _("Round %(code)s of the fund %(fund)s, school year %(year)s-%(next)s")
        % {
            "code": round_.code,
            "fund": in_language(round_.fund.names, get_language() or "en") or round_.fund.code,
            "year": round_.school_year,
            "next": round_.school_year + 1,
        },
        _("Published on %(day)s")
        % {"day": round_.published_at.date().isoformat() if round_.published_at else "—"},
        _(
            "Objections to a line may be raised with the fund's office until %(day)s, quoting "
            "the line number; the awards are paid after that."
        )
        % {"day": until},
    ]


def masked_rows(round_: ScholarshipRound, candidates) -> list[list[str]]:
    columns = notice_columns(round_.fund.currency)
    return [[str((col.masked or col.value)(c) or "") for col in columns] for c in candidates]


def masked_line(candidate: RoundCandidate) -> dict:
    """A line of the notice for the API, masked as the documents are."""
    return {
        "line": candidate.pk,
        "name": mask_name(candidate.person.full_name),
        "school": candidate.school.name if candidate.school_id else "",
        "unit": candidate.unit.name,
        "score": candidate.score,
        "amount_minor": candidate.amount_minor,
    }


def notice_lines(round_: ScholarshipRound):
    """The lines of the published notice (none before publication)."""
    if round_.published_at is None:
        return public_notice_rows(round_).none()
    return public_notice_rows(round_)


def write_notice_xlsx(out: IO[bytes], round_: ScholarshipRound) -> int:
    return write_table(
        out,
        sheet=_("Public notice"),
        columns=notice_columns(round_.fund.currency),
        rows=notice_lines(round_).iterator(chunk_size=2000),
        public=True,
        preamble=notice_preamble(round_),
    )


def render_notice_pdf(round_: ScholarshipRound, request=None) -> tuple[bytes, int]:
    rows = masked_rows(round_, notice_lines(round_))
    context = {
        "round": round_,
        "preamble": notice_preamble(round_),
        "headings": [str(c.heading()) for c in notice_columns(round_.fund.currency)],
        "rows": rows,
    }
    return render_pdf(NOTICE_TEMPLATE, context, request=request), len(rows)


def record_notice_export(actor, round_: ScholarshipRound, rows: int, kind: str) -> None:
    record_export(
        actor=actor,
        name=f"funds.round_notice.{kind}",
        filters={"round": round_.pk},
        rows=rows,
        masked=True,
    )


def notice_filename(round_: ScholarshipRound, extension: str) -> str:
    return f"reach-round-notice-{round_.code}.{extension}"
