"""The 全民参与 part of ``seed_demo``: some hundreds of residents' reports over the months (some
from points' QR codes, some joining an open problem nearby, some answered "not fixed"), a quiz
and a survey in every community with residents' answers, and the figures the office reads."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count

from chuangcheng.citizens import analytics, quizzes
from chuangcheng.citizens.choices import Channel, Feedback, RoundKind
from chuangcheng.citizens.models import Report, Round
from chuangcheng.org.choices import UnitKind
from chuangcheng.org.models import OrgUnit
from chuangcheng.problems.choices import Action, ProblemSource, ProblemStatus

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 11, 18, 10, 30, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _debug_on(settings, media_in_tmp):
    settings.DEBUG = True


@time_machine.travel(NOW, tick=False)
def test_the_demo_residents_report_answer_and_are_counted():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "条群众反映" in out.getvalue()
    county = OrgUnit.objects.get(name="示范县")
    reports = Report.objects.filter(area=county)
    assert 200 <= reports.count() <= 400
    channels = dict(reports.values_list("channel").annotate(n=Count("pk")))
    assert channels[Channel.WEB] > channels[Channel.QR] > 0
    joined = reports.filter(joined=True)
    assert joined.exists()
    # a joined report adds to an earlier problem's history, at the moment it was made
    for report in joined[:10]:
        assert report.problem.found_at < report.created_at
        assert report.problem.events.filter(action=Action.COMMENT, at=report.created_at).exists()
    # every report's problem is a citizen problem that lived by the workflow's rules
    problems = {r.problem for r in reports.exclude(joined=True).select_related("problem")}
    assert {p.source for p in problems} == {ProblemSource.CITIZEN}
    assert sum(p.status == ProblemStatus.CLOSED for p in problems) > len(problems) / 2
    assert (
        reports.filter(anonymous=True, phone="").exists()
        and not reports.filter(anonymous=True).exclude(phone="").exists()
    )
    assert reports.filter(feedback=Feedback.FIXED).exists()
    for report in reports.filter(feedback=Feedback.NOT_FIXED):
        assert report.followup.status == ProblemStatus.REGISTERED
    # the complaints the office reads: the county's ten largest kinds, busiest first
    result = analytics.complaints(county, months=6, today=NOW.date())
    assert len(result.top) == 10 and result.top[0].total >= result.top[-1].total > 0
    # a quiz and a survey in every community, answered
    communities = OrgUnit.objects.filter(path__startswith=county.path, kind=UnitKind.COMMUNITY)
    for kind in (RoundKind.QUIZ, RoundKind.SURVEY):
        covered = set(Round.objects.filter(kind=kind).values_list("community", flat=True))
        assert covered == set(communities.values_list("pk", flat=True))
    rows = quizzes.by_community(county)
    assert {r.community.pk for r in rows} == set(communities.values_list("pk", flat=True))
    assert all(r.awareness is not None and 30 <= r.awareness <= 100 for r in rows if r.responses >= 10)
    totals = quizzes.totals(county)
    assert totals["responses"] > 1000 and totals["awareness"] is not None
    assert quizzes.most_missed(county)
