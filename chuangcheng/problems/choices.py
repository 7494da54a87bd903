from django.db import models
from django.utils.translation import gettext_lazy as _


class ProblemStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    REGISTERED = "registered", _("Registered")
    ASSIGNED = "assigned", _("Assigned")
    RECTIFYING = "rectifying", _("Rectifying")
    SUBMITTED = "submitted", _("Awaiting verification")
    REWORK = "rework", _("Rework")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")


# states in which the clock runs against the responsible unit
OPEN_STATES = frozenset(
    {
        ProblemStatus.REPORTED,
        ProblemStatus.REGISTERED,
        ProblemStatus.ASSIGNED,
        ProblemStatus.RECTIFYING,
        ProblemStatus.SUBMITTED,
        ProblemStatus.REWORK,
    }
)
FINAL_STATES = frozenset({ProblemStatus.CLOSED, ProblemStatus.REJECTED})
# states in which the responsible unit holds the problem (and sees it)
UNIT_STATES = frozenset(
    {
        ProblemStatus.ASSIGNED,
        ProblemStatus.RECTIFYING,
        ProblemStatus.SUBMITTED,
        ProblemStatus.REWORK,
        ProblemStatus.CLOSED,
    }
)
# the unit's move: what it must do next
UNIT_TODO_STATES = frozenset({ProblemStatus.ASSIGNED, ProblemStatus.RECTIFYING, ProblemStatus.REWORK})


class ProblemSource(models.TextChoices):
    INSPECTION = "inspection", _("Inspection")
    CITIZEN = "citizen", _("Citizen report")
    MEDIA = "media", _("Media exposure")
    LEADER = "leader", _("Leader instruction")
    SELF_INSPECTION = "self", _("Self-inspection")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    GENERAL = "general", _("General")
    MAJOR = "major", _("Major")
    CRITICAL = "critical", _("Critical")


class CategoryClass(models.TextChoices):
    """数字城管 (GB/T 30428) classifies cases as events or components."""

    EVENT = "event", _("Event (事件)")
    COMPONENT = "component", _("Component (部件)")


class TimeUnit(models.TextChoices):
    WORK_HOURS = "work_hours", _("working hours")
    WORK_DAYS = "work_days", _("working days")


class Action(models.TextChoices):
    """The steps of the workflow (and the two that change no state: comment, extend)."""

    REGISTER = "register", _("Register")
    REJECT = "reject", _("Reject")
    ASSIGN = "assign", _("Assign")
    RETURN = "return", _("Return to the office")
    ACCEPT = "accept", _("Accept")
    SUBMIT = "submit", _("Submit the fix")
    APPROVE = "approve", _("Verify and close")
    SEND_BACK = "send_back", _("Send back for rework")
    REASSIGN = "reassign", _("Reassign to another unit")
    EXTEND = "extend", _("Extend the deadline")
    COMMENT = "comment", _("Comment")
    CREATE = "create", _("Create")


class Stage(models.TextChoices):
    """The stages whose punctuality is kept for the statistics."""

    ACCEPTANCE = "acceptance", _("Acceptance")
    RECTIFICATION = "rectification", _("Rectification")
    VERIFICATION = "verification", _("Verification")


class Light(models.TextChoices):
    """The time-limit light (时限灯)."""

    GREEN = "green", _("On time")
    YELLOW = "yellow", _("Due soon")
    RED = "red", _("Overdue")
    NONE = "none", _("No time limit")


class PhotoKind(models.TextChoices):
    BEFORE = "before", _("Before")
    AFTER = "after", _("After")
