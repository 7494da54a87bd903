"""Reporters' personal data (PIPL; security.md 21): the unit complained about never sees a
number, the office sees it masked and reveals it on demand (audited), an anonymous report keeps
none, and numbers are removed a set time after the problem is closed."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from chuangcheng.citizens import actions
from chuangcheng.citizens.models import Report
from chuangcheng.citizens.tests.conftest import INSIDE_WEST, at, jpeg, key
from chuangcheng.core.choices import AuditAction, AuditResult
from chuangcheng.core.models import AuditLog
from chuangcheng.problems.choices import Action
from chuangcheng.problems.tests.conftest import step

pytestmark = pytest.mark.django_db
PHONE = "13812345678"


def report(cit, **extra) -> Report:
    data = actions.ReportData(
        area=cit.units.county,
        client_key=key(),
        category=cit.prob.litter,
        latitude=INSIDE_WEST[0],
        longitude=INSIDE_WEST[1],
        photos=[jpeg("scene.jpg")],
        phone=extra.pop("phone", PHONE),
        **extra,
    )
    return actions.submit(data).report


def test_the_unit_complained_about_never_sees_the_number(client, cit):
    problem = report(cit).problem
    client.force_login(cit.people.department)
    html = client.get(reverse("problems:detail", args=[problem.pk])).content.decode()
    assert "1 条群众反映" in html or "群众反映" in html
    assert PHONE not in html and "138****5678" not in html
    response = client.post(reverse("citizens_office:reveal", args=[problem.citizen_reports.get().pk]))
    assert response.status_code in (403, 404) and PHONE not in response.content.decode()
    api = client.get(f"/api/problems/problems/{problem.pk}/").content.decode()
    assert PHONE not in api


def test_the_office_sees_it_masked_and_reveals_it_to_call_back_every_reveal_audited(client, cit):
    entry = report(cit)
    client.force_login(cit.people.office)
    html = client.get(reverse("problems:detail", args=[entry.problem.pk])).content.decode()
    assert "138****5678" in html and PHONE not in html and entry.code in html
    shown = client.post(reverse("citizens_office:reveal", args=[entry.pk]), HTTP_HX_REQUEST="true")
    assert shown.status_code == 200 and f'href="tel:{PHONE}"' in shown.content.decode()
    assert client.post(reverse("citizens_office:reveal", args=[entry.pk])).json() == {"phone": PHONE}
    reveals = AuditLog.objects.filter(action=AuditAction.REVEAL, result=AuditResult.SUCCESS)
    assert reveals.count() == 2 and reveals.first().user == cit.people.office
    assert PHONE not in str(list(AuditLog.objects.values_list("detail", flat=True)))


def test_an_anonymous_report_keeps_no_number(cit):
    entry = report(cit, anonymous=True)
    assert entry.phone == "" and entry.anonymous


def test_numbers_are_removed_a_set_time_after_the_problem_is_closed(cit, settings):
    settings.CITIZEN_PHONE_RETENTION_DAYS = 30
    day = datetime.date(2026, 11, 18)
    with time_machine.travel(at(day, 9), tick=False):
        entry = report(cit)
        other = report(cit)
    problem = entry.problem
    step(problem, Action.ACCEPT, cit.people.department, now=at(day, 10))
    step(problem, Action.SUBMIT, cit.people.department, photos=[jpeg()], now=at(day, 11))
    step(problem, Action.APPROVE, cit.people.office, now=at(day, 15))
    assert actions.purge_phones(now=at(day + datetime.timedelta(days=29), 15)) == 0
    with time_machine.travel(at(day + datetime.timedelta(days=31), 15), tick=False):
        out = io.StringIO()
        call_command("citizens_housekeeping", stdout=out)  # what Celery beat runs every 6 hours
    assert out.getvalue().strip() == "phone numbers removed: 1"
    entry.refresh_from_db()
    other.refresh_from_db()
    assert entry.phone == "" and entry.phone_purged_at is not None
    assert other.phone == PHONE  # still open
    assert actions.purge_phones(now=at(day + datetime.timedelta(days=32), 15)) == 0  # safe to run twice
