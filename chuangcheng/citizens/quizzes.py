"""应知应会 and 满意度: the office's question bank and rounds, residents' answers (anonymous, one
per device), and the figures — awareness rate (知晓率) and satisfaction score by community and
month, and the questions most often missed. Figures are aggregates in the database."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from chuangcheng.citizens.actions import ReportError
from chuangcheng.citizens.choices import QuestionType, RoundKind
from chuangcheng.citizens.models import Answer, Choice, Question, Response, Round
from chuangcheng.core import audit
from chuangcheng.core.choices import AuditAction
from chuangcheng.org.choices import TERRITORIAL_KINDS
from chuangcheng.org.models import OrgUnit

# a survey question's choices when the office gives none: the assessors' five-step scale
SATISFACTION_SCALE = [("很满意", 100), ("满意", 80), ("基本满意", 60), ("不太满意", 30), ("不满意", 0)]


def can_manage(user, area) -> bool:
    from chuangcheng.problems.actions import can_register

    return bool(user.is_authenticated and can_register(user, area))


def _check(user, area):
    if not can_manage(user, area):
        raise ReportError(
            _("Only the campaign office of this area keeps its quizzes and surveys."), code="forbidden"
        )


# --- the bank ------------------------------------------------------------------------------------
def parse_choices(kind: str, text: str) -> list[tuple[str, bool, int | None]]:
    """One choice a line. Quiz: a leading * marks a right answer. Survey: "text = score" (no
    lines: the five-step satisfaction scale)."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if kind == RoundKind.SURVEY and not lines:
        return [(label, False, score) for label, score in SATISFACTION_SCALE]
    choices = []
    for number, line in enumerate(lines, start=1):
        if kind == RoundKind.QUIZ:
            correct = line.startswith(("*", "＊"))
            choices.append((line.lstrip("*＊ ").strip()[:200], correct, None))
        else:
            match = re.fullmatch(r"(.+?)\s*[=＝]\s*(\d{1,3})", line)
            if not match or int(match[2]) > 100:
                raise ReportError(
                    _("Line {n}: write “choice = score” with a score from 0 to 100.").format(n=number),
                    field="choices",
                )
            choices.append((match[1].strip()[:200], False, int(match[2])))
    if len(choices) < 2:
        raise ReportError(_("Give at least two choices, one a line."), field="choices")
    if kind == RoundKind.QUIZ and not any(c[1] for c in choices):
        raise ReportError(_("Mark the right answer with * at the start of its line."), field="choices")
    return choices


def save_question(
    user, area, *, kind, question_type, text, choices, explanation="", indicator=None, request=None
):
    _check(user, area)
    text = (text or "").strip()
    if not text:
        raise ReportError(_("Write the question."), field="text")
    parsed = parse_choices(kind, choices)
    if kind == RoundKind.SURVEY:  # one answer to "how satisfied": several would inflate the score
        question_type = QuestionType.SINGLE
    if kind == RoundKind.QUIZ and question_type == QuestionType.SINGLE and sum(c[1] for c in parsed) != 1:
        raise ReportError(_("A single-choice question has exactly one right answer."), field="choices")
    with transaction.atomic():
        question = Question.objects.create(
            area=area,
            kind=kind,
            question_type=question_type,
            text=text[:300],
            explanation=(explanation or "").strip()[:300],
            indicator=indicator,
            sort_order=Question.objects.filter(area=area, kind=kind).count() + 1,
        )
        Choice.objects.bulk_create(
            Choice(question=question, text=label, is_correct=correct, score=score, sort_order=n)
            for n, (label, correct, score) in enumerate(parsed, start=1)
        )
        audit.record(AuditAction.CREATE, request=request, user=user, obj=question)
    return question


def create_round(
    user, area, *, kind, title, community, opens_on, closes_on, questions, request=None
) -> Round:
    _check(user, area)
    if (
        community is None
        or community.kind not in TERRITORIAL_KINDS
        or not community.path.startswith(area.path)
    ):
        raise ReportError(_("Choose a community or township of this area."), field="community")
    if closes_on < opens_on:
        raise ReportError(_("The round cannot close before it opens."), field="closes_on")
    chosen = list(
        Question.objects.filter(pk__in=[q.pk for q in questions], area=area, kind=kind, is_active=True)
    )
    if not chosen:
        raise ReportError(_("Choose at least one question of this kind."), field="questions")
    with transaction.atomic():
        round_ = Round.objects.create(
            area=area,
            kind=kind,
            title=(title or "").strip()[:100]
            or _("{community} {kind}").format(community=community.name, kind=RoundKind(kind).label),
            community=community,
            opens_on=opens_on,
            closes_on=closes_on,
            created_by=user,
        )
        round_.questions.set(chosen)
        audit.record(AuditAction.CREATE, request=request, user=user, obj=round_)
    return round_


# --- answering -----------------------------------------------------------------------------------
@dataclass
class Result:
    response: Response
    replayed: bool = False


def _replay(earlier: Response, round_: Round, picked: dict) -> Result:
    """The same answers sent again return the first response; the key with other answers (or
    another round) is refused."""
    sent = {qid: sorted(set(ids)) for qid, ids in picked.items() if ids}
    kept = {a.question_id: sorted(a.chosen) for a in earlier.answers.all()}
    if earlier.round_id != round_.pk or sent != kept:
        raise ReportError(
            _("This submission key was already used for other answers; reload the page."),
            field="client_key",
            code="key_reused",
        )
    return Result(earlier, replayed=True)


def answer_round(
    round_: Round, picked: dict[int, list[int]], *, device: str, client_key: str, now=None
) -> Result:
    """Record one resident's answers (every question answered; choices of that question only)."""
    now = now or timezone.now()
    key = (client_key or "").strip()
    if not key or len(key) > 64:
        raise ReportError(_("The form is missing its submission key; reload the page."), field="client_key")
    earlier = Response.objects.filter(client_key=key).first()
    if earlier is not None:
        return _replay(earlier, round_, picked)
    if not device:
        raise ReportError(_("Your browser must accept cookies to take part."), field="device")
    today = timezone.localdate(now)
    if not round_.is_open(today):
        raise ReportError(_("This round is closed."), code="state")
    if Response.objects.filter(round=round_, device=device).exists():
        raise ReportError(
            _("You have already taken part in this round on this phone; thank you."), code="state"
        )
    questions = list(round_.questions.prefetch_related("choices").order_by("sort_order", "pk"))
    rows = []
    for question in questions:
        ids = sorted(set(picked.get(question.pk) or []))
        choices = {c.pk: c for c in question.choices.all()}
        if not ids:
            raise ReportError(
                _("Answer every question ({text}).").format(text=question.text), field=f"q{question.pk}"
            )
        if any(i not in choices for i in ids) or (
            question.question_type == QuestionType.SINGLE and len(ids) > 1
        ):
            raise ReportError(_("That is not a choice of this question."), field=f"q{question.pk}")
        if round_.kind == RoundKind.QUIZ:
            right = sorted(c.pk for c in choices.values() if c.is_correct)
            rows.append(Answer(question=question, chosen=ids, correct=ids == right))
        else:
            rows.append(Answer(question=question, chosen=ids, score=max(choices[i].score or 0 for i in ids)))
    quiz = round_.kind == RoundKind.QUIZ
    try:
        with transaction.atomic():
            response = Response.objects.create(
                round=round_,
                device=device,
                client_key=key,
                submitted_at=now,
                correct=sum(1 for a in rows if a.correct) if quiz else None,
                score=None
                if quiz
                else (Decimal(sum(a.score for a in rows)) / len(rows)).quantize(
                    Decimal("0.01"), ROUND_HALF_UP
                ),
            )
            for row in rows:
                row.response = response
            Answer.objects.bulk_create(rows)
    except IntegrityError:  # the same device or key at the same moment
        earlier = Response.objects.filter(client_key=key).first()
        if earlier is not None:
            return _replay(earlier, round_, picked)
        raise ReportError(
            _("You have already taken part in this round on this phone; thank you."), code="state"
        ) from None
    return Result(response)


# --- figures -------------------------------------------------------------------------------------
def _pct(numerator, denominator):
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class CommunityMonth:
    community: OrgUnit
    month: date
    responses: int
    awareness: Decimal | None = None  # % of quiz answers right
    satisfaction: Decimal | None = None  # mean survey score


def by_community(area, since: date | None = None) -> list[CommunityMonth]:
    """Awareness rate and satisfaction score of each community and month (one grouped query each)."""
    answers = Answer.objects.filter(response__round__area=area)
    if since is not None:
        answers = answers.filter(response__submitted_at__date__gte=since)
    grouped = (
        answers.annotate(month=TruncMonth("response__submitted_at"))
        .values("response__round__community", "month", "response__round__kind")
        .annotate(
            n=Count("pk"),
            right=Count("pk", filter=Q(correct=True)),
            score=Avg("score"),
            responses=Count("response", distinct=True),
        )
        .order_by()
    )
    rows: dict[tuple, CommunityMonth] = {}
    units = {}
    for g in grouped:
        month = g["month"].date() if isinstance(g["month"], datetime) else g["month"]
        unit_id = g["response__round__community"]
        units.setdefault(unit_id, None)
        row = rows.setdefault((unit_id, month), CommunityMonth(None, month, 0))
        row.responses += g["responses"]
        if g["response__round__kind"] == RoundKind.QUIZ:
            row.awareness = _pct(g["right"], g["n"])
        elif g["score"] is not None:
            row.satisfaction = Decimal(str(g["score"])).quantize(Decimal("0.1"), ROUND_HALF_UP)
    names = OrgUnit.objects.in_bulk(list(units))
    for (unit_id, _month), row in rows.items():
        row.community = names[unit_id]
    return sorted(rows.values(), key=lambda r: (r.community.path, r.month))


@dataclass
class Missed:
    question: Question
    answers: int
    missed: int

    @property
    def miss_rate(self):
        return _pct(self.missed, self.answers)


def most_missed(area, *, since: date | None = None, limit: int = 10) -> list[Missed]:
    """The quiz questions residents get wrong most often (share of wrong answers)."""
    answers = Answer.objects.filter(response__round__area=area, correct__isnull=False)
    if since is not None:
        answers = answers.filter(response__submitted_at__date__gte=since)
    grouped = list(
        answers.values("question")
        .annotate(n=Count("pk"), wrong=Count("pk", filter=Q(correct=False)))
        .filter(n__gt=0)
        .order_by()
    )
    grouped.sort(key=lambda g: (-g["wrong"] / g["n"], -g["n"], g["question"]))
    questions = Question.objects.in_bulk([g["question"] for g in grouped[:limit]])
    return [Missed(questions[g["question"]], g["n"], g["wrong"]) for g in grouped[:limit]]


def totals(area) -> dict:
    quiz = Answer.objects.filter(response__round__area=area, correct__isnull=False).aggregate(
        n=Count("pk"), right=Count("pk", filter=Q(correct=True))
    )
    survey = Answer.objects.filter(response__round__area=area, score__isnull=False).aggregate(s=Avg("score"))
    return {
        "awareness": _pct(quiz["right"], quiz["n"]),
        "satisfaction": None if survey["s"] is None else Decimal(str(survey["s"])).quantize(Decimal("0.1")),
        "responses": Response.objects.filter(round__area=area).count(),
        "rounds": Round.objects.filter(area=area).count(),
    }
