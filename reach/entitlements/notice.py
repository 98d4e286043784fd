"""The public notice of a published run, one per school or ward, as an .xlsx and a PDF in the
reader's language. Personal data is masked: a name becomes the family name and initials, a
national ID keeps at most its last four characters; birth dates, household codes and
addresses are never part of it. The notice states its objection period."""

from dataclasses import dataclass
from typing import IO

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from reach.accounts.services import record_export
from reach.common.languages import lang_key
from reach.common.masking import mask_id, mask_name
from reach.common.money import format_major
from reach.common.pdf import render_pdf
from reach.entitlements.models import EntitlementLine, EntitlementRun
from reach.geo.models import School, Unit
from reach.indicators.exports import Column, write_table
from reach.registry.choices import EducationLevel

NOTICE_TEMPLATE = "entitlements/print/notice.html"


@dataclass(frozen=True)
class NoticePlace:
    """The school or the ward a notice is posted at."""

    school: School | None = None
    ward: Unit | None = None

    @property
    def name(self) -> str:
        return self.school.name if self.school else self.ward.name if self.ward else ""

    @property
    def query(self) -> str:
        if self.school:
            return f"school={self.school.pk}"
        return f"ward={self.ward.code}" if self.ward else ""

    @property
    def slug(self) -> str:
        return self.school.code if self.school else self.ward.code if self.ward else "all"


def benefit_name(line: EntitlementLine) -> str:
    """The line's benefit named in the current language."""
    names = line.benefit.names or {}
    return names.get(lang_key(get_language() or "en")) or names.get("en") or line.benefit_code


def _class(line: EntitlementLine) -> str:
    enrolment = line.enrolment
    level = (
        EducationLevel(enrolment.level).label if enrolment.level in EducationLevel.values else ""
    )
    if enrolment.grade:
        return _("%(level)s, grade %(grade)s") % {"level": level, "grade": enrolment.grade}
    return str(level)


def notice_columns() -> list[Column]:
    """The columns of a notice; each personal one is masked (the notice is always public)."""
    return [
        Column(lambda: _("Line"), lambda line: line.pk),
        Column(
            lambda: _("Full name"),
            lambda line: line.person.full_name,
            masked=lambda line: mask_name(line.person.full_name),
        ),
        Column(
            lambda: _("National ID"),
            lambda line: line.person.national_id or "",
            masked=lambda line: mask_id(line.person.national_id),
        ),
        Column(
            lambda: _("School"),
            lambda line: line.enrolment.school.name if line.enrolment.school_id else "",
        ),
        Column(lambda: _("Class"), _class),
        Column(lambda: _("Commune / ward"), lambda line: line.unit.name),
        Column(lambda: _("Benefit"), benefit_name),
        Column(lambda: _("Policy"), lambda line: line.policy_code),  # national or local
        Column(
            lambda: _("Amount"),
            lambda line: format_major(line.amount_minor, line.currency, lang=get_language()),
        ),
        Column(lambda: _("Currency"), lambda line: line.currency),
    ]


def masked_line(line: EntitlementLine) -> dict:
    """A line of the notice for the API, masked the same way as the documents."""
    return {
        "line": line.pk,
        "name": mask_name(line.person.full_name),
        "national_id": mask_id(line.person.national_id),
        "school": line.enrolment.school.name if line.enrolment.school_id else "",
        "unit": line.unit.name,
        "benefit": f"{line.policy_code}/{line.benefit_code}",
        "benefit_name": benefit_name(line),
        "amount_minor": line.amount_minor,
        "currency": line.currency,
    }


def notice_preamble(run: EntitlementRun, place: NoticePlace) -> list[str]:
    """The title and the lines above the table: what, where, and until when to object."""
    return [
        _("Public notice of entitlements, school year %(year)s-%(next)s")
        % {"year": run.school_year, "next": run.school_year + 1},
        _("Posted at: %(place)s") % {"place": place.name},
        _("Run %(id)s, policies %(policies)s, published on %(day)s")
        % {
            "id": run.pk,
            "policies": run.policy_codes,
            "day": run.published_at.date().isoformat() if run.published_at else "—",
        },
        _(
            "Objections to a line may be raised with the commune / ward or the school until "
            "%(day)s, quoting the line number."
        )
        % {"day": run.objections_until.isoformat() if run.objections_until else "—"},
    ]


def masked_rows(lines) -> list[list[str]]:
    """The notice's rows as published: every personal value masked."""
    columns = notice_columns()
    return [
        [str((column.masked or column.value)(line) or "") for column in columns] for line in lines
    ]


def write_notice_xlsx(out: IO[bytes], *, run: EntitlementRun, place: NoticePlace, lines) -> int:
    return write_table(
        out,
        sheet=_("Public notice"),
        columns=notice_columns(),
        rows=lines,
        public=True,
        preamble=notice_preamble(run, place),
    )


def notice_document_context(*, run: EntitlementRun, place: NoticePlace, lines) -> dict:
    return {
        "run": run,
        "place": place,
        "preamble": notice_preamble(run, place),
        "headings": [str(column.heading()) for column in notice_columns()],
        "rows": masked_rows(lines),
    }


def render_notice_pdf(*, run: EntitlementRun, place: NoticePlace, lines, request=None) -> bytes:
    context = notice_document_context(run=run, place=place, lines=lines)
    return render_pdf(NOTICE_TEMPLATE, context, request=request)


def record_notice_export(
    actor, run: EntitlementRun, place: NoticePlace, rows: int, kind: str
) -> None:
    """Audit a download of the notice (always masked, see the module's note)."""
    record_export(
        actor=actor,
        name=f"entitlements.notice.{kind}",
        filters={"run": run.pk, "place": place.query},
        rows=rows,
        masked=True,
    )


def notice_filename(run: EntitlementRun, place: NoticePlace, extension: str) -> str:
    return f"reach-notice-run{run.pk}-{place.slug}.{extension}"
