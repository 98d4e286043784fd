"""Dropout-prevention casework (seed 001, seed 002's 控辍保学): a case per child out of school,
dropped out or at risk, its work group, household visits with reasons and wishes, actions and
the outcome; campaigns with targets per unit."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from reach.casework.choices import (
    ACTIVE_STATUSES,
    ActionKind,
    Affiliation,
    CampaignKind,
    CaseKind,
    CaseSource,
    CaseStatus,
    Outcome,
    Reason,
)
from reach.common.scoping import ScopePath
from reach.geo.models import Unit
from reach.registry.models import Household, Person


class WorkGroup(models.Model):
    """A dropout review task force of a unit (tổ công tác rà soát học sinh bỏ học)."""

    scope = ScopePath(unit_path="unit__path", school="unit__schools__id")

    name = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="work_groups", verbose_name=_("unit")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit__path", "name"]
        verbose_name = _("work group")
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="work_group_name_per_unit")
        ]

    def __str__(self) -> str:
        return self.name


class WorkGroupMember(models.Model):
    scope = ScopePath(unit_path="work_group__unit__path", school="work_group__unit__schools__id")

    work_group = models.ForeignKey(WorkGroup, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("full name"), max_length=200)
    affiliation = models.CharField(_("from"), max_length=20, choices=Affiliation.choices)
    organisation = models.CharField(_("school or organisation"), max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_lead = models.BooleanField(_("leads the group"), default=False)

    class Meta:
        ordering = ["work_group", "-is_lead", "full_name"]
        verbose_name = _("work group member")

    def __str__(self) -> str:
        return self.full_name


class DropoutCase(models.Model):
    """One child's case in one school year; at most one open case per child and year."""

    scope = ScopePath(
        unit_path="person__household__unit__path",
        school="person__enrolments__school_id",
    )

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="dropout_cases")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")  # the household's
    school_year = models.PositiveSmallIntegerField(_("school year"))
    kind = models.CharField(_("kind"), max_length=20, choices=CaseKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    source = models.CharField(
        _("how it was opened"), max_length=8, choices=CaseSource.choices, default=CaseSource.HAND
    )
    risk_score = models.PositiveSmallIntegerField(
        _("risk score when opened"), null=True, blank=True
    )
    work_group = models.ForeignKey(
        WorkGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("work group"),
    )
    opened_on = models.DateField(_("opened on"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=24, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("note on the outcome"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("dropout case")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "school_year"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="dropout_case_one_active_per_person_year",
            ),
            models.CheckConstraint(
                condition=(Q(status=CaseStatus.CLOSED, closed_on__isnull=False) & ~Q(outcome=""))
                | (Q(status__in=ACTIVE_STATUSES, closed_on__isnull=True, outcome="")),
                name="dropout_case_closed_with_outcome_and_date",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="dropout_case_closed_after_opened",
            ),
        ]
        indexes = [
            models.Index(fields=["school_year", "status"]),
            models.Index(fields=["unit", "status"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.person_id} {self.school_year} {self.kind} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class CaseVisit(models.Model):
    """A household visit: who went, what they found, why the child is out, what the family wants."""

    scope = ScopePath(
        unit_path="case__person__household__unit__path",
        school="case__person__enrolments__school_id",
    )

    case = models.ForeignKey(DropoutCase, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField(_("visited on"))
    visitors = models.CharField(_("visitors"), max_length=300)
    findings = models.TextField(_("findings"), blank=True)
    family_wishes = models.TextField(_("wishes of the child and family"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("household visit")
        indexes = [models.Index(fields=["case", "visited_on"])]

    def __str__(self) -> str:
        return f"visit {self.visited_on} of case {self.case_id}"


class CaseVisitReason(models.Model):
    scope = ScopePath(
        unit_path="visit__case__person__household__unit__path",
        school="visit__case__person__enrolments__school_id",
    )

    visit = models.ForeignKey(CaseVisit, on_delete=models.CASCADE, related_name="reasons")
    reason = models.CharField(_("reason"), max_length=24, choices=Reason.choices)

    class Meta:
        ordering = ["visit", "reason"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "reason"], name="visit_reason_once")
        ]

    def __str__(self) -> str:
        return self.reason


class CaseAction(models.Model):
    """Something done for the child. A referral may later be linked to what it led to (e.g. a
    scholarship application) by type and id, so this app need not know that app."""

    scope = ScopePath(
        unit_path="case__person__household__unit__path",
        school="case__person__enrolments__school_id",
    )

    case = models.ForeignKey(DropoutCase, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("action taken"), max_length=24, choices=ActionKind.choices)
    taken_on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    linked_object_type = models.CharField(_("linked record type"), max_length=60, blank=True)
    linked_object_id = models.CharField(_("linked record"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-taken_on", "-id"]
        verbose_name = _("case action")

    def __str__(self) -> str:
        return f"{self.kind} {self.taken_on} of case {self.case_id}"


class Campaign(models.Model):
    """A peak period of mobilisation (after the summer holidays, after Tet: seed 001) over a
    unit, with targets per sub-unit."""

    scope = ScopePath(unit_path="unit__path", school="unit__schools__id")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("period"), max_length=20, choices=CampaignKind.choices)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    school_year = models.PositiveSmallIntegerField(_("school year"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("campaign")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="campaign_ends_after_it_starts"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CampaignTarget(models.Model):
    scope = ScopePath(unit_path="unit__path", school="unit__schools__id")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    target_returns = models.PositiveIntegerField(_("children to bring back"))

    class Meta:
        ordering = ["campaign", "unit__path"]
        verbose_name = _("campaign target")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="campaign_target_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.unit_id}: {self.target_returns}"
