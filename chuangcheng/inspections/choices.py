from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanKind(models.TextChoices):
    COVERT = "covert", _("Covert inspection")
    ANNOUNCED = "announced", _("Announced inspection")
    SELF = "self", _("Self-inspection")
    RECHECK = "recheck", _("Re-check of past problems")
    MOCK = "mock", _("Mock assessment")


# Kinds whose assignments are kept from the inspected (三不三无) unless the office says otherwise.
SECRET_BY_DEFAULT = frozenset({PlanKind.COVERT, PlanKind.RECHECK, PlanKind.MOCK})
# Kinds that are never secret: the inspected know (明查) or inspect themselves (自查).
NEVER_SECRET = frozenset({PlanKind.ANNOUNCED, PlanKind.SELF})


class DayPart(models.TextChoices):
    """The parts of a day an assignment's window can fall in (Beijing time)."""

    EARLY = "early", _("Early morning 06:00–08:00")
    MORNING = "morning", _("Morning 08:00–12:00")
    AFTERNOON = "afternoon", _("Afternoon 14:00–18:00")
    EVENING = "evening", _("Evening 19:00–22:00")


# (start hour, end hour) of each day part
DAY_PART_HOURS = {
    DayPart.EARLY: (6, 8),
    DayPart.MORNING: (8, 12),
    DayPart.AFTERNOON: (14, 18),
    DayPart.EVENING: (19, 22),
}


class AssignmentOrigin(models.TextChoices):
    DRAWN = "drawn", _("Drawn")
    AMENDED = "amended", _("Amended by hand")


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    MISSED = "missed", _("Missed")
    REPLACED = "replaced", _("Replaced by an amendment")
    CANCELLED = "cancelled", _("Cancelled with the plan")


class InspectionKind(models.TextChoices):
    """What an inspection was: the kind of its plan, or an extra one outside any plan."""

    COVERT = "covert", _("Covert inspection")
    ANNOUNCED = "announced", _("Announced inspection")
    SELF = "self", _("Self-inspection")
    RECHECK = "recheck", _("Re-check of past problems")
    MOCK = "mock", _("Mock assessment")
    EXTRA = "extra", _("Extra unannounced inspection")


class Outcome(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NOT_APPLICABLE = "na", _("Not applicable")
