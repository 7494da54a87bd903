"""群众参与: a resident's report (随手拍). Each report belongs to one problem — the one it opened,
or the open problem it joined as a duplicate — and is followed by its tracking code.

Personal data (PIPL; security.md 21): the phone number is optional, kept whole only for the
office to call back (masked everywhere else, every reveal audited), and removed
``CITIZEN_PHONE_RETENTION_DAYS`` after the problem closes. An anonymous report keeps no phone.
"""

import hashlib
import re
import secrets
import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chuangcheng.citizens.choices import Channel, Feedback, QuestionType, RoundKind
from chuangcheng.core.models import random_id
from chuangcheng.notifications.channels import mask_phone
from chuangcheng.org.models import OrgUnit

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone


def new_tracking_code() -> str:
    """8 random characters (32⁸ ≈ 10¹²): not guessable, so the status page needs no login."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


MOBILE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)", re.ASCII)


def mask_mobiles(text: str) -> str:
    """Mobile numbers a resident typed into free text, masked like the phone field (138****1234):
    the text is shown to the unit complained about and to Open311 clients."""
    return MOBILE.sub(lambda m: mask_phone(m.group(1) + m.group(2) + m.group(3)), text or "")


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The reports of the problems ``user`` may see."""
        from chuangcheng.problems.models import Problem

        return self.filter(problem__in=Problem.objects.visible_to(user).values("pk"))


class Report(models.Model):
    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    code = models.CharField(_("tracking code"), max_length=12, unique=True, default=new_tracking_code)
    area = models.ForeignKey(
        OrgUnit, verbose_name=_("campaign area"), on_delete=models.PROTECT, related_name="+"
    )
    problem = models.ForeignKey(
        "problems.Problem",
        verbose_name=_("problem"),
        on_delete=models.PROTECT,
        related_name="citizen_reports",
    )
    joined = models.BooleanField(
        _("joined an open problem"),
        default=False,
        help_text=_("The reporter chose an open problem nearby instead of reporting a new one."),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    category = models.ForeignKey(
        "problems.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    point = models.ForeignKey(
        "points.Point",
        verbose_name=_("point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField(_("description"), max_length=1000, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    phone = models.CharField(_("phone"), max_length=11, blank=True)
    phone_purged_at = models.DateTimeField(_("phone removed at"), null=True, blank=True)
    # a hash of the browser's device cookie (or an Open311 client's device_id): rate limits and
    # the one-report-per-device check, never shown
    device = models.CharField(_("device"), max_length=64, blank=True, editable=False)
    # idempotent intake (DESIGN.md rule 6): a retried submission returns the first report
    client_key = models.CharField(_("client key"), max_length=64, unique=True, editable=False)
    payload_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("reported at"), db_index=True)
    feedback = models.CharField(_("is it really fixed?"), max_length=10, choices=Feedback.choices, blank=True)
    feedback_note = models.CharField(_("feedback note"), max_length=300, blank=True)
    feedback_at = models.DateTimeField(_("feedback at"), null=True, blank=True)
    followup = models.ForeignKey(
        "problems.Problem",
        verbose_name=_("re-verification"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The problem opened for the office to check again after a “not fixed” answer."),
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("citizen report")
        verbose_name_plural = _("citizen reports")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["area", "created_at"]),
            models.Index(fields=["device", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(phone=""), name="citizens_anonymous_no_phone"
            )
        ]

    def __str__(self):
        return self.code

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


def device_hash(raw: str) -> str:
    return hashlib.sha256(f"device:{raw}".encode()).hexdigest() if raw else ""


# --- 应知应会 quizzes and 满意度 surveys -----------------------------------------------------------
class Question(models.Model):
    """A question of an area's bank: a quiz question has correct choices, a survey question
    scores each choice (满意 100 … 不满意 0). Linked to the indicator it informs."""

    area = models.ForeignKey(
        OrgUnit, verbose_name=_("campaign area"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=RoundKind.choices)
    question_type = models.CharField(
        _("answers"), max_length=8, choices=QuestionType.choices, default=QuestionType.SINGLE
    )
    text = models.CharField(_("question"), max_length=300)
    explanation = models.CharField(
        _("explanation"), max_length=300, blank=True, help_text=_("Shown with the right answer after a quiz.")
    )
    indicator = models.ForeignKey(
        "indicators.Indicator",
        verbose_name=_("indicator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["area", "kind", "sort_order", "pk"]

    def __str__(self):
        return self.text


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("choice"), max_length=200)
    is_correct = models.BooleanField(_("correct"), default=False)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "sort_order", "pk"]

    def __str__(self):
        return self.text


class RoundQuerySet(models.QuerySet):
    def visible_to(self, user):
        from chuangcheng.core.scoping import scope_for

        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(scope_for(user).unit_or_ancestor_q("area") | scope_for(user).unit_q("community"))


class Round(models.Model):
    """A quiz or survey published to one community (or township) as a public link and QR code
    for a period; residents answer anonymously, once per device."""

    area = models.ForeignKey(
        OrgUnit, verbose_name=_("campaign area"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=RoundKind.choices)
    title = models.CharField(_("title"), max_length=100)
    community = models.ForeignKey(
        OrgUnit, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    questions = models.ManyToManyField(Question, verbose_name=_("questions"), related_name="rounds")
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        "org.User", verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("quiz or survey round")
        verbose_name_plural = _("quiz and survey rounds")
        ordering = ["-opens_on", "community__path", "kind"]
        indexes = [models.Index(fields=["area", "kind", "opens_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="citizens_round_dates"
            )
        ]

    def __str__(self):
        return self.title

    def public_path(self) -> str:
        from django.urls import reverse

        return reverse("take_round", args=[self.public_id])

    def is_open(self, today) -> bool:
        return self.opens_on <= today <= self.closes_on


class Response(models.Model):
    """One resident's answers to a round: anonymous, at most one per device."""

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.PROTECT, related_name="responses"
    )
    device = models.CharField(_("device"), max_length=64, editable=False)
    client_key = models.CharField(max_length=64, unique=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), db_index=True)
    correct = models.PositiveSmallIntegerField(_("correct answers"), null=True)
    score = models.DecimalField(_("satisfaction score"), max_digits=5, decimal_places=2, null=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(fields=["round", "device"], name="citizens_one_response_per_device")
        ]

    def __str__(self):
        return f"{self.round_id} · {self.pk}"


class Answer(models.Model):
    """The answer to one question: the choices picked; for a quiz whether it was right, for a
    survey the score — stored so that the figures are plain aggregates."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    chosen = models.JSONField(_("choices picked"), default=list)
    correct = models.BooleanField(_("correct"), null=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="citizens_answer_once")]
        indexes = [models.Index(fields=["question", "correct"])]

    def __str__(self):
        return f"{self.response_id} · {self.question_id}"
