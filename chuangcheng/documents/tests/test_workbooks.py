"""The rankings and the reward/penalty ledger as xlsx: exact cells, text kept as text, the
chains of the ledger, and who may download what."""

import io
from urllib.parse import quote

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext
from openpyxl import load_workbook

from chuangcheng.core.choices import AuditAction
from chuangcheng.core.models import AuditLog
from chuangcheng.documents.tests.conftest import NOVEMBER, PUBLISHED_ON
from chuangcheng.scoring import actions as scoring
from chuangcheng.scoring.choices import SanctionKind, SanctionStatus
from chuangcheng.scoring.models import Sanction

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def zh(msgid: str) -> str:
    """A message as the pages show it (Simplified Chinese unless the person chose English)."""
    with translation.override("zh-hans"):
        return gettext(msgid)


def header(msgid: str) -> str:
    return capfirst(zh(msgid))


def download(client, path):
    with time_machine.travel(PUBLISHED_ON, tick=False):
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX
    return response, load_workbook(io.BytesIO(response.content))


def values(sheet) -> list[tuple]:
    return list(sheet.iter_rows(min_row=2, values_only=True))


# --- rankings ---------------------------------------------------------------------------------
def rankings_url(evaluation):
    return reverse("documents:rankings", args=[evaluation.pk])


def test_rankings_have_a_sheet_per_peer_group_with_every_part(world, november, login):
    response, book = download(login(world.people.office), rankings_url(november.evaluation))
    assert book.sheetnames == [
        zh("Townships and streets"),
        zh("Departments"),
        zh("Failing points"),
        zh("About this workbook"),
    ]
    territorial = book[zh("Townships and streets")]
    assert [cell.value for cell in territorial[1]] == [
        header(m)
        for m in (
            "rank", "unit", "insufficient sample", "points inspected", "points passed", "inspections",
            "points' pass rate", "problems due", "closed", "closed on time", "reworked", "rebounds",
            "overdue", "closing rate", "on-time rate", "rework rate", "workload", "rectification value",
            "composite value", "band",
        )
    ]  # fmt: skip
    no, yes = zh("No"), zh("Yes")
    assert values(territorial) == [
        (1, "城关街道", no, 2, 1, 4, 50, 1, 1, 1, 0, 0, 0, 100, 100, 0, 100, 100, 75, "B"),
        (2, "东城街道", no, 3, 2, 4, 66.67, 1, 0, 0, 0, 0, 1, 0, 0, 0, 100, 40, 52.34, "D"),
    ]
    # 县住建局: too few observations — no rank, listed last, its empty parts left empty
    assert values(book[zh("Departments")]) == [
        (1, "县城管局", no, 1, 1, 2, 100, 1, 1, 1, 0, 0, 0, 100, 100, 0, 100, 100, 100, "A"),
        (None, "县住建局", yes, 1, 1, 1, 100, 0, 0, 0, 0, 0, 0, None, None, None, None, None, 100, None),
    ]
    assert territorial.freeze_panes == "A2"
    assert territorial.auto_filter.ref == "A1:T3"
    assert (territorial["B2"].data_type, territorial["A2"].data_type) == ("s", "n")
    assert territorial["G3"].number_format == "0.00"
    with translation.override("zh-hans"):
        name = gettext("rankings-{area}-{month}.xlsx").format(area="示范县", month="202611")
    ascii_name = f"rankings-202611-{november.evaluation.pk}.xlsx"
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    )
    entry = AuditLog.objects.get(action=AuditAction.EXPORT)
    assert (entry.user, entry.object_id, entry.detail) == (
        world.people.office,
        str(november.evaluation.pk),
        {"format": "xlsx"},
    )


def test_rankings_list_the_failing_points_worst_first_with_leaders(world, november, login):
    _response, book = download(login(world.people.office), rankings_url(november.evaluation))
    failing = book[zh("Failing points")]
    assert [cell.value for cell in failing[1]][:6] == [
        header("rank among failing points"),
        zh("Point code"),
        header("point"),
        header("responsible unit"),
        header("township/street"),
        header("point leader"),
    ]
    no, yes = zh("No"), zh("Yes")
    assert values(failing) == [
        (1, "P-PARK", "东城公园", "东城街道", "东城街道", "东城科员", 2, 0, 85, 0, no, 2, 0, 1),
        (2, "P-GATE", "西门菜市场", "西门社区", "城关街道", "社区点长", 2, 1, 99, 50, yes, 0, 0, 1),
    ]


def test_rankings_say_which_snapshot_they_are(world, november, login):
    _response, book = download(login(world.people.office), rankings_url(november.evaluation))
    about = dict(book[zh("About this workbook")].iter_rows(values_only=True))
    evaluation = november.evaluation
    assert about[header("campaign area")] == "示范县"
    assert about[header("month")] == "2026-11"
    assert about[header("figures as of")] == "2026-12-01 00:00"
    assert about[header("published at")] == "2026-12-03 09:00"
    assert about[header("published by")] == "办公室干部"
    assert about[header("content hash (SHA-256)")] == evaluation.content_hash
    assert evaluation.verify()


def test_units_of_the_area_read_the_rankings_but_another_county_does_not(world, november, login, client):
    download(login(world.people.township), rankings_url(november.evaluation))
    client.logout()
    response = login(world.people.outsider).get(rankings_url(november.evaluation))
    assert response.status_code == 404
    assert AuditLog.objects.filter(action=AuditAction.EXPORT).count() == 1


def test_a_draft_has_no_rankings_yet(world, november, login):
    with time_machine.travel(PUBLISHED_ON, tick=False):
        draft = scoring.run_month(world.people.office, world.units.county, NOVEMBER)
    response = login(world.people.office).get(rankings_url(draft))
    assert response.status_code == 409
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()


def test_anonymous_is_sent_to_sign_in_for_the_workbooks(client, november):
    for path in (rankings_url(november.evaluation), reverse("documents:sanctions")):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


# --- the reward/penalty ledger ------------------------------------------------------------------
def sanctions_url(**query):
    base = reverse("documents:sanctions")
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_ledger_lists_every_entry_with_its_chain(world, november, login):
    _response, book = download(login(world.people.office), sanctions_url())
    sheet = book[zh("Rewards and penalties")]
    assert [cell.value for cell in sheet[1]][:3] == [zh("Entry"), header("month"), header("evaluation")]
    rows = values(sheet)
    n = november
    # chains together, each in the order it was made; the current state is the chain's last entry
    by_entry = [(r[0], r[5], r[8], r[9], r[10], r[11], r[12]) for r in rows]
    withdrawn, proposed, applied, confirmed = (
        zh("Withdrawn"),
        zh("Proposed"),
        zh("Applied"),
        zh("Confirmed"),
    )
    no, yes = zh("No"), zh("Yes")
    assert by_entry[:2] == [
        (n.praise.pk, "县城管局", proposed, no, n.praise.pk, None, n.withdrawn.pk),
        (n.withdrawn.pk, "县城管局", withdrawn, yes, n.praise.pk, n.praise.pk, None),
    ]
    # 城关街道's commendation and 东城街道's criticism: chains of one entry
    assert [(r[1], r[2], r[3]) for r in by_entry[2:4]] == [
        ("城关街道", proposed, yes),
        ("东城街道", proposed, yes),
    ]
    assert all(r[0] == r[4] and r[5] is None and r[6] is None for r in by_entry[2:4])
    assert by_entry[4:] == [
        (n.deduction.pk, "东城街道", proposed, no, n.deduction.pk, None, n.confirmed.pk),
        (n.confirmed.pk, "东城街道", confirmed, no, n.deduction.pk, n.deduction.pk, n.applied.pk),
        (n.applied.pk, "东城街道", applied, yes, n.deduction.pk, n.confirmed.pk, None),
    ]
    applied_row = rows[6]
    assert applied_row[1:3] == (
        "2026-11",
        zh("{area} {month} version {n}").format(area="示范县", month="2026-11", n=1),
    )
    assert applied_row[7] == -2  # performance points, as entered (a deduction counts against)
    assert applied_row[13].endswith("\n已扣分")  # the evidence, then the note of the step
    assert sheet.freeze_panes == "A2"


def test_a_note_that_looks_like_a_formula_stays_text(world, november, login):
    with time_machine.travel(PUBLISHED_ON, tick=False):
        commendation = Sanction.objects.get(
            evaluation=november.evaluation, kind=SanctionKind.PRAISE, unit=world.units.township
        )
        scoring.move_sanction(world.people.office, commendation.pk, SanctionStatus.CONFIRMED, "=1+1")
    _response, book = download(login(world.people.office), sanctions_url())
    sheet = book[zh("Rewards and penalties")]
    cells = [row[13] for row in sheet.iter_rows(min_row=2) if str(row[13].value).endswith("=1+1")]
    assert [cell.data_type for cell in cells] == ["s"]


def test_the_ledger_narrows_to_an_area_and_a_month(world, november, login):
    client = login(world.people.office)
    _response, book = download(client, sanctions_url(area=world.units.county.pk, month="2026-11"))
    assert len(values(book[zh("Rewards and penalties")])) == 7
    _response, book = download(client, sanctions_url(month="2026-10"))
    assert values(book[zh("Rewards and penalties")]) == []
    entry = AuditLog.objects.filter(action=AuditAction.EXPORT).order_by("pk").last()
    assert entry.detail == {"format": "xlsx", "rows": 0, "query": "month=2026-10"}


def test_the_ledger_refuses_a_bad_month_and_another_countys_area(world, november, login):
    client = login(world.people.office)
    assert client.get(sanctions_url(month="2026-13")).status_code == 400
    assert client.get(sanctions_url(area=world.units.other_county.pk)).status_code == 404
    assert client.get(sanctions_url(area="x")).status_code == 404
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.parametrize(
    ("persona", "rows"), [("township", 7), ("leader", 7), ("outsider", 0), ("nobody", 0)]
)
def test_the_ledger_holds_the_entries_of_the_months_the_user_sees(world, november, login, persona, rows):
    _response, book = download(login(getattr(world.people, persona)), sanctions_url())
    assert len(values(book[zh("Rewards and penalties")])) == rows
