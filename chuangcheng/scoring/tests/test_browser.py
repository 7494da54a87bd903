"""At a desk, the office evaluates November and publishes it; on a phone, the evaluation, the
ledger and the rules read without sideways scrolling."""

import re

import pytest

from chuangcheng.core.tests.browser import DESKTOP, PHONE, no_horizontal_overflow, sign_in
from chuangcheng.inspections.tests.conftest import insp  # noqa: F401  (fixture)
from chuangcheng.problems.tests.conftest import prob  # noqa: F401  (fixture)
from chuangcheng.scoring.choices import EvaluationStatus
from chuangcheng.scoring.models import Evaluation, Sanction
from chuangcheng.scoring.tests.test_pages import build_november

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_evaluates_and_publishes_and_the_evaluation_reads_on_a_phone(
    chromium,
    live_server,
    world,
    insp,  # noqa: F811
    prob,  # noqa: F811
    screenshot,
    media_in_tmp,
):
    build_november(world, insp, prob)

    context = chromium.new_context(viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    sign_in(page, live_server, "office", world.password)
    page.goto(f"{live_server.url}/scoring/")
    page.fill("input[name=month]", "2026-11")
    page.locator("form[action$='/scoring/run/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/scoring/\d+/$"))
    evaluation = Evaluation.objects.get()
    assert evaluation.status == EvaluationStatus.DRAFT
    assert page.get_by_text("西门菜市场").first.is_visible()
    assert no_horizontal_overflow(page)
    screenshot(page, "scoring-draft-desktop")

    page.locator("form[action$='/publish/'] button.button-primary").click()
    page.wait_for_url(f"{live_server.url}/scoring/{evaluation.pk}/")
    page.wait_for_selector(".tag-met")
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.PUBLISHED and evaluation.verify()
    assert Sanction.objects.count() == 3
    assert no_horizontal_overflow(page)
    screenshot(page, "scoring-published-desktop")
    page.goto(f"{live_server.url}/scoring/")
    screenshot(page, "scoring-evaluations-desktop")

    # the ledger: confirm one proposed entry with a note; the proposal stays below it
    entry = Sanction.objects.get(unit=world.units.township)
    page.goto(f"{live_server.url}/scoring/sanctions/?month=2026-11")
    row = page.locator(f"form[action$='/sanctions/{entry.pk}/move/']")
    page.locator("details", has=row).locator("summary").click()
    row.locator("input[name=note]").fill("领导小组会议确认")
    row.locator("button[value=confirmed]").click()
    page.wait_for_selector("tr.superseded")
    confirmed = Sanction.objects.get(supersedes=entry)
    assert confirmed.status == "confirmed" and confirmed.evidence.endswith("\n领导小组会议确认")
    assert no_horizontal_overflow(page)
    screenshot(page, "scoring-sanctions-desktop")
    context.close()

    context = chromium.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    sign_in(page, live_server, "office", world.password)
    for path, name in (
        (f"/scoring/{evaluation.pk}/", "scoring-evaluation-phone"),
        ("/scoring/", "scoring-evaluations-phone"),
        ("/scoring/sanctions/?month=2026-11", "scoring-sanctions-phone"),
        ("/scoring/settings/", "scoring-settings-phone"),
    ):
        page.goto(f"{live_server.url}{path}")
        assert no_horizontal_overflow(page), path
        screenshot(page, name)
    # the wide unit table scrolls inside its own box, its secondary columns hidden
    page.goto(f"{live_server.url}/scoring/{evaluation.pk}/")
    assert page.locator(".table-wrap").count() == 4
    assert not page.locator("th.hide-narrow").first.is_visible()
    context.close()
