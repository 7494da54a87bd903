"""Helpers shared by the browser tests (Playwright driving Debian's chromium; fixtures
``chromium`` and ``screenshot`` are in the root conftest.py)."""

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
SIZES = [("desktop", DESKTOP), ("phone", PHONE)]


def sign_in(page, live_server, username, password):
    """Sign in through the real login form (Chinese labels), landing on the workbench."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
