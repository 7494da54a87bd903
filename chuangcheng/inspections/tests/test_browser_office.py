"""A real Chromium opens the office pages at desktop and phone widths: the new-plan form (and
draws a plan with it), a plan page, the inspections list and an inspection with its map."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from chuangcheng.core.tests.browser import DESKTOP, PHONE, no_horizontal_overflow, sign_in
from chuangcheng.indicators.tests.factories import CheckItemFactory
from chuangcheng.inspections import actions, photos
from chuangcheng.inspections.forms import next_month
from chuangcheng.inspections.models import Plan
from chuangcheng.inspections.tests.conftest import jpeg_upload, month_rules, new_key, plan_input

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _overflowing(page):
    """The elements that stick out on the right, to say what overflows when something does."""
    return page.evaluate(
        """Array.from(document.querySelectorAll('body *'))
          .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                       && !(e.parentElement && e.parentElement.closest('.table-wrap')))
          .slice(0, 12)
          .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""
    )


@pytest.fixture
def office_data(world, insp):
    """Next month's covert plan (drawn now, so open and secret), one amendment, and extra
    inspections by the office at 人民路 with failures, a photo and a start location."""
    start, end = next_month()
    items = [insp.road_item] + [
        CheckItemFactory(
            point_type=insp.pts.road,
            code=f"ZC-0{n}",
            text=f"第{n}项：沿街立面整洁，无乱张贴、乱涂写、乱刻画现象，店外无占道经营",
            deduction=Decimal("3"),
            photo_required_on_failure=False,
            sort_order=n,
        )
        for n in range(2, 5)
    ]
    plan = actions.create_plan(
        world.people.office,
        plan_input(
            world,
            insp,
            name="示范县下月暗访督查计划（农贸市场、主次干道全覆盖）",
            period_start=start,
            period_end=end,
            rules=month_rules(start, end, visits_per_point=2),
        ),
    )
    original = plan.assignments.filter(point=insp.pts.park).first()
    other = next(
        i for i in insp.inspectors if i.pk not in original.inspector_ids and i.username != "inspector3"
    )
    actions.amend_assignment(
        world.people.office,
        original,
        actions.AmendInput(
            inspector=other,
            second_inspector=None,
            day=end,
            day_part="morning",
            reason="原督查员参加培训，改派",
        ),
    )
    road = insp.pts.road_point
    inspections = []
    for n in range(3):
        answers = [
            actions.Answer(item.pk, outcome="fail" if k <= n else "pass") for k, item in enumerate(items)
        ]
        evidence = photos.prepare_all({items[0].pk: [jpeg_upload(size=(640, 480))]})
        answers[0].note = "路面有油污和散落垃圾，约 3 平方米" if n == 2 else ""
        inspection, _ = actions.submit(
            world.people.office,
            actions.Submission(
                new_key(),
                answers,
                point_id=road.pk,
                latitude=road.latitude + Decimal("0.004"),
                longitude=road.longitude + Decimal("0.001"),
                accuracy_m=15,
                photos=evidence,
            ),
        )
        inspections.append(inspection)
    return plan, inspections[-1]


@pytest.mark.parametrize(("size", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_office_pages_fit_the_screen(
    chromium, live_server, world, insp, office_data, screenshot, size, viewport
):
    plan, inspection = office_data
    context = chromium.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    external, problems = [], []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(live_server.url) else None)
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error"
            and not m.location.get("url", "").endswith("/favicon.ico")
            # the refused form answers 400 on purpose; the browser logs every 4xx document
            and not (
                m.text.endswith("status of 400 (Bad Request)") and m.location.get("url", "").endswith("/new/")
            )
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "response",
        lambda r: (
            problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not (r.status == 400 and r.request.method == "POST")
            else None
        ),
    )
    try:
        sign_in(page, live_server, "office", world.password)

        # the new-plan form: the kind drives the covert box and the inspector pool
        page.goto(f"{live_server.url}/inspections/plans/new/")
        screenshot(page, f"office-plan-new-{size}")
        assert no_horizontal_overflow(page), _overflowing(page)
        covert = page.locator("input[name=is_covert]")
        assert covert.is_checked()
        page.select_option("select[name=kind]", "announced")
        assert not covert.is_checked() and covert.is_disabled()
        page.select_option("select[name=kind]", "self")
        assert page.locator("#inspectors-panel").is_hidden()
        assert page.locator("#self-unit-field").is_visible()
        page.select_option("select[name=kind]", "covert")
        assert covert.is_checked() and page.locator("#inspectors-panel").is_visible()
        assert page.locator("[data-range-row]:visible").count() == 1
        page.click("#add-range")
        assert page.locator("[data-range-row]:visible").count() == 2

        # rules that cannot be met: every reason is listed, and what was typed is kept
        page.fill("input[name=name]", "浏览器里抽取的计划")
        page.click("[data-check-none]")
        page.locator("input[name=inspectors]").first.check()
        page.locator("input[name=inspectors_per_visit][value='2']").check()
        page.click("#plan-form button[type=submit]")
        page.wait_for_selector("#plan-problems")
        # one inspector cannot make a pair: said once, with the numbers
        assert page.locator("#plan-problems li").count() == 1
        assert "2" in page.locator("#plan-problems li").inner_text()
        assert page.input_value("input[name=name]") == "浏览器里抽取的计划"
        assert page.locator("input[name=inspectors]:checked").count() == 1
        screenshot(page, f"office-plan-infeasible-{size}")
        assert no_horizontal_overflow(page), _overflowing(page)

        # draw a plan with it (desktop only: one plan is enough)
        if size == "desktop":
            page.click("[data-check-all]")
            page.locator("input[name=inspectors_per_visit][value='1']").check()
            page.click("#plan-form button[type=submit]")
            page.wait_for_selector("#commitment")
            drawn = Plan.objects.get(name="浏览器里抽取的计划")
            assert page.locator("#commitment").inner_text() == drawn.seed_commitment

        page.goto(f"{live_server.url}{plan.get_absolute_url()}")
        assert page.locator("#commitment").inner_text() == plan.seed_commitment
        assert page.locator(".assignment-table tbody tr").count() == plan.assignments.count()
        screenshot(page, f"office-plan-{size}")
        assert no_horizontal_overflow(page), _overflowing(page)

        page.goto(f"{live_server.url}/inspections/")
        assert page.locator(".inspection-table tbody tr").count() == 3
        screenshot(page, f"office-inspections-{size}")
        assert no_horizontal_overflow(page), _overflowing(page)

        page.goto(f"{live_server.url}{inspection.get_absolute_url()}")
        page.wait_for_selector("#inspection-map[data-loaded]")
        assert page.locator("#inspection-map").get_attribute("data-loaded") == "2"  # the point and the start
        assert page.locator(".evidence img").count() == 1
        # Wait for the photo to have loaded. Not wait_for_function(): when its first poll is false
        # Playwright re-evaluates the predicate with eval(), which our CSP (rightly) refuses.
        expect(page.locator(".evidence img")).to_have_js_property("complete", True)
        assert page.locator(".evidence img").evaluate("img => img.naturalWidth") > 0
        screenshot(page, f"office-inspection-{size}")
        assert no_horizontal_overflow(page), _overflowing(page)

        page.goto(f"{live_server.url}/inspections/points/{insp.pts.road_point.pk}/history/")
        page.wait_for_selector(".chart svg")
        screenshot(page, f"office-point-history-{size}")
        assert no_horizontal_overflow(page), _overflowing(page)

        assert external == []
        assert problems == []  # no script errors, no CSP violations, no broken links
    finally:
        context.close()
