from django.db import models
from django.utils.translation import gettext_lazy as _


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class PeerGroup(models.TextChoices):
    """Who is ranked against whom: townships and streets; departments; (for a city) counties."""

    TERRITORIAL = "territorial", _("Townships and streets")
    DEPARTMENT = "department", _("Departments")
    COUNTY = "county", _("Counties")


class Band(models.TextChoices):
    """数字城管's bands of the composite value."""

    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"
    E = "E", "E"


class SanctionKind(models.TextChoices):
    PRAISE = "praise", _("Commended in the circular (通报表扬)")
    CRITICISM = "criticism", _("Criticised in the circular (通报批评)")
    DEDUCTION = "deduction", _("Performance points deducted")
    INTERVIEW = "interview", _("Interview (约谈)")


class SanctionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    APPLIED = "applied", _("Applied")
    WITHDRAWN = "withdrawn", _("Withdrawn")
