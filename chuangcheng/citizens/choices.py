from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """How a citizen report came in."""

    WEB = "web", _("Report form")
    QR = "qr", _("A point's QR code")
    OPEN311 = "open311", _("Open311")


class Feedback(models.TextChoices):
    """The reporter's answer to "is it really fixed?" once the problem is closed."""

    FIXED = "fixed", _("Fixed")
    NOT_FIXED = "not_fixed", _("Not fixed")


class RoundKind(models.TextChoices):
    """应知应会 quizzes test what residents should know; 满意度 surveys ask what they think."""

    QUIZ = "quiz", _("Must-know quiz")
    SURVEY = "survey", _("Satisfaction survey")


class QuestionType(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
