from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reach.common.scoping import ScopePath
from reach.geo.models import School
from reach.intake.choices import RECORDED_STEPS, EntryGrade, NextStep
from reach.registry.models import Person


class Capacity(models.Model):
    """The places a school offers at one entry grade in one school year."""

    scope = ScopePath(unit_path="school__unit__path", school="school_id")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="capacities")
    school_year = models.PositiveSmallIntegerField(_("school year"))
    grade = models.PositiveSmallIntegerField(_("entry grade"), choices=EntryGrade.choices)
    places = models.PositiveIntegerField(_("places"))

    class Meta:
        ordering = ["school_year", "grade", "school"]
        verbose_name = _("capacity")
        verbose_name_plural = _("capacities")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "grade"], name="capacity_per_school_year_grade"
            ),
            models.CheckConstraint(
                condition=Q(grade__in=EntryGrade.values), name="capacity_entry_grade"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.school_year} {self.grade}: {self.places}"


class StreamingOutcome(models.Model):
    """What a grade-9 finisher without an enrolment the next school year did, as recorded
    (work, or vocational / continuing education the registry does not hold)."""

    scope = ScopePath(
        unit_path="person__household__unit__path", school="person__enrolments__school_id"
    )

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="streaming_outcomes")
    school_year = models.PositiveSmallIntegerField(_("school year of grade 9"))
    outcome = models.CharField(_("next step"), max_length=12, choices=NextStep.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        ordering = ["school_year", "person"]
        verbose_name = _("streaming outcome")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "school_year"], name="streaming_outcome_per_person_year"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=[s.value for s in RECORDED_STEPS]),
                name="streaming_outcome_recorded_step",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.school_year}: {self.outcome}"
