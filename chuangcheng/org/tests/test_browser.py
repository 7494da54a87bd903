"""A real Chromium signs in as the campaign office and opens the org tree, on a desktop and a phone."""

import pytest

from chuangcheng.core.tests.browser import DESKTOP, PHONE, no_horizontal_overflow, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("size", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_office_signs_in_and_opens_the_org_tree(chromium, live_server, world, screenshot, size, viewport):
    context = chromium.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    external = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(live_server.url) else None)
    try:
        sign_in(page, live_server, "office", world.password)
        assert page.get_by_role("heading", level=1).inner_text() == "您好，办公室干部"
        if size == "phone":
            nav_link = page.get_by_role("link", name="组织架构")
            assert not nav_link.is_visible()  # folded into the menu button
            page.get_by_text("菜单").click()
        page.get_by_role("navigation", name="主导航").get_by_role("link", name="组织架构").click()
        page.wait_for_url(f"{live_server.url}/org/")
        assert page.get_by_role("heading", level=1).inner_text() == "组织架构"
        tree = page.locator("ul.tree")
        for name in ("示范县", "县四城同创办", "城关街道", "县城管局"):
            assert tree.get_by_role("link", name=name, exact=True).count() == 1
        assert tree.get_by_text("东岭县").count() == 0
        assert no_horizontal_overflow(page)
        screenshot(page, f"org-tree-{size}")
        page.get_by_role("link", name="城关街道", exact=True).click()
        assert page.get_by_role("heading", level=1).inner_text().startswith("城关街道")
        assert no_horizontal_overflow(page)
        screenshot(page, f"org-unit-{size}")
        assert external == []  # no page refers to another host
    finally:
        context.close()


def test_wrong_password_shows_a_chinese_error_on_a_phone(chromium, live_server, world, screenshot):
    context = chromium.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill("office")
        page.get_by_label("密码").fill("not-the-password")
        page.get_by_role("button", name="登录").click()
        assert "请输入一个正确的用户名和密码" in page.get_by_role("alert").inner_text()
        assert page.get_by_label("用户名").input_value() == "office"  # what was typed is kept
        assert no_horizontal_overflow(page)
        screenshot(page, "login-error-phone")
    finally:
        context.close()
