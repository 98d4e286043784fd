from django.db import models
from django.utils.translation import gettext_lazy as _

from reach.registry.choices import EducationLevel


class EntryGrade(models.IntegerChoices):
    """The entry grades a school takes new pupils into (lớp đầu cấp); 0 is preschool."""

    PRESCHOOL = 0, _("Preschool entry")
    GRADE_1 = 1, _("Grade 1")
    GRADE_6 = 6, _("Grade 6")
    GRADE_10 = 10, _("Grade 10")


# The level of school each entry grade opens (a school's `levels` say which it teaches).
ENTRY_LEVEL = {
    EntryGrade.PRESCHOOL: EducationLevel.PRESCHOOL,
    EntryGrade.GRADE_1: EducationLevel.PRIMARY,
    EntryGrade.GRADE_6: EducationLevel.LOWER_SECONDARY,
    EntryGrade.GRADE_10: EducationLevel.UPPER_SECONDARY,
}


class NextStep(models.TextChoices):
    """What a grade-9 finisher did the next school year (phân luồng)."""

    GRADE_10 = "grade_10", _("Grade 10")
    VOCATIONAL = "vocational", _("Vocational education")
    CONTINUING = "continuing", _("Continuing education")
    WORK = "work", _("Work")
    UNKNOWN = "unknown", _("Unknown")


# What a recorded outcome may say: the steps read from enrolments are recorded there.
RECORDED_STEPS = (NextStep.VOCATIONAL, NextStep.CONTINUING, NextStep.WORK)
