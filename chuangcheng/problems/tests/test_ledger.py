"""The ledger (台账): the filtered list as xlsx with every column offices keep, scoped like the
list, in a fixed number of queries; and the printable sheet of one problem."""

import datetime
import io

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from chuangcheng.inspections import actions as inspection_actions
from chuangcheng.inspections import photos as inspection_photos
from chuangcheng.inspections.tests.conftest import answers_all_pass, insp, jpeg_upload, new_key  # noqa: F401
from chuangcheng.inspections.tests.test_field_pages import one_assignment
from chuangcheng.problems.choices import Action, PhotoKind, ProblemStatus
from chuangcheng.problems.models import Problem
from chuangcheng.problems.tests.conftest import jpeg, new_problem, step
from chuangcheng.problems.views import before_photos

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=8))
LEDGER = "/problems/ledger.xlsx"
HEADERS = [
    "Number", "Problem", "Description", "Source", "Point", "Address", "Township/street",
    "Responsible unit", "Category", "Indicator", "Severity", "Status", "Found at", "Assigned at",
    "Deadline", "Closed at", "Days taken (working days, from assignment to closing)",
    "Rectified on time", "Rework count", "Extensions", "Rebound of", "Before photos", "After photos",
]  # fmt: skip


@pytest.fixture(autouse=True)
def _media(media_in_tmp):
    return media_in_tmp


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A moment in November 2026, Beijing time (18th is a Wednesday)."""
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=TZ)


def in_english(client):
    """The workbook follows the interface language; English keeps the headers stable here."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def export(client, query: str = ""):
    """The downloaded ledger: the header row and the rows by problem number (cells)."""
    response = client.get(LEDGER + query)
    assert response.status_code == 200, response.status_code
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2) if row[0].value}
    return header, rows


def absolute(path: str) -> str:
    return "http://testserver" + path


def photo_url(photo) -> str:
    return absolute(reverse("problems:photo", args=[photo.pk, "display"]))


def closed_after_rework(world, prob, size=(64, 48)) -> Problem:
    """Found Wednesday 18 November 10:00 (4 working hours allowed, due 16:00), sent back once,
    closed on Monday the 23rd at 10:00."""
    p = world.people
    problem = new_problem(
        world,
        unit=world.units.department,
        category=prob.litter,
        photos=[jpeg("before.jpg", size, (120, 90, 60))],
        now=at(18, 10),
    )
    step(problem, Action.ACCEPT, p.department, now=at(18, 10, 30))
    step(problem, Action.SUBMIT, p.department, note="已清理", photos=[jpeg(size=size)], now=at(19, 10))
    step(problem, Action.SEND_BACK, p.office, note="仍有残留", now=at(19, 11))
    step(problem, Action.SUBMIT, p.department, note="再次清理", photos=[jpeg(size=size)], now=at(20, 9))
    return step(problem, Action.APPROVE, p.office, note="复核通过", now=at(23, 10))


def closed_at_gate(world, prob) -> Problem:
    gate = prob.pts.gate
    problem = new_problem(world, unit=world.units.community, point=gate, check_item=prob.pts.item)
    step(problem, Action.ACCEPT, world.people.pointleader)
    step(problem, Action.SUBMIT, world.people.pointleader, photos=[jpeg()])
    return step(problem, Action.APPROVE, world.people.office)


# --- the workbook -----------------------------------------------------------------------------------
def test_ledger_has_every_column_and_the_closed_after_rework_row(world, prob, login):
    problem = closed_after_rework(world, prob)
    before = problem.photos.get(kind=PhotoKind.BEFORE)
    first_fix, second_fix = problem.photos.filter(kind=PhotoKind.AFTER).order_by("uploaded_at")

    header, rows = export(in_english(login(world.people.office)))

    assert header == HEADERS
    row = rows[problem.code]
    assert [cell.value for cell in row] == [
        problem.code, "人民路垃圾堆放", None, "Other", None, "人民路1号", None,
        "县城管局", "市容环境 › 暴露垃圾", None, "General", "Closed",
        datetime.datetime(2026, 11, 18, 10, 0), datetime.datetime(2026, 11, 18, 10, 0),
        datetime.datetime(2026, 11, 18, 16, 0), datetime.datetime(2026, 11, 23, 10, 0),
        # Wed 10:00-17:30 is 5.5 working hours, Thu and Fri 7 each, Mon to 10:00 1.5: 21 hours
        # = 3 working days of 7 hours (5 calendar days)
        3.0,
        "No", 1, 0, None,
        photo_url(before), photo_url(first_fix) + "\n" + photo_url(second_fix),
    ]  # fmt: skip
    assert row[0].hyperlink.target == absolute(f"/problems/{problem.pk}/")
    assert row[12].number_format == "yyyy-mm-dd hh:mm"
    assert row[21].hyperlink.target == photo_url(before)


def test_header_row_is_styled_frozen_and_filterable(world, prob, login):
    closed_after_rework(world, prob)
    response = in_english(login(world.people.office)).get(LEDGER)
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b is True
    assert sheet["A1"].fill.fgColor.rgb == "00DDEBF7"
    assert sheet.auto_filter.ref == "A1:W2"
    assert sheet.column_dimensions["B"].width == 30


def test_rebound_row_links_to_the_earlier_problem(world, prob, login):
    first = closed_at_gate(world, prob)
    again = new_problem(world, unit=world.units.community, point=prob.pts.gate, check_item=prob.pts.item)

    header, rows = export(in_english(login(world.people.office)))

    rebound = rows[again.code][header.index("Rebound of")]
    assert rebound.value == first.code
    assert rebound.hyperlink.target == absolute(f"/problems/{first.pk}/")
    assert rows[first.code][header.index("Rebound of")].value is None


def test_status_filter_applies_to_the_ledger(world, prob, login):
    closed = closed_after_rework(world, prob)
    still_open = new_problem(world, unit=world.units.department)

    _, rows = export(in_english(login(world.people.office)), "?status=closed")
    assert list(rows) == [closed.code]

    _, rows = export(in_english(login(world.people.office)), "?is_open=true")
    assert list(rows) == [still_open.code]


def test_a_units_ledger_holds_only_its_own_problems(world, prob, login):
    own = new_problem(world, unit=world.units.department, title="城管局的问题")
    other = new_problem(world, unit=world.units.township2, title="东城街道的问题")

    _, rows = export(in_english(login(world.people.department)))

    assert list(rows) == [own.code]
    assert other.code not in rows
    response = login(world.people.department).get(LEDGER)
    assert "东城街道的问题".encode() not in response.content  # not even in the shared strings


def test_the_ledger_downloads_as_a_dated_attachment(world, prob, login):
    with time_machine.travel(datetime.datetime(2026, 12, 7, 9, 0, tzinfo=TZ), tick=False):
        response = in_english(login(world.people.office)).get(LEDGER)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"problem-ledger-20261207.xlsx\"; filename*=UTF-8''problem-ledger-20261207.xlsx"
    )


def test_anonymous_ledger_request_is_sent_to_sign_in(world, client):
    response = client.get(LEDGER)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_ledger_is_get_only(world, login):
    assert login(world.people.office).post(LEDGER).status_code == 405


def test_ledger_queries_do_not_grow_with_rows(world, prob, login):
    first = closed_at_gate(world, prob)
    new_problem(world, unit=world.units.community, point=prob.pts.gate, check_item=prob.pts.item)
    client = in_english(login(world.people.office))
    client.get(LEDGER)  # warm the session and caches alike for both counts
    with CaptureQueriesContext(connection) as two:
        _, rows = export(client)
    assert len(rows) == 2

    for _ in range(4):
        closed_after_rework(world, prob)
        new_problem(world, unit=world.units.community, point=prob.pts.gate, check_item=prob.pts.item)
    with CaptureQueriesContext(connection) as ten:
        header, rows = export(client)
    assert len(rows) == 10
    # every later problem at the gate repeats the one closed there
    assert sum(1 for r in rows.values() if r[header.index("Rebound of")].value == first.code) == 5
    assert len(ten.captured_queries) == len(two.captured_queries)


# --- inspection problems: evidence and secrecy -----------------------------------------------------
def failed_gate_inspection(world, insp):  # noqa: F811
    """A covert inspection of the gate fails NM-01 with a photo: one problem, under embargo
    until the plan's end (31 December 2026)."""
    assignment = one_assignment(world, insp)
    answers = answers_all_pass([insp.pts.item, insp.scale_item, insp.plain_item])
    answers[0] = inspection_actions.Answer(insp.pts.item.pk, outcome="fail", note="垃圾未清")
    data = inspection_actions.Submission(
        client_key=new_key(),
        assignment_id=assignment.pk,
        answers=answers,
        photos=inspection_photos.prepare_all({insp.pts.item.pk: [jpeg_upload()]}),
    )
    with time_machine.travel(assignment.window_start + datetime.timedelta(minutes=20)):
        inspection, _ = inspection_actions.submit(assignment.inspector, data)
    return Problem.objects.get(inspection=inspection)


def test_inspection_evidence_is_a_before_photo_only_for_those_who_may_see_the_inspection(
    world,
    insp,  # noqa: F811
    login,
):
    problem = failed_gate_inspection(world, insp)
    evidence = problem.item_result.photos.get()
    evidence_url = absolute(reverse("inspections:photo", args=[evidence.pk, "display"]))

    office = world.people.office
    header, rows = export(in_english(login(office)))
    assert rows[problem.code][header.index("Before photos")].value == evidence_url
    assert [absolute(p["display"]) for p in before_photos(problem, office)] == [evidence_url]

    # after the embargo the township sees the problem and the inspection, so its evidence too
    township, department = world.people.township, world.people.department
    with time_machine.travel(datetime.datetime(2027, 1, 4, 10, 0, tzinfo=TZ)):
        header, rows = export(in_english(login(township)))
        assert rows[problem.code][header.index("Before photos")].value == evidence_url
        # reassigned to 县城管局, which sees the problem but not the inspection of another unit's point
        step(problem, Action.REASSIGN, world.people.office, unit=world.units.department, note="属城管职责")
        header, rows = export(in_english(login(department)))
        assert before_photos(problem, department) == []
    assert rows[problem.code][header.index("Before photos")].value is None


def test_no_inspector_is_named_in_the_ledger_or_on_the_sheet(world, insp, login):  # noqa: F811
    problem = failed_gate_inspection(world, insp)
    client = in_english(login(world.people.office))
    workbook = client.get(LEDGER)
    sheet = client.get(reverse("problems:sheet", args=[problem.pk]))

    values = [
        cell.value
        for row in load_workbook(io.BytesIO(workbook.content)).worksheets[0].iter_rows()
        for cell in row
    ]
    assert problem.code in values
    assert not any("督查员甲" in str(value) for value in values)
    html = sheet.content.decode()
    assert "System (from the inspection)" in html
    assert "督查员甲" not in html


# --- the printable sheet ------------------------------------------------------------------------------
def test_sheet_shows_the_facts_and_before_and_after_photos(world, prob, login):
    problem = closed_after_rework(world, prob)
    before = problem.photos.get(kind=PhotoKind.BEFORE)
    sent_back, accepted = problem.photos.filter(kind=PhotoKind.AFTER).order_by("uploaded_at")

    response = in_english(login(world.people.office)).get(reverse("problems:sheet", args=[problem.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert problem.code in html
    assert reverse("problems:photo", args=[before.pk, "display"]) in html
    # the fix as last submitted, the one that was closed
    assert reverse("problems:photo", args=[accepted.pk, "display"]) in html
    assert reverse("problems:photo", args=[sent_back.pk, "display"]) not in html
    assert "2026-11-23 10:00" in html  # closed
    assert "<dd>3.0</dd>" in html  # working days taken
    assert "data-print" in html
    assert "problems/sheet.js" in html
    assert response.context["days_taken"] == 3.0
    assert [row["event"].action for row in response.context["events"]] == [
        "create", "assign", "accept", "submit", "send_back", "submit", "approve",
    ]  # fmt: skip


def test_sheet_of_another_units_problem_is_404(world, prob, login):
    problem = new_problem(world, unit=world.units.department)
    assert login(world.people.neighbour).get(reverse("problems:sheet", args=[problem.pk])).status_code == 404
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.ASSIGNED


def test_detail_links_to_the_sheet_and_list_to_the_ledger_with_the_filters(world, prob, login):
    problem = new_problem(world, unit=world.units.department)
    client = login(world.people.office)
    detail = client.get(problem.get_absolute_url()).content.decode()
    assert f'href="{reverse("problems:sheet", args=[problem.pk])}"' in detail
    listing = client.get("/problems/?status=assigned&q=%E4%BA%BA").content.decode()
    assert 'href="/problems/ledger.xlsx?status=assigned&amp;q=%E4%BA%BA"' in listing


def test_a_title_that_looks_like_a_formula_is_written_as_text(world, prob, login):
    problem = new_problem(
        world, unit=world.units.department, title='=HYPERLINK("http://evil.example","点我")'
    )
    header, rows = export(in_english(login(world.people.office)))
    cell = rows[problem.code][header.index("Problem")]
    assert cell.value == '=HYPERLINK("http://evil.example","点我")'
    assert cell.data_type == "s"


def test_a_longer_list_is_cut_and_the_workbook_says_so(world, prob, login, monkeypatch):
    from chuangcheng.problems import ledger

    monkeypatch.setattr(ledger, "LEDGER_MAX_ROWS", 2)
    newest = [new_problem(world, unit=world.units.department, now=at(n, 10)) for n in (16, 17, 18)][1:]
    response = in_english(login(world.people.office)).get(LEDGER)
    book = load_workbook(io.BytesIO(response.content))
    sheet, about = book.worksheets
    values = [row[0].value for row in sheet.iter_rows(min_row=2)]
    note = "Only the first 2 problems are listed; narrow the filters to export the rest."
    assert values == [newest[1].code, newest[0].code, None, note]
    assert sheet.auto_filter.ref == "A1:W3"
    assert about.title == "About this ledger"
    assert about["A1"].value.endswith("(Beijing time): 2 problems.")
    assert about["A4"].value == note
