"""What a careless or hostile visitor, or the unit complained about, must not get: covert findings
behind a tracking code, residents' codes and numbers, joins to unrelated problems, enumeration of
codes, 500s on odd input, merges that erase work, numbers purged too early, quiz answers replayed
into another round."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from chuangcheng.citizens import actions, analytics, quizzes
from chuangcheng.citizens.choices import QuestionType, RoundKind
from chuangcheng.citizens.models import Report, Response
from chuangcheng.citizens.tests.conftest import INSIDE_EAST, INSIDE_WEST, at, jpeg, key
from chuangcheng.problems.choices import Action, ProblemSource, ProblemStatus
from chuangcheng.problems.models import Problem
from chuangcheng.problems.tests.conftest import new_problem, step

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 11, 18)


def report(cit, where=INSIDE_WEST, category=None, **extra):
    with time_machine.travel(at(DAY, 9), tick=False):
        return actions.submit(
            actions.ReportData(
                area=cit.units.county, client_key=key(), category=category or cit.prob.litter,
                latitude=where[0], longitude=where[1], photos=[] if extra.get("join") else [jpeg("p.jpg")],
                **extra,
            )
        ).report  # fmt: skip


def test_a_tracking_code_never_shows_a_covert_finding_under_embargo(client, cit):
    entry = report(cit)
    Problem.objects.filter(pk=entry.problem_id).update(embargo_until=DAY + datetime.timedelta(days=20))
    with time_machine.travel(at(DAY, 12), tick=False):
        assert client.get(reverse("citizens:track", args=[entry.code])).status_code == 404


def test_the_office_cannot_merge_into_a_covert_finding_or_erase_work(client, cit):
    mine = report(cit)
    covert = new_problem(world=cit, unit=cit.units.department, category=cit.prob.litter, title="暗访发现")
    Problem.objects.filter(pk=covert.pk).update(
        embargo_until=datetime.date.today() + datetime.timedelta(days=20)
    )
    with pytest.raises(actions.ReportError):
        actions.merge(cit.people.office, mine.problem_id, covert.code)
    # an inspection finding, or a citizen problem the unit has accepted, is not a duplicate to close
    other = report(cit, where=INSIDE_EAST)
    step(other.problem, Action.ACCEPT, cit.people.department)
    with pytest.raises(actions.ReportError) as refused:
        actions.merge(cit.people.office, other.problem_id, mine.problem.code)
    assert refused.value.code == "state"
    office_made = new_problem(
        world=cit, unit=cit.units.department, title="其他来源", source=ProblemSource.MEDIA
    )
    with pytest.raises(actions.ReportError):
        actions.merge(cit.people.office, office_made.pk, mine.problem.code)
    # nor into a closed problem
    closed = report(cit, where=(30.30, 120.12))
    step(closed.problem, Action.ACCEPT, cit.people.department)
    step(closed.problem, Action.SUBMIT, cit.people.department, photos=[jpeg()])
    step(closed.problem, Action.APPROVE, cit.people.office)
    with pytest.raises(actions.ReportError):
        actions.merge(cit.people.office, mine.problem_id, closed.problem.code)


def test_merged_into_a_merged_original_the_counts_follow_the_last_one(cit):
    a, b, c = (report(cit, where=w) for w in ((30.28, 120.10), (30.30, 120.10), (30.32, 120.10)))
    actions.merge(cit.people.office, a.problem_id, b.problem.code)
    actions.merge(cit.people.office, b.problem_id, c.problem.code)
    assert actions.report_count(c.problem) == 3
    assert actions.followed_problem(Report.objects.get(pk=a.pk)) == c.problem


def test_the_unit_sees_no_tracking_code_so_it_cannot_answer_for_the_resident(client, cit):
    entry = report(cit)
    client.force_login(cit.people.department)
    html = client.get(reverse("problems:detail", args=[entry.problem_id])).content.decode()
    assert entry.code not in html
    client.force_login(cit.people.office)
    assert entry.code in client.get(reverse("problems:detail", args=[entry.problem_id])).content.decode()


def test_a_report_joins_only_an_open_problem_of_its_kind_nearby(cit):
    first = report(cit, where=(30.28, 120.10))
    with pytest.raises(actions.ReportError) as far:
        report(cit, where=(30.30, 120.20), join=first.problem_id)
    assert far.value.field == "join"
    with pytest.raises(actions.ReportError):
        report(cit, where=(30.2801, 120.10), category=cit.prob.shack, join=first.problem_id)
    joined = report(cit, where=(30.2801, 120.10), join=first.problem_id)
    assert joined.problem_id == first.problem_id


def test_unknown_tracking_codes_are_rate_limited_on_every_address(client, cit, settings):
    for n in range(60):
        assert client.get(f"/report/track/ZZZZ{n:04d}/").status_code == 404
    assert client.get("/report/track/ZZZZ9999/").status_code == 429
    assert client.get("/report/track/ZZZZ9999/photos/1/thumb/").status_code == 429


@pytest.mark.parametrize(
    "url",
    [
        "/report/nearby/?area=²&category=1&lat=30&lng=120",
        "/report/nearby/?area=1&category=1&lat=nan&lng=inf",
        "/citizens/?township=²",
        "/citizens/?months=²",
    ],
)
def test_odd_numbers_in_addresses_are_ignored_not_500(client, cit, url):
    client.force_login(cit.people.office)
    assert client.get(url).status_code in (200, 404)


def test_a_retried_web_report_gets_its_first_report_even_past_the_limit(client, cit, settings):
    settings.CITIZEN_RATE_LIMITS = [(3600, 1)]
    data = {
        "client_key": key(), "category": cit.prob.litter.pk, "latitude": INSIDE_WEST[0],
        "longitude": INSIDE_WEST[1], "description": "x",
    }  # fmt: skip
    first = client.post(reverse("citizens:report"), {**data, "photos": [jpeg("a.jpg")]})
    again = client.post(reverse("citizens:report"), {**data, "photos": [jpeg("a.jpg")]})
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]


def test_numbers_stay_while_the_original_of_a_merged_report_is_open(cit, settings):
    settings.CITIZEN_PHONE_RETENTION_DAYS = 30
    original = report(cit, where=(30.28, 120.10))
    duplicate = report(cit, where=(30.30, 120.10), phone="13812345678")
    actions.merge(cit.people.office, duplicate.problem_id, original.problem.code)
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=200)
    assert actions.purge_phones(now=later) == 0


def test_a_not_fixed_recheck_is_not_counted_as_a_new_complaint(cit):
    entry = report(cit)
    step(entry.problem, Action.ACCEPT, cit.people.department, now=at(DAY, 10))
    step(entry.problem, Action.SUBMIT, cit.people.department, photos=[jpeg()], now=at(DAY, 11))
    step(entry.problem, Action.APPROVE, cit.people.office, now=at(DAY, 12))
    actions.answer(entry.code, False, now=at(DAY, 13))
    result = analytics.complaints(cit.units.county, months=3, today=DAY)
    assert result.total == 1


def test_phone_numbers_in_free_text_are_masked_and_full_width_digits_accepted(client, cit):
    entry = report(cit, description="请打13987654321联系我", phone="１３８１２３４５６７８")
    assert entry.phone == "13812345678"
    assert "13987654321" not in entry.problem.description and "139****4321" in entry.problem.description


def test_a_survey_question_takes_one_answer_and_a_key_cannot_be_replayed_into_another_round(cit):
    office, county = cit.people.office, cit.units.county
    question = quizzes.save_question(
        office,
        county,
        kind=RoundKind.SURVEY,
        question_type=QuestionType.MULTIPLE,
        text="满意吗？",
        choices="",
    )
    assert question.question_type == QuestionType.SINGLE
    quiz_q = quizzes.save_question(
        office,
        county,
        kind=RoundKind.QUIZ,
        question_type=QuestionType.SINGLE,
        text="几年？",
        choices="*三年\n一年",
    )
    common = {
        "community": cit.units.community,
        "opens_on": DAY,
        "closes_on": DAY + datetime.timedelta(days=5),
    }
    survey = quizzes.create_round(
        office, county, kind=RoundKind.SURVEY, title="调查", questions=[question], **common
    )
    quiz = quizzes.create_round(
        office, county, kind=RoundKind.QUIZ, title="测试", questions=[quiz_q], **common
    )
    right = quiz_q.choices.get(is_correct=True).pk
    with time_machine.travel(at(DAY, 10), tick=False):
        quizzes.answer_round(quiz, {quiz_q.pk: [right]}, device="d1", client_key="k1")
        again = quizzes.answer_round(quiz, {quiz_q.pk: [right]}, device="d1", client_key="k1")
        assert again.replayed
        with pytest.raises(actions.ReportError) as refused:
            quizzes.answer_round(
                survey, {question.pk: [question.choices.first().pk]}, device="d2", client_key="k1"
            )
    assert refused.value.code == "key_reused" and Response.objects.count() == 1


def test_a_nul_character_is_refused_not_500(client, cit):
    office, county = cit.people.office, cit.units.county
    question = quizzes.save_question(
        office,
        county,
        kind=RoundKind.QUIZ,
        question_type=QuestionType.SINGLE,
        text="几年？",
        choices="*三年\n一年",
    )
    today = datetime.date.today()
    round_ = quizzes.create_round(
        office, county, kind=RoundKind.QUIZ, title="测试", questions=[question],
        community=cit.units.community, opens_on=today, closes_on=today + datetime.timedelta(days=3),
    )  # fmt: skip
    visitor = Client()
    visitor.get(round_.public_path())
    response = visitor.post(round_.public_path(), {"client_key": "ab\x00cd", f"q{question.pk}": "²"})
    assert response.status_code in (200, 400)
    client.force_login(office)
    entry = report(cit)
    merged = client.post(
        reverse("citizens_office:merge", args=[entry.problem_id]), {"original": "A\x00B", "note": "\x00"}
    )
    assert merged.status_code == 302
    assert Problem.objects.get(pk=entry.problem_id).status != ProblemStatus.REJECTED
