"""应知应会 and 满意度: the office keeps a question bank and publishes rounds to communities;
residents answer anonymously, once per phone; the office reads the awareness rate and the
satisfaction score by community and month, and the questions most often missed."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from chuangcheng.citizens import quizzes
from chuangcheng.citizens.actions import ReportError
from chuangcheng.citizens.choices import QuestionType, RoundKind
from chuangcheng.citizens.models import Answer, Response
from chuangcheng.citizens.tests.conftest import at

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 11, 18)


@pytest.fixture
def bank(cit):
    office, county = cit.people.office, cit.units.county
    b = type("Bank", (), {})()
    b.q1 = quizzes.save_question(
        office, county, kind=RoundKind.QUIZ, question_type=QuestionType.SINGLE,
        text="创建全国文明城市每几年测评一次？", choices="一年\n*三年\n五年",
        explanation="每三年为一个测评周期",
    )  # fmt: skip
    b.q2 = quizzes.save_question(
        office, county, kind=RoundKind.QUIZ, question_type=QuestionType.MULTIPLE,
        text="垃圾分类包括哪些？", choices="*可回收物\n*有害垃圾\n建筑材料",
    )  # fmt: skip
    b.s1 = quizzes.save_question(
        office, county, kind=RoundKind.SURVEY, question_type=QuestionType.SINGLE,
        text="您对小区环境卫生满意吗？", choices="",
    )  # fmt: skip
    b.quiz = quizzes.create_round(
        office, county, kind=RoundKind.QUIZ, title="西门社区应知应会", community=cit.units.community,
        opens_on=DAY, closes_on=DAY + datetime.timedelta(days=10), questions=[b.q1, b.q2],
    )  # fmt: skip
    b.survey = quizzes.create_round(
        office, county, kind=RoundKind.SURVEY, title="西门社区满意度", community=cit.units.community,
        opens_on=DAY, closes_on=DAY + datetime.timedelta(days=10), questions=[b.s1],
    )  # fmt: skip
    return b


def choice(question, text):
    return question.choices.get(text=text).pk


def take(round_, data):
    """A resident on their own phone (a fresh browser: its own device cookie)."""
    client = Client()
    with time_machine.travel(at(DAY, 20), tick=False):
        page = client.get(round_.public_path())
        key = page.context["client_key"]
        return client, client.post(round_.public_path(), {"client_key": key, **data})


def test_residents_answer_a_quiz_and_the_office_sees_the_awareness_rate(client, cit, bank):
    q1, q2 = bank.q1, bank.q2
    right = {f"q{q1.pk}": choice(q1, "三年"), f"q{q2.pk}": [choice(q2, "可回收物"), choice(q2, "有害垃圾")]}
    half = {f"q{q1.pk}": choice(q1, "一年"), f"q{q2.pk}": [choice(q2, "可回收物"), choice(q2, "有害垃圾")]}
    wrong = {f"q{q1.pk}": choice(q1, "五年"), f"q{q2.pk}": [choice(q2, "可回收物")]}
    phone, page = take(bank.quiz, right)
    assert page.status_code == 200 and "答对 2 题（共 2 题）" in page.content.decode()
    assert "每三年为一个测评周期" in page.content.decode()
    take(bank.quiz, half)
    take(bank.quiz, wrong)
    # the same phone again: refused, nothing counted twice
    with time_machine.travel(at(DAY, 21), tick=False):
        again = phone.get(bank.quiz.public_path())
    assert "已经参加过" in again.content.decode()
    assert Response.objects.filter(round=bank.quiz).count() == 3
    rows = quizzes.by_community(cit.units.county)
    assert [(r.community, r.month, r.awareness, r.responses) for r in rows] == [
        (cit.units.community, datetime.date(2026, 11, 1), pytest.approx(50.0), 3)
    ]  # 3 of 6 answers right
    missed = quizzes.most_missed(cit.units.county)
    assert [(m.question, m.answers, m.missed) for m in missed] == [(q1, 3, 2), (q2, 3, 1)]
    client.force_login(cit.people.office)
    html = client.get(reverse("citizens_office:results")).content.decode()
    assert "西门社区" in html and "50.0%" in html and "66.7%" in html


def test_a_survey_gives_the_satisfaction_score(cit, bank):
    s1 = bank.s1
    for label in ("很满意", "满意", "不满意"):
        _client, page = take(bank.survey, {f"q{s1.pk}": choice(s1, label)})
        assert page.status_code == 200 and "感谢" in page.content.decode()
    (row,) = quizzes.by_community(cit.units.county)
    assert row.satisfaction == pytest.approx(60.0)  # (100 + 80 + 0) / 3
    assert Answer.objects.filter(score__isnull=False).count() == 3


@pytest.mark.parametrize(
    "data",
    [
        {},  # nothing answered
        {"q999999": "1"},
        {"QUESTION": "abc"},
    ],
)
def test_incomplete_or_foreign_answers_are_refused_with_a_clear_message(cit, bank, data):
    fixed = {k.replace("QUESTION", f"q{bank.q1.pk}"): v for k, v in data.items()}
    _client, page = take(bank.quiz, fixed)
    assert page.status_code == 400 and "请回答每一道题" in page.content.decode()
    assert not Response.objects.exists()


def test_a_choice_of_another_question_or_two_answers_to_a_single_choice_are_refused(cit, bank):
    q1, q2 = bank.q1, bank.q2
    _c, page = take(bank.quiz, {f"q{q1.pk}": choice(q2, "可回收物"), f"q{q2.pk}": choice(q2, "有害垃圾")})
    assert page.status_code == 400 and not Response.objects.exists()
    _c, page = take(
        bank.quiz,
        {f"q{q1.pk}": [choice(q1, "一年"), choice(q1, "三年")], f"q{q2.pk}": choice(q2, "有害垃圾")},
    )
    assert page.status_code == 400 and not Response.objects.exists()


def test_a_closed_round_takes_no_answers(cit, bank):
    client = Client()
    with time_machine.travel(at(DAY + datetime.timedelta(days=11), 9), tick=False):
        page = client.get(bank.quiz.public_path())
    assert "已结束" in page.content.decode() and 'type="radio"' not in page.content.decode()


def test_only_the_office_keeps_the_bank_and_publishes_rounds(client, cit, bank):
    with pytest.raises(ReportError) as refused:
        quizzes.save_question(
            cit.people.department, cit.units.county, kind=RoundKind.QUIZ,
            question_type=QuestionType.SINGLE, text="?", choices="*a\nb",
        )  # fmt: skip
    assert refused.value.code == "forbidden"
    client.force_login(cit.people.department)
    response = client.post(
        reverse("citizens_office:questions"), {"kind": "quiz", "question_type": "single", "text": "x"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("kind", "choices", "message"),
    [
        (RoundKind.QUIZ, "a\nb", "用 * 标出正确答案"),
        (RoundKind.QUIZ, "*a", "至少给出两个选项"),
        (RoundKind.SURVEY, "满意 = 120\n不满意 = 0", "第 1 行"),
    ],
)
def test_the_bank_form_says_what_is_wrong(client, cit, kind, choices, message):
    client.force_login(cit.people.office)
    response = client.post(
        reverse("citizens_office:questions"),
        {"kind": kind, "question_type": "single", "text": "问题", "choices": choices},
    )
    assert response.status_code == 400 and message in response.content.decode()


def test_the_round_page_lists_the_public_link_and_qr(client, cit, bank):
    client.force_login(cit.people.office)
    html = client.get(reverse("citizens_office:rounds")).content.decode()
    assert bank.quiz.public_path() in html
    qr = client.get(reverse("citizens_office:round_qr", args=[bank.quiz.pk])).content.decode()
    assert "<svg" in qr and str(bank.quiz.public_id) in qr


def test_a_question_names_the_indicator_it_informs(client, cit):
    from chuangcheng.citizens.models import Question
    from chuangcheng.indicators.choices import SystemStatus

    indicator = cit.prob.pts.indicator
    indicator.system.__class__.objects.filter(pk=indicator.system_id).update(status=SystemStatus.ACTIVE)
    client.force_login(cit.people.office)
    data = {
        "kind": "quiz",
        "question_type": "single",
        "text": "农贸市场应当怎样？",
        "choices": "*干净整洁\n脏乱差",
    }
    response = client.post(reverse("citizens_office:questions"), {**data, "indicator": indicator.pk})
    assert response.status_code == 302
    assert Question.objects.get(text="农贸市场应当怎样？").indicator == indicator
    bank = client.get(reverse("citizens_office:questions")).content.decode()
    assert indicator.code in bank
    refused = client.post(reverse("citizens_office:questions"), {**data, "indicator": 999999})
    assert refused.status_code == 400 and refused.context["form"].errors.get("indicator")


def test_the_rounds_page_costs_the_same_queries_for_many_rounds(
    client, cit, bank, django_assert_max_num_queries
):
    client.force_login(cit.people.office)
    client.get(reverse("citizens_office:rounds"))  # warm the session and caches
    for n in range(8):
        quizzes.create_round(
            cit.people.office, cit.units.county, kind=RoundKind.QUIZ, title=f"第{n}期",
            community=cit.units.community, opens_on=DAY, closes_on=DAY, questions=[bank.q1],
        )  # fmt: skip
    with django_assert_max_num_queries(20):
        page = client.get(reverse("citizens_office:rounds"))
    assert page.status_code == 200 and "第7期" in page.content.decode()
