"""The printable problem sheet in a real browser: on a desktop and on a phone it fits the
screen, shows the before and after photos, and its print button prints (no inline script)."""

import pytest

from chuangcheng.core.tests.browser import SIZES, no_horizontal_overflow, sign_in
from chuangcheng.problems.tests.test_ledger import closed_after_rework

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHOTOS_LOADED = """() => Array.from(document.querySelectorAll('.sheet-photos img'))
    .map(img => img.complete && img.naturalWidth > 0)"""


def test_problem_sheet_fits_desktop_and_phone_and_prints(
    chromium, live_server, world, prob, screenshot, media_in_tmp
):
    problem = closed_after_rework(world, prob, size=(640, 480))
    url = f"{live_server.url}/problems/{problem.pk}/sheet/"
    for name, viewport in SIZES:
        context = chromium.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
        page = context.new_page()
        # count calls instead of opening the print dialog
        page.add_init_script("window.__printed = 0; window.print = () => { window.__printed += 1; };")
        sign_in(page, live_server, "office", world.password)
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert page.get_by_text(problem.code).first.is_visible()
        assert page.get_by_text("县城管局").first.is_visible()
        assert page.evaluate(PHOTOS_LOADED) == [True, True]  # one before, the last fix after
        assert no_horizontal_overflow(page)
        screenshot(page, f"problems-sheet-{name}")
        page.get_by_role("button", name="打印").click()
        assert page.evaluate("window.__printed") == 1
        if name == "desktop":
            page.emulate_media(media="print")
            assert not page.get_by_role("button", name="打印").is_visible()
            assert not page.locator("header.topbar").is_visible()
            screenshot(page, "problems-sheet-print")
        context.close()
