"""From a phone-sized browser a resident reports a problem with a photo (a tap on the map marks
the place), gets a tracking code, and later sees it closed with the after-photo; the form reads
on a desk screen too."""

import io
import re

import pytest
from PIL import Image

from chuangcheng.citizens.models import Report
from chuangcheng.core.tests.browser import DESKTOP, PHONE, no_horizontal_overflow
from chuangcheng.problems.choices import Action, ProblemStatus
from chuangcheng.problems.tests.conftest import jpeg, step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def photo_file(tmp_path):
    path = tmp_path / "scene.jpg"
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (120, 130, 90)).save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    return path


def test_a_resident_reports_from_a_phone_and_sees_it_closed(chromium, live_server, cit, screenshot, tmp_path):
    context = chromium.new_context(
        viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", has_touch=True, is_mobile=True
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/report/")
    assert page.get_by_role("heading", name=re.compile("随手拍")).is_visible()
    page.select_option("select[name=category]", label="暴露垃圾")
    page.set_input_files("input[name=photos]", str(photo_file(tmp_path)))
    # a tap in the middle of the map: inside 示范县's outline, which the map fits
    box = page.locator("#report-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] / 2)
    assert page.input_value("#id_latitude") and page.input_value("#id_longitude")
    page.fill("textarea[name=description]", "人行道上垃圾堆积")
    page.fill("input[name=phone]", "13812345678")
    assert no_horizontal_overflow(page)
    screenshot(page, "citizens-report-phone")
    page.get_by_role("button", name="提交反映").click()
    page.wait_for_url(re.compile(r".*/report/track/[A-Z0-9]+/\?new=1$"))
    report = Report.objects.get()
    assert page.locator(".track-code .code").inner_text() == report.code
    assert page.get_by_text("正在处置").is_visible()
    assert no_horizontal_overflow(page)
    screenshot(page, "citizens-track-phone")

    problem = report.problem
    step(problem, Action.ACCEPT, cit.people.department)
    step(problem, Action.SUBMIT, cit.people.department, photos=[jpeg()])
    step(problem, Action.APPROVE, cit.people.office)
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSED
    page.reload()
    assert page.get_by_text("已办结").is_visible()
    assert page.locator(".photos img").count() == 1
    page.get_by_label("没有解决").check()
    page.get_by_role("button", name="提交回复").click()
    page.wait_for_selector("text=创城办将重新核查")
    assert no_horizontal_overflow(page)
    screenshot(page, "citizens-track-closed-phone")
    report.refresh_from_db()
    assert report.followup is not None

    context.close()
    desk_context = chromium.new_context(viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai")
    desk = desk_context.new_page()
    desk.goto(f"{live_server.url}/report/point/{cit.prob.pts.road_point.public_id}/")
    assert desk.get_by_text("人民路").first.is_visible()
    assert no_horizontal_overflow(desk)
    screenshot(desk, "citizens-report-qr-desktop")
    desk_context.close()
