"""群众最不满意的十件事: the categories residents report most, by month and township, with the
trend; how fast their reports are taken up and closed."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from chuangcheng.citizens import actions, analytics
from chuangcheng.citizens.tests.conftest import INSIDE_EAST, INSIDE_WEST, at, jpeg, key
from chuangcheng.problems.choices import Action
from chuangcheng.problems.tests.conftest import step

pytestmark = pytest.mark.django_db


def report(cit, category, where, day, hour=10):
    with time_machine.travel(at(day, hour), tick=False):
        return actions.submit(
            actions.ReportData(
                area=cit.units.county, client_key=key(), category=category,
                latitude=where[0], longitude=where[1], photos=[jpeg("p.jpg")],
            )
        ).report  # fmt: skip


def test_the_categories_residents_report_most_with_their_trend_and_speed(client, cit):
    litter, shack = cit.prob.litter, cit.prob.shack
    sep, octo, nov = datetime.date(2026, 9, 8), datetime.date(2026, 10, 12), datetime.date(2026, 11, 9)
    for day in (sep, octo, octo, nov):
        report(cit, litter, INSIDE_WEST, day)
    for day in (sep, sep, sep, octo, nov):
        report(cit, shack, INSIDE_EAST, day)
    first = report(cit, litter, INSIDE_WEST, nov, hour=9)
    step(first.problem, Action.ACCEPT, cit.people.department, now=at(nov, 11))  # 2 hours to take up
    step(first.problem, Action.SUBMIT, cit.people.department, photos=[jpeg()], now=at(nov, 13))
    step(first.problem, Action.APPROVE, cit.people.office, now=at(nov, 15))  # 6 hours to close
    today = datetime.date(2026, 12, 3)
    result = analytics.complaints(cit.units.county, months=4, today=today)
    assert result.months == [datetime.date(2026, m, 1) for m in (9, 10, 11, 12)]
    assert [(r.category, r.total, r.by_month) for r in result.top] == [
        (litter, 5, [1, 2, 2, 0]),
        (shack, 5, [3, 1, 1, 0]),
    ]
    assert [r.trend for r in result.top] == [0, 0]  # October against November
    assert result.total == 10
    november = result.speed[2]
    assert (november.problems, november.closed, november.hours_to_accept, november.hours_to_close) == (
        3, 1, 2.0, 6.0,
    )  # fmt: skip
    # one township: only the reports in its outline
    west = analytics.complaints(cit.units.county, months=4, township=cit.units.township, today=today)
    assert [(r.category, r.total) for r in west.top] == [(litter, 5)]
    client.force_login(cit.people.office)
    with time_machine.travel(at(today, 9), tick=False):
        html = client.get(reverse("citizens_office:complaints"), {"months": "6"}).content.decode()
    assert "群众最不满意的十件事" in html and "暴露垃圾" in html and "私搭乱建" in html


def test_the_complaints_page_takes_no_bad_filter_at_face_value(client, cit):
    client.force_login(cit.people.office)
    response = client.get(reverse("citizens_office:complaints"), {"months": "99999", "township": "x'1"})
    assert response.status_code == 200 and response.context["months"] == 6
    other = client.get(reverse("citizens_office:complaints"), {"township": str(cit.units.other_township.pk)})
    assert other.context["township"] is None  # another county's township is ignored


def test_the_reporters_answers_show_how_many_say_it_is_really_fixed(cit):
    day = datetime.date(2026, 11, 9)
    answers = []
    for fixed in (True, True, False):
        entry = report(cit, cit.prob.litter, INSIDE_WEST, day)
        step(entry.problem, Action.ACCEPT, cit.people.department, now=at(day, 11))
        step(entry.problem, Action.SUBMIT, cit.people.department, photos=[jpeg()], now=at(day, 13))
        step(entry.problem, Action.APPROVE, cit.people.office, now=at(day, 15))
        answers.append(actions.answer(entry.code, fixed, now=at(day, 18)))
    result = analytics.complaints(cit.units.county, months=3, today=datetime.date(2026, 12, 3))
    november = result.speed[1]
    assert (november.answered, november.fixed, november.fixed_share) == (3, 2, 66.7)
