from django.db import models
from django.utils.translation import gettext_lazy as _

from reach.common.scoping import ScopePath
from reach.geo.choices import (
    OrganisationKind,
    SchoolInclusive,
    SchoolOwnership,
    UnitLevel,
    UnitLinkKind,
)

PATH_SEPARATOR = "."


def is_under(path: str | None, prefix: str) -> bool:
    """Whether the unit path `path` is `prefix` or lies below it."""
    return path is not None and (path == prefix or path.startswith(prefix + PATH_SEPARATOR))


class Unit(models.Model):
    """An administrative unit. `path` is the chain of codes from the country down
    (`VN.79.761.26734`), so "everything under this unit" is one indexed prefix query."""

    scope = ScopePath(unit_path="path", school="schools__id")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    path = models.CharField(_("path"), max_length=255, unique=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    successor = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="predecessors"
    )

    class Meta:
        ordering = ["path"]
        verbose_name = _("administrative unit")

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count(PATH_SEPARATOR)


class UnitLink(models.Model):
    """A typed link from a unit closed by a reorganisation to a unit that took over from it on
    `date` (the successor's first day; the predecessor's `valid_to` is the day before).
    Whether figures carry forward (old adds up to new) or back (new adds up to old) is kept
    on the link, so a trend across the change says how it mapped the units."""

    scope = ScopePath(unit_path="successor__path", school="successor__schools__id")

    predecessor = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="successor_links")
    successor = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="predecessor_links")
    kind = models.CharField(_("kind"), max_length=10, choices=UnitLinkKind.choices)
    date = models.DateField(_("date"))
    carries_forward = models.BooleanField(_("figures carry forward"))
    carries_back = models.BooleanField(_("figures carry back"))
    source = models.CharField(_("legal source"), max_length=300, blank=True)

    class Meta:
        ordering = ["date", "successor__path", "predecessor__path"]
        verbose_name = _("unit link")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="unit_link_unique")
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} -> {self.successor} ({self.date})"


class UnitYearAttribute(models.Model):
    """Attributes a unit holds for one year, e.g. being an extremely difficult commune."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="year_attributes")
    year = models.PositiveSmallIntegerField(_("year"))
    extremely_difficult_commune = models.BooleanField(
        _("extremely difficult commune"), default=False
    )
    decision = models.CharField(_("decision"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="unit_year_attribute_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}"


class School(models.Model):
    scope = ScopePath(unit_path="unit__path", school="id")

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    levels = models.JSONField(_("levels"), default=list)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="schools")
    ownership = models.CharField(
        _("ownership"), max_length=10, choices=SchoolOwnership.choices, default="public"
    )
    boarding = models.BooleanField(_("boarding"), default=False)
    # China's 普惠性 kindergartens: a private one must be recognised to count (unknown until
    # recorded, and unknown never counts); a public one is 普惠 by definition.
    inclusive = models.CharField(
        _("inclusive (普惠) kindergarten"),
        max_length=10,
        choices=SchoolInclusive.choices,
        default=SchoolInclusive.UNKNOWN,
        help_text=_("For a private kindergarten: recognised as 普惠性 (inclusive) or not."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("school")

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    scope = ScopePath(unit_path="unit__path", school="unit__schools__id")

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="organisations")

    class Meta:
        ordering = ["code"]
        verbose_name = _("organisation")

    def __str__(self) -> str:
        return self.name
