"""Pages of learning titles and training: the title rates against the QĐ 387 targets and the
registrations behind them, a registration with its self-assessment, computed criteria, the
board's evaluation, the decision and the certificate; the criteria sets and their editor; the
training rates and the persons behind them (.xlsx), courses with participants and completion.

The services decide who may change what; their `NotAllowed` propagates as a 403, their other
refusals come back as a message."""

import datetime as dt
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from reach.accounts.permissions import may_see_unmasked
from reach.accounts.scoping import restrict
from reach.accounts.services import record_export
from reach.casework.models import Campaign
from reach.common.downloads import export_filters
from reach.common.errors import DomainError, NotAllowed
from reach.common.masking import mask_name
from reach.common.pdf import pdf_response, render_pdf
from reach.common.xlsx import Sheet, write_workbook, xlsx_response
from reach.geo.models import Organisation, School
from reach.geo.selectors import get_unit_for_user, top_units_for_user, unit_for_user_or_404
from reach.learning import exports, permissions, selectors, services
from reach.learning.certificates import (
    certificate_filename,
    render_certificate_pdf,
    render_training_certificate_pdf,
    training_certificate_filename,
)
from reach.learning.choices import RegistrationStatus, Title
from reach.learning.criteria import CriterionInput, SetInput
from reach.learning.forms import (
    BoardForm,
    CommendationForm,
    CompletionForm,
    CourseForm,
    CriteriaSetForm,
    DecisionForm,
    EventForm,
    NeedForm,
    OutreachForm,
    ParticipantForm,
    RegisterForm,
)
from reach.learning.models import Clan, CriteriaSet
from reach.learning.parameters import targets, training_parameters
from reach.learning.schemas import FIRST_YEAR, LAST_YEAR
from reach.plans.models import PlanTask
from reach.registry.models import Household, Person

MEASURE_LABELS = {
    "workers": gettext_lazy("Workers of poor, near-poor and newly-escaped households"),
    "trained": gettext_lazy("Trained"),
    "certified": gettext_lazy("Trained with a certificate"),
    "youth_need": gettext_lazy("Members 16-30 who declared a need for vocational training"),
    "served": gettext_lazy("Served"),
}


def _download(request, sheet: Sheet, *, name: str, filters: dict, filename: str, masked: bool):
    """One sheet as a workbook download, audited (`record_export`)."""
    out = io.BytesIO()
    (rows,) = write_workbook(out, [sheet])
    record_export(actor=request.user, name=name, filters=filters, rows=rows, masked=masked)
    return xlsx_response(out, filename=filename)


def _year(request) -> int:
    """The year asked for (2000 to 2100), else the latest with records the user sees."""
    raw = request.GET.get("year", "")
    if raw.isdigit() and FIRST_YEAR <= int(raw) <= LAST_YEAR:
        return int(raw)
    return selectors.default_year_for_user(request.user)


def _registration(request, registration_id: int):
    registration = selectors.get_registration_for_user(request.user, registration_id)
    if registration is None:
        raise Http404(_("No such registration"))
    return registration


def _course(request, course_id: int):
    course = selectors.get_course_for_user(request.user, course_id)
    if course is None:
        raise Http404(_("No such course"))
    return course


@login_required
def overview(request):
    """The title rates of the unit and its sub-units against the QĐ 387 targets."""
    unit = unit_for_user_or_404(request.user, request.GET.get("unit"))
    year = _year(request)
    total, rows = selectors.title_rates_for_user(request.user, year=year, unit=unit)
    if request.GET.get("format") == "xlsx":
        return _download(
            request,
            exports.title_rates_sheet(
                total, rows, titles=Title.choices, title=f"{_('Learning titles')} {year}"
            ),
            name="learning.title_rates",
            filters=export_filters(request.GET, year=year),
            filename=f"reach-learning-rates-{unit.code if unit else 'all'}-{year}.xlsx",
            masked=False,
        )
    return render(
        request,
        "learning/overview.html",
        {
            "unit": unit,
            "year": year,
            "total": total,
            "rows": rows,
            "titles": Title.choices,
            "targets": targets(),
        },
    )


@login_required
def registration_list(request):
    unit = unit_for_user_or_404(request.user, request.GET.get("unit"))
    year = _year(request)
    title = request.GET.get("title", "") if request.GET.get("title") in Title.values else ""
    status = request.GET.get("status", "")
    status = status if status in RegistrationStatus.values else ""
    registrations = selectors.list_registrations_for_user(
        request.user, year=year, title=title, status=status, unit=unit
    )
    if request.GET.get("format") == "xlsx":
        masked = not may_see_unmasked(request.user, unit)
        return _download(
            request,
            exports.registrations_sheet(
                registrations.order_by("unit__path", "title", "pk").iterator(chunk_size=2000),
                masked=masked,
                title=f"{_('Registrations')} {year}",
            ),
            name="learning.registrations",
            filters=export_filters(request.GET, year=year),
            filename=f"reach-learning-registrations-{year}{'-public' if masked else ''}.xlsx",
            masked=masked,
        )
    sets = selectors.latest_criteria_sets()
    form = RegisterForm(initial={"year": year})
    form.fields["criteria_set"].widget.choices = [(s.pk, str(s)) for s in sets]
    return render(
        request,
        "learning/registration_list.html",
        {
            "registrations": registrations[:500],
            "count": registrations.count(),
            "unit": unit,
            "year": year,
            "title": title,
            "status": status,
            "titles": Title.choices,
            "statuses": RegistrationStatus.choices,
            "form": form,
        },
    )


def _subject(request, criteria_set: CriteriaSet, value: str) -> dict:
    """The subject named on the form, among those the user sees."""
    user, value = request.user, value.strip()
    title = criteria_set.title
    if title == Title.FAMILY:
        found = restrict(Household.objects.filter(code=value), user).first()
        return {"household": found} if found else {}
    if title == Title.COMMUNITY:
        return {"community": unit_for_user_or_404(user, value)} if value else {}
    if title == Title.UNIT:
        organisation = restrict(Organisation.objects.filter(code=value), user).first()
        if organisation:
            return {"organisation": organisation}
        school = restrict(School.objects.filter(code=value), user).first()
        return {"school": school} if school else {}
    if not value.isdigit():
        return {}
    model = Clan if title == Title.CLAN else Person
    found = restrict(model.objects.filter(pk=int(value)), user).first()
    return {("clan" if title == Title.CLAN else "person"): found} if found else {}


@login_required
@require_POST
def register(request):
    form = RegisterForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Fill in the year, the criteria set and the subject."))
        return redirect("learning:registrations")
    criteria_set = CriteriaSet.objects.filter(pk=form.cleaned_data["criteria_set"]).first()
    if criteria_set is None:
        raise Http404(_("No such criteria set"))
    subject = _subject(request, criteria_set, form.cleaned_data["subject"])
    if not subject:
        messages.error(request, _("No such subject among those you see."))
        return redirect("learning:registrations")
    try:
        registration = services.register(
            actor=request.user, year=form.cleaned_data["year"], criteria_set=criteria_set, **subject
        )
    except NotAllowed:
        raise
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("learning:registrations")
    return redirect("learning:registration", registration_id=registration.pk)


@login_required
def registration_detail(request, registration_id: int):
    registration = _registration(request, registration_id)
    can_assess = permissions.can_assess(request.user, registration)
    return render(
        request,
        "learning/registration_detail.html",
        {
            "registration": registration,
            "scores": selectors.scores_of(registration),
            "can_assess": can_assess
            and registration.status
            in (RegistrationStatus.REGISTERED, RegistrationStatus.SELF_ASSESSED),
            "can_evaluate": can_assess and registration.status == RegistrationStatus.SELF_ASSESSED,
            "can_decide": can_assess and registration.status == RegistrationStatus.EVALUATED,
            "decision_form": DecisionForm(),
        },
    )


def _posted_points(request, registration) -> dict[str, int | None]:
    points: dict[str, int | None] = {}
    for score in selectors.scores_of(registration):
        raw = request.POST.get(f"points-{score.criterion.code}", "").strip()
        if raw:
            if not raw.isdigit():
                raise services.LearningError(_("Points are whole numbers."))
            points[score.criterion.code] = int(raw)
    return points


@login_required
@require_POST
def assess(request, registration_id: int):
    registration = _registration(request, registration_id)
    step = request.POST.get("step")
    try:
        points = _posted_points(request, registration)
        if step == "self":
            services.self_assess(actor=request.user, registration=registration, points=points)
        elif step == "board":
            services.evaluate(
                actor=request.user,
                registration=registration,
                board=request.POST.get("board", ""),
                points=points or None,
            )
        elif step == "decision":
            form = DecisionForm(request.POST)
            if not form.is_valid():
                raise services.LearningError(_("Give the decision's number and date."))
            services.decide(actor=request.user, registration=registration, **form.cleaned_data)
    except NotAllowed:
        raise
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("learning:registration", registration_id=registration.pk)


@login_required
def certificate(request, registration_id: int):
    """The recognition certificate (PDF), in the language of the subject's country."""
    registration = _registration(request, registration_id)
    if registration.status != RegistrationStatus.RECOGNISED:
        raise Http404(_("Only a recognised registration has a certificate."))
    return pdf_response(
        render_certificate_pdf(registration), filename=certificate_filename(registration)
    )


def _criteria_text(criteria_set: CriteriaSet | None) -> str:
    if criteria_set is None:
        return ""
    return "\n".join(
        " | ".join(
            [
                c.code,
                c.group,
                c.label,
                "" if c.max_points is None else str(c.max_points),
                c.computed,
            ]
        )
        for c in criteria_set.criteria.all()
    )


def parse_criteria(text: str) -> tuple[CriterionInput, ...]:
    """The editor's lines: code | group | criterion | points | computed."""
    criteria = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")] + ["", "", "", ""]
        code, group, label, points, computed = parts[:5]
        if not code or not label:
            raise services.LearningError(
                _("Line %(n)s needs a code and a criterion.") % {"n": number}
            )
        if points and not points.isdigit():
            raise services.LearningError(
                _("Line %(n)s: points are a whole number.") % {"n": number}
            )
        criteria.append(
            CriterionInput(
                code=code,
                group=group,
                label=label,
                max_points=int(points) if points else None,
                computed=computed,
            )
        )
    return tuple(criteria)


@login_required
def criteria(request):
    """Every criteria set and its versions; the chosen one (`?code=&version=`) in full, and
    the editor (a new version of it, or a new set) for a learning-promotion association."""
    sets = list(selectors.list_criteria_sets())
    chosen = None
    code = request.GET.get("code", "")
    if code:
        version = request.GET.get("version", "")
        chosen = selectors.get_criteria_set(code, int(version) if version.isdigit() else None)
    editable = permissions.can_edit_criteria(request.user)
    form = None
    if editable:
        if request.method == "POST":
            form = CriteriaSetForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    saved = services.save_criteria_set(
                        actor=request.user,
                        data=SetInput(
                            code=data["code"],
                            title=data["title"],
                            name=data["name"],
                            source=data["source"],
                            confidence=data["confidence"],
                            pass_mark=data["pass_mark"],
                            note=data["note"],
                            criteria=parse_criteria(data["criteria"]),
                        ),
                    )
                except NotAllowed:
                    raise
                except DomainError as error:
                    form.add_error(None, str(error))
                else:
                    messages.success(request, _("Saved as version %(v)s.") % {"v": saved.version})
                    return redirect(f"{request.path}?code={saved.code}")
        else:
            initial = {}
            if chosen is not None:
                initial = {
                    "code": chosen.code,
                    "title": chosen.title,
                    "name": chosen.name,
                    "source": chosen.source,
                    "confidence": chosen.confidence,
                    "pass_mark": chosen.pass_mark,
                    "note": chosen.note,
                    "criteria": _criteria_text(chosen),
                }
            form = CriteriaSetForm(initial=initial)
    elif request.method == "POST":
        raise NotAllowed(_("Only a learning-promotion association edits criteria."))
    return render(
        request,
        "learning/criteria.html",
        {"sets": sets, "chosen": chosen, "form": form},
    )


@login_required
def training(request):
    unit = unit_for_user_or_404(request.user, request.GET.get("unit"))
    year = _year(request)
    total, rows = selectors.training_rates_for_user(request.user, year=year, unit=unit)
    return render(
        request,
        "learning/training.html",
        {
            "unit": unit,
            "year": year,
            "total": total,
            "rows": rows,
            "params": training_parameters(),
            "need_form": NeedForm(initial={"year": year}),
        },
    )


def _persons_sheet(persons, *, masked: bool, title: str) -> Sheet:
    return Sheet(
        name=title[:31],
        headings=[_("Household"), _("Unit"), _("Full name"), _("Birth year")],
        rows=(
            [
                p.household.code,
                p.household.unit.code,
                mask_name(p.full_name) if masked else p.full_name,
                p.birth_date.year,
            ]
            for p in persons
        ),
        preamble=[title],
        widths=[16, 16, 30, 10],
    )


@login_required
def training_persons(request):
    """The persons behind one training figure; `?format=xlsx` downloads them (audited; names
    masked for a user who may not see them unmasked)."""
    unit = unit_for_user_or_404(request.user, request.GET.get("unit"))
    year = _year(request)
    measure = request.GET.get("measure", "workers")
    if measure not in selectors.TRAINING_MEASURES:
        measure = "workers"
    persons = selectors.list_training_persons_for_user(
        request.user, year=year, measure=measure, unit=unit
    )
    if request.GET.get("format") == "xlsx":
        masked = not may_see_unmasked(request.user, unit)
        out = io.BytesIO()
        (rows,) = write_workbook(
            out,
            [_persons_sheet(persons, masked=masked, title=f"{MEASURE_LABELS[measure]} {year}")],
        )
        record_export(
            actor=request.user,
            name="learning.training_persons",
            filters=export_filters(request.GET, measure=measure, year=year),
            rows=rows,
            masked=masked,
        )
        return xlsx_response(
            out, filename=f"reach-training-{measure}-{year}{'-public' if masked else ''}.xlsx"
        )
    return render(
        request,
        "learning/training_persons.html",
        {
            "persons": persons[:500],
            "count": persons.count(),
            "unit": unit,
            "year": year,
            "measure": measure,
            "measure_label": MEASURE_LABELS[measure],
            "measures": MEASURE_LABELS.items(),
        },
    )


@login_required
@require_POST
def record_need(request):
    form = NeedForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        person = restrict(Person.objects.filter(pk=data["person"]), request.user).first()
        if person is None:
            messages.error(request, _("No such person among those you see."))
        else:
            try:
                services.record_training_need(
                    actor=request.user,
                    person=person,
                    **{k: data[k] for k in ("year", "vocational", "note")},
                )
                messages.success(request, _("Recorded."))
            except NotAllowed:
                raise
            except DomainError as error:
                messages.error(request, str(error))
    return redirect("learning:training")


@login_required
def course_list(request):
    unit = unit_for_user_or_404(request.user, request.GET.get("unit"))
    year = _year(request)
    if request.method == "POST":
        form = CourseForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            course_unit = unit_for_user_or_404(request.user, data.pop("unit"))
            try:
                if course_unit is None:
                    raise services.LearningError(_("No such unit"))
                course = services.create_course(actor=request.user, unit=course_unit, **data)
            except NotAllowed:
                raise
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                return redirect("learning:course", course_id=course.pk)
    else:
        form = CourseForm(initial={"unit": unit.code if unit else ""})
    return render(
        request,
        "learning/course_list.html",
        {
            "courses": selectors.list_courses_for_user(request.user, unit=unit, year=year),
            "unit": unit,
            "year": year,
            "form": form,
        },
    )


@login_required
def course_detail(request, course_id: int):
    course = _course(request, course_id)
    can_manage = permissions.can_manage_training(request.user, course)
    if request.method == "POST":
        if not can_manage:
            raise NotAllowed(_("Your role cannot change this course."))
        try:
            if request.POST.get("step") == "complete":
                form = CompletionForm(request.POST)
                if not form.is_valid():
                    raise services.LearningError(_("Give the completion date."))
                participant = (
                    selectors.list_participants_for_user(request.user, course)
                    .filter(pk=form.cleaned_data["participant"])
                    .first()
                )
                if participant is None:
                    raise Http404(_("No such participant"))
                services.complete_participation(
                    actor=request.user,
                    participant=participant,
                    completed_on=form.cleaned_data["completed_on"],
                    certificate_number=form.cleaned_data["certificate_number"],
                )
            else:
                form = ParticipantForm(request.POST)
                person = None
                if form.is_valid():
                    person = restrict(
                        Person.objects.filter(pk=form.cleaned_data["person"]), request.user
                    ).first()
                if person is None:
                    raise services.LearningError(_("No such person among those you see."))
                services.add_participant(actor=request.user, course=course, person=person)
        except NotAllowed:
            raise
        except DomainError as error:
            messages.error(request, str(error))
        return redirect("learning:course", course_id=course.pk)
    return render(
        request,
        "learning/course_detail.html",
        {
            "course": course,
            "participants": selectors.list_participants_for_user(request.user, course),
            "can_manage": can_manage,
            "participant_form": ParticipantForm(),
        },
    )


@login_required
def course_attendance(request, course_id: int):
    """The course's sessions and each participant's marks and share present; an officer marks
    one session (a day) at a time: ticked present, the others absent."""
    course = _course(request, course_id)
    can_manage = permissions.can_manage_training(request.user, course)
    raw_day = request.POST.get("on") or request.GET.get("on") or ""
    try:
        day = dt.date.fromisoformat(raw_day) if raw_day else None
    except ValueError:
        day = None
        messages.error(request, _("Give the session's date."))
    if request.method == "POST":
        if not can_manage:
            raise NotAllowed(_("Your role cannot mark attendance here."))
        present = [int(v) for v in request.POST.getlist("present") if v.isdigit()]
        try:
            if day is None:
                raise services.LearningError(_("Give the session's date."))
            services.record_session(actor=request.user, course=course, on=day, present=present)
        except NotAllowed:
            raise
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Attendance recorded."))
        return redirect(f"{request.path}?on={day.isoformat() if day else ''}")
    sessions, rows = selectors.attendance_grid_for_user(request.user, course)
    shown_day = day or min(max(dt.date.today(), course.starts_on), course.ends_on)
    marked = {
        p.pk
        for p, marks, _share in rows
        if shown_day in sessions and marks[sessions.index(shown_day)]
    }
    return render(
        request,
        "learning/course_attendance.html",
        {
            "course": course,
            "sessions": sessions,
            "rows": rows,
            "can_manage": can_manage,
            "day": shown_day,
            "marked": marked,
        },
    )


@login_required
def training_certificate(request, participant_id: int):
    """A completed participant's training certificate (PDF) in the language of the country
    the person lives in."""
    participant = selectors.get_participant_for_user(request.user, participant_id)
    if participant is None or not participant.certificate_number:
        raise Http404(_("No certificate"))
    return pdf_response(
        render_training_certificate_pdf(participant),
        filename=training_certificate_filename(participant),
    )


def _posted_unit_and_organisation(request, form) -> tuple:
    """The unit and the organisation a month form names, among those the user sees; a form
    error on the field otherwise."""
    unit = get_unit_for_user(request.user, form.cleaned_data["unit"].strip())
    if unit is None:
        form.add_error("unit", _("No such unit among those you see."))
        return None, None
    organisation = None
    code = (form.cleaned_data.get("organisation") or "").strip()
    if code:
        organisation = restrict(Organisation.objects.filter(code=code), request.user).first()
        if organisation is None:
            form.add_error("organisation", _("No such organisation among those you see."))
            return None, None
    return unit, organisation


def _saved(request, form, write) -> bool:
    """Run `write()`; a refusal of the service (other than a missing role) becomes the form's
    error."""
    try:
        write()
    except NotAllowed:
        raise
    except DomainError as error:
        form.add_error(None, str(error))
        return False
    messages.success(request, _("Recorded."))
    return True


@login_required
def boards(request):
    """The boards of the unit's sub-units (a district's wards) against the 100% aim, the list
    of those without one, and every board recorded under the unit; an officer establishes a
    board (or records that there is none) here."""
    unit = unit_for_user_or_404(request.user, request.GET.get("unit"))
    if request.GET.get("format") == "xlsx":
        return _download(
            request,
            exports.board_sheet(
                selectors.board_rate_for_user(request.user, unit),
                title=_("Learning-promotion boards"),
            ),
            name="learning.boards",
            filters=export_filters(request.GET),
            filename=f"reach-learning-boards-{unit.code if unit else 'all'}.xlsx",
            masked=False,
        )
    form = BoardForm(initial={"unit": unit.code if unit else ""})
    if request.method == "POST":
        form = BoardForm(request.POST)
        if form.is_valid():
            board_unit, organisation = _posted_unit_and_organisation(request, form)
            data = form.cleaned_data
            if board_unit is not None and _saved(
                request,
                form,
                lambda: services.record_board(
                    actor=request.user,
                    unit=board_unit,
                    organisation=organisation,
                    established_on=data["established_on"],
                    decision_number=data["decision_number"],
                    note=data["note"],
                ),
            ):
                return redirect(request.get_full_path())
    return render(
        request,
        "learning/boards.html",
        {
            "unit": unit,
            "rate": selectors.board_rate_for_user(request.user, unit),
            "target": selectors.BOARD_TARGET,
            "boards": selectors.list_boards_for_user(request.user, unit),
            "form": form,
            "can_manage": _manages_month(request.user, unit),
        },
    )


def _manages_month(user, unit) -> bool:
    """Whether to show the month's forms: the user may record in the unit shown, or (no unit
    chosen) in a unit of their own."""
    if unit is not None:
        return permissions.can_manage_month(user, unit)
    return any(permissions.can_manage_month(user, u) for u in top_units_for_user(user)[:20])


@login_required
def month(request):
    """The Learning Encouragement Month's report of a unit (a ward) for a year, and the form
    for its events; `format=pdf` prints it."""
    unit = unit_for_user_or_404(request.user, request.GET.get("unit"))
    year = _year(request)
    form = EventForm(initial={"unit": unit.code if unit else "", "period": "month"})
    if request.method == "POST":
        form = EventForm(request.POST)
        if form.is_valid():
            event_unit, organisation = _posted_unit_and_organisation(request, form)
            data = form.cleaned_data
            if event_unit is not None and _saved(
                request,
                form,
                lambda: services.record_event(
                    actor=request.user,
                    unit=event_unit,
                    organisation=organisation,
                    **{
                        k: data[k]
                        for k in (
                            "on",
                            "period",
                            "kind",
                            "name",
                            "participants",
                            "products",
                            "funds_raised_minor",
                            "currency",
                        )
                    },
                ),
            ):
                return redirect(f"{request.path}?unit={event_unit.code}&year={data['on'].year}")
    context = {
        "unit": unit,
        "year": year,
        "report": selectors.month_report_for_user(request.user, unit, year)
        if unit is not None
        else None,
        "week": selectors.list_events_for_user(request.user, unit, year).filter(period="week"),
    }
    if unit is not None and request.GET.get("format") == "pdf":
        return pdf_response(
            render_pdf("learning/print/month.html", context, request=request),
            filename=f"learning-month-{unit.code}-{year}.pdf",
        )
    context.update(form=form, can_manage=_manages_month(request.user, unit))
    return render(request, "learning/month.html", context)


@login_required
def commendations(request):
    """Commendations of the unit for a year and the form to record one; `format=pdf` prints
    the list."""
    unit = unit_for_user_or_404(request.user, request.GET.get("unit"))
    year = _year(request)
    form = CommendationForm(initial={"unit": unit.code if unit else "", "year": year})
    if request.method == "POST":
        form = CommendationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            to_unit, organisation = _posted_unit_and_organisation(request, form)
            person = None
            if to_unit is not None and data["person"]:
                person = restrict(Person.objects.filter(pk=data["person"]), request.user).first()
                if person is None:
                    form.add_error("person", _("No such person among those you see."))
                    to_unit = None
            if to_unit is not None and _saved(
                request,
                form,
                lambda: services.record_commendation(
                    actor=request.user,
                    unit=to_unit,
                    organisation=organisation,
                    person=person,
                    **{
                        k: data[k]
                        for k in (
                            "year",
                            "period",
                            "achievement",
                            "level",
                            "award",
                            "decision_number",
                            "decided_on",
                        )
                    },
                ),
            ):
                return redirect(f"{request.path}?unit={to_unit.code}&year={data['year']}")
    context = {
        "unit": unit,
        "year": year,
        "commendations": selectors.list_commendations_for_user(request.user, unit, year),
    }
    if request.GET.get("format") == "pdf":
        return pdf_response(
            render_pdf("learning/print/commendations.html", context, request=request),
            filename=f"commendations-{unit.code if unit else 'all'}-{year}.pdf",
        )
    context.update(form=form, can_manage=_manages_month(request.user, unit))
    return render(request, "learning/commendations.html", context)


@login_required
def outreach(request):
    """Outreach activities of the unit in a year with what they produced, and the form to
    record one for a plan task or a campaign."""
    unit = unit_for_user_or_404(request.user, request.GET.get("unit"))
    year = _year(request)
    form = OutreachForm(initial={"unit": unit.code if unit else ""})
    if request.method == "POST":
        form = OutreachForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            place, _organisation = _posted_unit_and_organisation(request, form)
            task = campaign = None
            if data["task"]:
                task = restrict(PlanTask.objects.filter(pk=data["task"]), request.user).first()
                if task is None:
                    form.add_error("task", _("No such task among those you see."))
            if data["campaign"]:
                campaign = restrict(
                    Campaign.objects.filter(pk=data["campaign"]), request.user
                ).first()
                if campaign is None:
                    form.add_error("campaign", _("No such campaign among those you see."))
            if (
                place is not None
                and not form.errors
                and _saved(
                    request,
                    form,
                    lambda: services.record_outreach(
                        actor=request.user,
                        unit=place,
                        task=task,
                        campaign=campaign,
                        **{
                            k: data[k]
                            for k in (
                                "on",
                                "channel",
                                "audience",
                                "name",
                                "articles",
                                "clips",
                                "publications",
                                "note",
                            )
                        },
                    ),
                )
            ):
                return redirect(f"{request.path}?unit={place.code}&year={data['on'].year}")
    activities = selectors.list_outreach_for_user(request.user, unit, year)
    return render(
        request,
        "learning/outreach.html",
        {
            "unit": unit,
            "year": year,
            "activities": activities[:500],
            "totals": selectors.outreach_products(activities),
            "form": form,
            "can_manage": _manages_month(request.user, unit),
        },
    )
