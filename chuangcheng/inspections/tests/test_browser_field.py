"""A real Chromium at phone size: take an assignment, fill the checklist with a photo, lose the
connection, reload, get it back — and end with exactly one inspection."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from PIL import Image

from chuangcheng.core.tests.browser import DESKTOP, PHONE, no_horizontal_overflow, sign_in
from chuangcheng.inspections import actions
from chuangcheng.inspections.models import EvidencePhoto, Inspection, ItemResult
from chuangcheng.inspections.tests.conftest import answers_all_pass, new_key
from chuangcheng.inspections.tests.test_field_pages import one_assignment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEAR_THE_MARKET = {"latitude": 30.2742, "longitude": 120.1551, "accuracy": 15}
FAR_FROM_THE_MARKET = {"latitude": 30.2841, "longitude": 120.1551, "accuracy": 15}  # 1.1 km north


def _watch(page, live_server):
    """Collect what must not happen: requests off the server, script errors, CSP violations."""
    seen = {"external": [], "problems": []}
    page.on(
        "request",
        lambda r: (
            seen["external"].append(r.url) if not r.url.startswith((live_server.url, "blob:")) else None
        ),
    )

    def console(message):
        text = message.text
        if message.type != "error" or message.location.get("url", "").endswith("/favicon.ico"):
            return
        if "net::ERR_" in text or "Failed to load resource" in text:  # the connection we cut on purpose
            return
        seen["problems"].append(text)

    page.on("console", console)
    page.on("pageerror", lambda e: seen["problems"].append(str(e)))
    return seen


def _photo_file(tmp_path):
    path = tmp_path / "market.jpg"
    Image.new("RGB", (640, 480), (90, 140, 60)).save(path, format="JPEG")
    return path


def _open_context(chromium, viewport, where=NEAR_THE_MARKET):
    return chromium.new_context(
        viewport=viewport,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        geolocation=where,
        permissions=["geolocation"],
    )


def test_a_flaky_connection_loses_nothing_and_makes_one_inspection(
    chromium, live_server, world, insp, tmp_path, screenshot
):
    a = one_assignment(world, insp)
    fail_item, scale_item, plain_item = insp.pts.item, insp.scale_item, insp.plain_item
    context = _open_context(chromium, PHONE)
    page = context.new_page()
    seen = _watch(page, live_server)
    try:
        with time_machine.travel(a.window_start + datetime.timedelta(minutes=30), tick=True):
            sign_in(page, live_server, a.inspector.username, world.password)
            page.goto(f"{live_server.url}/inspections/mine/")
            page.locator(f'a[href="/inspections/assignments/{a.pk}/inspect/"]').click()
            page.wait_for_selector('#field-location-text[data-state="located"]')
            assert page.locator("#field-far").is_hidden()  # 11 m away: no warning
            assert no_horizontal_overflow(page)

            # answer every item: the veto item fails (a photo is then required), 2 violations → B
            page.locator(f"#item-{fail_item.pk} .choice-fail").click()
            assert page.locator(f"#item-{fail_item.pk} [data-photo-required]").is_visible()
            plus = page.locator(f"#item-{scale_item.pk} .counter-button[data-step='1']")
            plus.click()
            plus.click()
            assert page.locator(f"#item-{scale_item.pk} [data-status]").inner_text() == "B"
            page.locator(f"#item-{plain_item.pk} .choice-pass").click()
            page.locator(f"#note_{fail_item.pk}").fill("入口垃圾桶满溢")
            page.locator(f"#photo_{fail_item.pk}").set_input_files(str(_photo_file(tmp_path)))
            page.wait_for_selector(f"#item-{fail_item.pk} .photo-chip img")
            assert page.locator(f"#item-{fail_item.pk} [data-photo-required]").is_hidden()
            # live score: 100 − 2 (NM-01) − 3.4 (B keeps 66 % of 10)
            assert "94.6" in page.locator("#field-score").inner_text()
            screenshot(page, "inspect-filled-phone")

            # the connection drops as the inspector submits
            context.set_offline(True)
            page.locator("#field-submit").click()
            page.wait_for_selector('#field-status[data-state="retrying"]')
            assert not Inspection.objects.exists()

            # the network is back for pages, but uploads still fail; the inspector reloads
            context.route("**/inspections/submit/", lambda route: route.abort("internetdisconnected"))
            context.set_offline(False)
            page.reload()
            page.wait_for_selector(f"#item-{fail_item.pk} .photo-chip img")
            assert page.locator(f"#item-{fail_item.pk} .choice-fail input").is_checked()
            assert page.locator(f"#violations_{scale_item.pk}").input_value() == "2"
            assert page.locator(f"#item-{plain_item.pk} .choice-pass input").is_checked()
            assert page.locator(f"#note_{fail_item.pk}").input_value() == "入口垃圾桶满溢"
            page.wait_for_selector('#field-status[data-state="retrying"]')  # it carries on by itself

            # the next upload reaches the server but its answer is lost: the retry after it
            # must get the same inspection back, not a second one
            context.unroute("**/inspections/submit/")
            answered = []

            def lose_the_first_answer(route):
                if not answered:
                    answered.append(route.fetch().status)
                    route.abort("connectionreset")
                else:
                    route.continue_()

            context.route("**/inspections/submit/", lose_the_first_answer)
            page.wait_for_selector("#field-done:not([hidden])", timeout=60_000)
            assert page.locator("#field-status").get_attribute("data-state") == "submitted"
            assert answered == [201]
            assert page.locator("#field-form").is_hidden()

        inspection = Inspection.objects.get()
        assert (
            inspection.assignment_id == a.pk
            and inspection.score == Decimal("94.60")
            and not inspection.passed
        )
        assert EvidencePhoto.objects.filter(inspection=inspection).count() == 1
        assert ItemResult.objects.get(inspection=inspection, check_item=fail_item).note == "入口垃圾桶满溢"
        assert ItemResult.objects.get(inspection=inspection, check_item=scale_item).violations == 2
        assert inspection.location_accuracy_m == 15 and inspection.distance_m == 11
        # nothing is left on the phone
        key = f"cc-field:{a.inspector.pk}:a{a.pk}"
        assert page.evaluate("k => localStorage.getItem(k)", key) is None
        left = page.evaluate(
            """k => new Promise(resolve => {
                 const open = indexedDB.open("cc-field");
                 open.onsuccess = () => {
                   const store = open.result.transaction("photos").objectStore("photos");
                   const req = store.index("draft").count(k);
                   req.onsuccess = () => resolve(req.result);
                 };
               })""",
            key,
        )
        assert left == 0
        assert seen["external"] == [] and seen["problems"] == []
    finally:
        context.close()


def test_far_from_the_point_the_inspector_is_warned_with_the_distance(chromium, live_server, world, insp):
    a = one_assignment(world, insp)
    context = _open_context(chromium, PHONE, where=FAR_FROM_THE_MARKET)
    page = context.new_page()
    seen = _watch(page, live_server)
    try:
        with time_machine.travel(a.window_start + datetime.timedelta(minutes=30), tick=True):
            sign_in(page, live_server, a.inspector.username, world.password)
            page.goto(f"{live_server.url}/inspections/assignments/{a.pk}/inspect/")
            page.wait_for_selector("#field-far:not([hidden])")
            assert page.locator("#field-far").get_attribute("data-distance") == "1112"
            assert "1112" in page.locator("#field-far").inner_text()
        assert seen["problems"] == []
    finally:
        context.close()


@pytest.mark.parametrize(("size", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_my_assignments_and_the_checklist_fit_the_screen(
    chromium, live_server, world, insp, screenshot, size, viewport
):
    due = one_assignment(world, insp, part="morning")
    one_assignment(world, insp, part="evening")  # covert, later today: counted only
    done = one_assignment(world, insp, day=datetime.date(2026, 12, 2), part="afternoon")
    with time_machine.travel(done.window_start + datetime.timedelta(minutes=20)):
        answers = answers_all_pass([insp.pts.item, insp.scale_item, insp.plain_item])
        actions.submit(done.inspector, actions.Submission(new_key(), answers, assignment_id=done.pk))
    context = _open_context(chromium, viewport)
    page = context.new_page()
    seen = _watch(page, live_server)
    try:
        with time_machine.travel(due.window_start + datetime.timedelta(minutes=30), tick=True):
            sign_in(page, live_server, due.inspector.username, world.password)
            page.goto(f"{live_server.url}/inspections/mine/")
            assert page.locator(".task-card").count() == 1
            assert (
                page.locator(".hidden-later").count() == 1
                and "19:00" in page.locator(".hidden-later").inner_text()
            )
            assert no_horizontal_overflow(page)
            screenshot(page, f"inspections-mine-{size}")

            page.goto(f"{live_server.url}/inspections/assignments/{due.pk}/inspect/")
            page.wait_for_selector('#field-location-text[data-state="located"]')
            assert no_horizontal_overflow(page)
            heights = page.evaluate(
                "Array.from(document.querySelectorAll('.choice span, .counter-button, #field-submit'))"
                ".map(e => e.getBoundingClientRect().height)"
            )
            assert heights and min(heights) >= 44  # one thumb
            screenshot(page, f"inspections-checklist-{size}")
        assert seen["external"] == [] and seen["problems"] == []
    finally:
        context.close()


def test_without_javascript_the_plain_form_still_submits(chromium, live_server, world, insp, tmp_path):
    a = one_assignment(world, insp)
    fail_item, scale_item, plain_item = insp.pts.item, insp.scale_item, insp.plain_item
    context = chromium.new_context(
        viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", java_script_enabled=False
    )
    page = context.new_page()
    try:
        with time_machine.travel(a.window_start + datetime.timedelta(minutes=30), tick=True):
            sign_in(page, live_server, a.inspector.username, world.password)
            page.goto(f"{live_server.url}/inspections/assignments/{a.pk}/inspect/")
            assert page.locator(f"#photo_{fail_item.pk}").is_visible()  # the native file input
            page.locator(f"#item-{fail_item.pk} .choice-fail").click()
            page.locator(f"#violations_{scale_item.pk}").fill("3")
            # forgot the third item and the photo: refused, what was typed comes back
            page.locator("#field-submit").click()
            page.wait_for_selector("#field-errors:not([hidden])")
            assert "NM-03" in page.locator("#field-errors").inner_text()
            assert page.locator(f"#item-{fail_item.pk} .choice-fail input").is_checked()
            assert page.locator(f"#violations_{scale_item.pk}").input_value() == "3"
            page.locator(f"#item-{plain_item.pk} .choice-na").click()
            page.locator(f"#photo_{fail_item.pk}").set_input_files(str(_photo_file(tmp_path)))
            page.locator("#field-submit").click()
            page.wait_for_url(f"{live_server.url}/inspections/*/")
        inspection = Inspection.objects.get()
        assert page.url == f"{live_server.url}/inspections/{inspection.pk}/"
        assert inspection.score == Decimal("91.30") and not inspection.passed  # veto item failed
        assert EvidencePhoto.objects.filter(inspection=inspection, result__check_item=fail_item).count() == 1
    finally:
        context.close()
