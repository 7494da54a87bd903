"""The problems part of ``seed_demo``: every failed item of the demo's inspections becomes a
problem that has lived its life up to today — in every state, some overdue, some reworked,
some rebounding — plus media, leader-instruction and citizen problems, all told to the right
people, and the covert findings of the running month still secret from the units."""

import datetime
from io import StringIO
from itertools import pairwise

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count, F

from chuangcheng.inspections.models import ItemResult
from chuangcheng.notifications.models import Notification
from chuangcheng.org.models import User
from chuangcheng.problems.choices import Action, ProblemSource, ProblemStatus
from chuangcheng.problems.models import Problem, ProblemEvent, ProblemPhoto

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 11, 18, 10, 30, tzinfo=TZ)  # a Wednesday


@pytest.fixture(autouse=True)
def _debug_on(settings, media_in_tmp):
    settings.DEBUG = True  # seed_demo refuses to run with DEBUG off


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@time_machine.travel(NOW, tick=False)
def test_the_demo_problems_live_through_the_whole_loop(client):
    output = seed()
    assert "个问题（督查发现" in output

    # every failed item opened exactly one problem
    failed = ItemResult.objects.filter(outcome="fail").count()
    assert Problem.objects.filter(item_result__isnull=False).count() == failed > 1000
    states = dict(Problem.objects.values_list("status").annotate(n=Count("pk")))
    for state in (
        ProblemStatus.ASSIGNED,
        ProblemStatus.RECTIFYING,
        ProblemStatus.SUBMITTED,
        ProblemStatus.CLOSED,
    ):
        assert states.get(state, 0) > 0, state
    assert states[ProblemStatus.CLOSED] > states[ProblemStatus.RECTIFYING]
    sources = set(Problem.objects.values_list("source", flat=True))
    assert {
        ProblemSource.INSPECTION,
        ProblemSource.MEDIA,
        ProblemSource.LEADER,
        ProblemSource.CITIZEN,
    } <= sources
    assert Problem.objects.overdue().exists()
    assert Problem.objects.filter(rework_count__gt=0, status=ProblemStatus.CLOSED).exists()
    assert Problem.objects.filter(extension_count__gt=0).exists()

    # rebounds link to a problem closed at the same point for the same item within 90 days
    rebounds = Problem.objects.filter(is_rebound=True).select_related("rebound_of")
    assert rebounds.count() > 10
    for problem in rebounds[:50]:
        earlier = problem.rebound_of
        assert (earlier.point_id, earlier.check_item_id, earlier.status) == (
            problem.point_id,
            problem.check_item_id,
            ProblemStatus.CLOSED,
        )
        assert earlier.closed_at <= problem.found_at <= earlier.closed_at + datetime.timedelta(days=90)

    # histories are consistent: a closed problem was verified by someone else than its fixer
    closed = Problem.objects.filter(status=ProblemStatus.CLOSED, source=ProblemSource.INSPECTION)[:200]
    for problem in closed:
        events = list(problem.events.order_by("at", "pk"))
        assert events[0].action == Action.CREATE and events[0].actor_id is None  # no inspector named
        assert events[-1].action == Action.APPROVE and events[-1].at == problem.closed_at
        submitter = [e for e in events if e.action == Action.SUBMIT][-1].actor_id
        assert events[-1].actor_id != submitter
        assert [e.to_status for e in events][-1] == ProblemStatus.CLOSED
        assert all(a.at <= b.at for a, b in pairwise(events))
    assert not ProblemEvent.objects.filter(at__gt=NOW).exists()  # nothing happens in the future
    assert ProblemPhoto.objects.filter(kind="after").count() >= states[ProblemStatus.CLOSED]
    assert Problem.objects.filter(status=ProblemStatus.CLOSED, closed_at__lt=F("found_at")).count() == 0

    # the covert findings of the running month stay out of the units' sight
    secret = Problem.objects.filter(embargo_until__gte=NOW.date())
    assert secret.exists() and set(secret.values_list("status", flat=True)) == {ProblemStatus.ASSIGNED}
    department = User.objects.get(username="department")
    assert not Problem.objects.visible_to(department).filter(pk__in=secret.values("pk")).exists()
    assert not Notification.objects.filter(url__in=[p.get_absolute_url() for p in secret]).exists()

    # the department's inbox has work, overdue first; leaders were told of overdue problems
    client.force_login(department)
    page = client.get("/problems/inbox/").content.decode()
    held = Problem.objects.held_by(department).open().by_urgency(NOW)
    assert held.exists() and held.first().code in page
    overdue_notices = Notification.objects.filter(kind="problem.overdue")
    assert overdue_notices.count() >= Problem.objects.overdue().count()
    client.force_login(User.objects.get(username="oversight"))
    assert "县城市管理局" in client.get("/problems/oversight/").content.decode()
