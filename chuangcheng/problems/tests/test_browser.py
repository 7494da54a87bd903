"""On a phone, a unit accepts its problem from the inbox and submits the fix with a photo."""

import io

import pytest
from PIL import Image

from chuangcheng.core.tests.browser import PHONE, no_horizontal_overflow, sign_in
from chuangcheng.problems.choices import ProblemStatus
from chuangcheng.problems.models import Problem
from chuangcheng.problems.tests.conftest import new_problem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_unit_accepts_and_submits_a_fix_from_a_phone(
    chromium, live_server, world, prob, screenshot, media_in_tmp, tmp_path
):
    problem = new_problem(world, unit=world.units.department, category=prob.litter, title="人民路暴露垃圾")
    photo = tmp_path / "fix.jpg"
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (40, 150, 60)).save(out, format="JPEG")
    photo.write_bytes(out.getvalue())

    context = chromium.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    sign_in(page, live_server, "department", world.password)
    page.goto(f"{live_server.url}/problems/inbox/")
    assert page.get_by_text("人民路暴露垃圾").is_visible()
    assert no_horizontal_overflow(page)
    screenshot(page, "problems-inbox-phone")
    page.get_by_role("button", name="签收").click()
    page.wait_for_url(f"{live_server.url}/problems/inbox/")
    page.get_by_role("link", name="提交整改").click()
    page.get_by_label("整改情况").fill("已清理干净")
    page.set_input_files("input[type=file]", str(photo))
    assert no_horizontal_overflow(page)
    page.get_by_role("button", name="提交整改").click()
    page.wait_for_url(f"{live_server.url}/problems/{problem.pk}/")
    assert no_horizontal_overflow(page)
    screenshot(page, "problems-detail-phone")
    context.close()
    problem = Problem.objects.get(pk=problem.pk)
    assert problem.status == ProblemStatus.SUBMITTED
    assert problem.photos.filter(kind="after").count() == 1
