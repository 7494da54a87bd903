"""The loop the issue is done by, through the pages a person uses: a failed covert inspection
item becomes a problem in the right unit's inbox with a working-day deadline once the embargo
ends; the unit accepts and submits its fix with a photo; the office sends it back once, then
closes it; a later failure at the same point and item is flagged as a rebound — and the ledger
export shows it all."""

import datetime
import io

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook

from chuangcheng.inspections.tests.conftest import insp  # noqa: F401  (fixture)
from chuangcheng.problems.choices import ProblemSource, ProblemStatus, Severity, TimeUnit
from chuangcheng.problems.models import Problem
from chuangcheng.problems.tests.conftest import at, covert_failure, jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(media_in_tmp):
    return media_in_tmp


def phone(user) -> Client:
    """A fresh phone, signed in now (a session ends after 30 idle minutes, and the test travels)."""
    client = Client()
    client.force_login(user)
    return client


def test_a_covert_failure_is_fixed_reworked_closed_and_flagged_when_it_comes_back(world, insp):  # noqa: F811
    p = world.people
    # 1. 暗访 on Wednesday 4 November; the plan runs to Friday the 13th
    inspection = covert_failure(
        world,
        insp,
        datetime.date(2026, 11, 2),
        datetime.date(2026, 11, 13),
        datetime.date(2026, 11, 4),
        inspector=p.inspector,
        retries=2,
    )
    problem = Problem.objects.get(inspection=inspection)  # one, though the phone sent it three times
    assert (problem.source, problem.severity, problem.status) == (
        ProblemSource.INSPECTION,
        Severity.CRITICAL,  # a veto item
        ProblemStatus.ASSIGNED,
    )
    assert problem.responsible_unit == world.units.community and problem.point == insp.pts.gate
    assert problem.check_item == insp.pts.item and problem.indicator.code == "3.2.1"
    # the clock starts when the embargo ends (Friday the 13th, at midnight): one working day is
    # the end of Monday's working hours
    assert (problem.time_limit, problem.time_unit) == (1, TimeUnit.WORK_DAYS)
    assert problem.deadline == at(datetime.date(2026, 11, 16), 17, 30)

    # 2. while the plan runs, the market's point leader and its township see nothing of it
    with time_machine.travel(at(datetime.date(2026, 11, 10), 10)):
        for person in (p.pointleader, p.township):
            assert problem.code not in phone(person).get("/problems/inbox/").content.decode()
            assert phone(person).get(problem.get_absolute_url()).status_code == 404

    # 3. Monday: it is in the point leader's inbox; accepted and fixed from the phone
    monday = datetime.date(2026, 11, 16)
    with time_machine.travel(at(monday, 9)):
        leader = phone(p.pointleader)
        inbox = leader.get("/problems/inbox/").content.decode()
        assert problem.code in inbox and "市场内无暴露垃圾" in inbox
        assert leader.post(f"/problems/{problem.pk}/step/accept/", {"next": "inbox"}).status_code == 302
    with time_machine.travel(at(monday, 11)):
        response = phone(p.pointleader).post(
            f"/problems/{problem.pk}/step/submit/",
            {"note": "已清理，增设垃圾桶", "photos": [jpeg("fix1.jpg")]},
        )
        assert response.status_code == 302
    # 4. the office sends it back once (the verifier is not the fixer)…
    with time_machine.travel(at(monday, 15)):
        assert (
            phone(p.office)
            .post(f"/problems/{problem.pk}/step/send_back/", {"note": "东门仍有残留"})
            .status_code
            == 302
        )
    with time_machine.travel(at(datetime.date(2026, 11, 17), 10)):
        assert (
            phone(p.pointleader)
            .post(
                f"/problems/{problem.pk}/step/submit/", {"note": "已彻底清理", "photos": [jpeg("fix2.jpg")]}
            )
            .status_code
            == 302
        )
    # …and then closes it
    with time_machine.travel(at(datetime.date(2026, 11, 17), 14)):
        assert (
            phone(p.office).post(f"/problems/{problem.pk}/step/approve/", {"note": "复核通过"}).status_code
            == 302
        )
    problem.refresh_from_db()
    assert (problem.status, problem.rework_count) == (ProblemStatus.CLOSED, 1)
    assert problem.accepted_on_time is True and problem.rectified_on_time is False  # resubmitted on Tuesday
    assert problem.photos.filter(kind="after").count() == 2
    assert list(problem.events.order_by("at", "pk").values_list("action", flat=True)) == [
        "create", "accept", "submit", "send_back", "submit", "approve",
    ]  # fmt: skip

    # 5. the next month's covert visit finds the same failure: a rebound, linked to the first
    again = Problem.objects.get(
        inspection=covert_failure(
            world,
            insp,
            datetime.date(2026, 11, 23),
            datetime.date(2026, 11, 27),
            datetime.date(2026, 11, 25),
            inspector=p.inspector3,  # not the same inspector twice in a row at one point
        )
    )
    assert again.is_rebound and again.rebound_of == problem

    # 6. the ledger shows it all
    with time_machine.travel(at(datetime.date(2026, 11, 30), 9)):
        response = phone(p.office).get("/problems/ledger.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    ).active
    header = [cell.value for cell in sheet[1]]
    rows = {
        row[header.index("编号")]: dict(zip(header, row, strict=False))
        for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    first, second = rows[problem.code], rows[again.code]
    assert first["状态"] == "已销号" and first["返工次数"] == 1
    assert second["反弹关联"] == problem.code and second["状态"] == "已交办"
