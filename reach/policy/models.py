"""Policies and reference tables as loaded from `policies/` (docs/policy-files.md).

A policy file loads into a new PolicyVersion whenever its content changes; the benefits of a
version never change afterwards, so a run can always say which rules it applied.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reach.policy.loader import DEFAULT_SCHOOL_YEAR_START, reference_date
from reach.policy.timing import Timing, describe_timing


class Policy(models.Model):
    code = models.CharField(_("code"), max_length=80, unique=True)
    names = models.JSONField(_("names"), default=dict)  # {"vi": ..., "zh": ..., "en": ...}
    jurisdiction = models.CharField(_("jurisdiction"), max_length=255)  # a unit path prefix
    currency = models.CharField(_("currency"), max_length=3)

    class Meta:
        ordering = ["code"]
        verbose_name = _("policy")
        verbose_name_plural = _("policies")

    def __str__(self) -> str:
        return self.code


class PolicyVersion(models.Model):
    """One loaded content of a policy file; `document` is the parsed file itself."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    document = models.JSONField(_("document"))
    checksum = models.CharField(_("checksum"), max_length=64)  # sha256 of the canonical JSON
    source_file = models.CharField(_("source file"), max_length=255)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["policy", "-number"]
        verbose_name = _("policy version")
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="policy_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.policy.code} v{self.number}"

    @property
    def school_year_start(self) -> str:
        return self.document.get("school_year_start", DEFAULT_SCHOOL_YEAR_START)

    def reference_date(self, school_year: int) -> dt.date:
        return reference_date(school_year, self.school_year_start)


class Benefit(models.Model):
    """One benefit of a policy version, as written in the file (condition, amount, funding)."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="benefits")
    position = models.PositiveSmallIntegerField(_("position in the file"), default=0)
    code = models.CharField(_("code"), max_length=80)
    names = models.JSONField(_("names"), default=dict)
    kind = models.CharField(_("kind"), max_length=20)
    condition = models.JSONField(_("condition"))
    amount = models.JSONField(_("amount"))
    in_kind = models.JSONField(_("in kind"), default=list, blank=True)
    funding = models.JSONField(_("funding"), default=list)
    exclusive_group = models.CharField(_("exclusive group"), max_length=80, blank=True)
    # What the money is for (tuition, learning costs, ...): a pupil is paid once per purpose
    # and school year, whichever policy or run grants it. The benefit's code when not given.
    purpose = models.CharField(_("purpose"), max_length=80, blank=True)
    source = models.JSONField(_("legal source"), default=dict)
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    # How the benefit meets a school year (reach.policy.timing): the school years it governs
    # whole, where the source names them, and whether its monthly amount counts the months of
    # the school year in force.
    applies_from_school_year = models.PositiveSmallIntegerField(
        _("applies from school year"), null=True, blank=True
    )
    applies_to_school_year = models.PositiveSmallIntegerField(
        _("applies until school year"), null=True, blank=True
    )
    months_in_force = models.BooleanField(_("counts the months in force"), default=False)

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("benefit")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="benefit_code_per_version")
        ]

    def __str__(self) -> str:
        return self.code

    def in_force(self, day: dt.date) -> bool:
        """Whether the benefit's own legal dates hold `day` (school years: `timing`)."""
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    def timing(self, school_year_start: str) -> Timing:
        return Timing.of(
            effective_from=self.effective_from,
            effective_to=self.effective_to,
            school_year_start=school_year_start,
            from_school_year=self.applies_from_school_year,
            to_school_year=self.applies_to_school_year,
            months_in_force=self.months_in_force,
        )

    def timing_words(self, school_year_start: str, lang: str) -> str:
        """How the benefit meets a school year, in words ("" when judged whole on its day)."""
        return describe_timing(
            school_year_start=school_year_start,
            from_school_year=self.applies_from_school_year,
            to_school_year=self.applies_to_school_year,
            months_in_force=self.months_in_force,
            lang=lang,
        )


class ReferenceTable(models.Model):
    """A table of statutory values (base salary, tuition fees) loaded from policies/reference/,
    or of values each province sets, which an administrator enters (`admin_values`)."""

    code = models.CharField(_("code"), max_length=80, unique=True)
    names = models.JSONField(_("names"), default=dict)
    currency = models.CharField(_("currency"), max_length=3)
    per = models.CharField(_("per"), max_length=5)  # year | month | day
    keys = models.JSONField(_("keys"), default=list, blank=True)  # e.g. ["level", "unit"]
    # The values are entered by an administrator (in the admin), place by place, not shipped
    # in the file: loading the file again keeps them.
    admin_values = models.BooleanField(_("values entered in the admin"), default=False)
    checksum = models.CharField(_("checksum"), max_length=64, blank=True)
    source_file = models.CharField(_("source file"), max_length=255, blank=True)
    loaded_at = models.DateTimeField(_("loaded at"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("reference table")

    def __str__(self) -> str:
        return self.code


class ReferenceValue(models.Model):
    """One value of a table: in force from a date, or for one school year; `keys` narrows it
    (e.g. {"level": "primary", "unit": "VN.79"})."""

    table = models.ForeignKey(ReferenceTable, on_delete=models.CASCADE, related_name="values")
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    school_year = models.PositiveSmallIntegerField(_("school year"), null=True, blank=True)
    keys = models.JSONField(_("keys"), default=dict, blank=True)
    value_minor = models.BigIntegerField(_("value (minor units)"))
    source = models.TextField(_("source"), blank=True)

    class Meta:
        ordering = ["table", "school_year", "valid_from", "id"]
        verbose_name = _("reference value")

    def __str__(self) -> str:
        when = self.valid_from or self.school_year
        return f"{self.table.code} {when}: {self.value_minor}"
