"""A resident reports a problem (随手拍), follows it by its code, sees the after-photo and says
whether it is really fixed; QR reports, duplicates nearby, and every refusal."""

import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from chuangcheng.citizens import actions
from chuangcheng.citizens.choices import Channel, Feedback
from chuangcheng.citizens.models import Report
from chuangcheng.citizens.tests.conftest import (
    INSIDE_EAST,
    INSIDE_WEST,
    OUTSIDE,
    at,
    jpeg,
    key,
    photo_with_gps,
)
from chuangcheng.problems.choices import Action, PhotoKind, ProblemSource, ProblemStatus
from chuangcheng.problems.models import Problem, ProblemPhoto
from chuangcheng.problems.tests.conftest import step

pytestmark = pytest.mark.django_db
MORNING = at(datetime.date(2026, 11, 18), 10)


def post(client, cit, *, category=None, where=INSIDE_WEST, photos=None, url=None, **fields):
    data = {
        "client_key": fields.pop("client_key", None) or key(),
        "category": (category or cit.prob.litter).pk,
        "latitude": "" if where is None else where[0],
        "longitude": "" if where is None else where[1],
        "description": "路边垃圾堆了三天",
        **fields,
    }
    if photos is None:
        photos = [photo_with_gps()]
    data["photos"] = photos
    with time_machine.travel(MORNING, tick=False):
        return client.post(url or reverse("citizens:report"), data)


def test_a_resident_reports_with_a_photo_and_follows_it_to_the_after_photo(client, cit):
    page = client.get(reverse("citizens:report"))
    assert page.status_code == 200 and "暴露垃圾" in page.content.decode() and "cc_device" in page.cookies
    response = post(client, cit, phone="13812345678")
    assert response.status_code == 302
    report = Report.objects.get()
    assert response["Location"] == f"/report/track/{report.code}/?new=1"
    problem = report.problem
    # a problem of the workflow: from a citizen, routed to the category's unit, with its time limit
    assert (problem.source, problem.status, problem.responsible_unit) == (
        ProblemSource.CITIZEN,
        ProblemStatus.ASSIGNED,
        cit.units.department,
    )
    assert problem.deadline == at(datetime.date(2026, 11, 18), 16)  # 4 working hours (lunch excluded)
    assert problem.township == cit.units.township  # the street whose outline holds the place
    assert problem.reported_by is None and problem.events.get().actor is None
    # the photo is kept without the GPS and time it carried
    stored = ProblemPhoto.objects.get(problem=problem, kind=PhotoKind.BEFORE)
    with Image.open(stored.image) as image:
        assert not image.getexif()
    # the unit hears of it
    assert cit.people.department.notifications.filter(kind="problem.assigned").exists()

    status = client.get(response["Location"]).content.decode()
    assert report.code in status and "正在处置" in status and "县城管局" in status
    assert "13812345678" not in status

    # the unit fixes it, the office closes it: the resident sees the after-photo and answers
    step(problem, Action.ACCEPT, cit.people.department, now=at(datetime.date(2026, 11, 18), 11))
    step(
        problem,
        Action.SUBMIT,
        cit.people.department,
        photos=[jpeg()],
        now=at(datetime.date(2026, 11, 18), 12),
    )
    step(problem, Action.APPROVE, cit.people.office, now=at(datetime.date(2026, 11, 18), 15))
    status = client.get(reverse("citizens:track", args=[report.code]))
    html = status.content.decode()
    after = ProblemPhoto.objects.get(problem=problem, kind=PhotoKind.AFTER)
    photo_url = reverse("citizens:track_photo", args=[report.code, after.pk, "thumb"])
    assert "已办结" in html and photo_url in html and "真的解决了吗" in html
    assert client.get(photo_url)["Content-Type"] == "image/jpeg"
    # only the after-photos of this report's problem are served
    assert (
        client.get(reverse("citizens:track_photo", args=[report.code, stored.pk, "thumb"])).status_code == 404
    )


def test_not_fixed_sends_it_back_to_the_office_instead_of_vanishing(client, cit):
    post(client, cit)
    report = Report.objects.get()
    problem = report.problem
    with pytest.raises(actions.ReportError) as early:
        actions.answer(report.code, False)
    assert early.value.code == "state"  # not closed yet
    step(problem, Action.ACCEPT, cit.people.department)
    step(problem, Action.SUBMIT, cit.people.department, photos=[jpeg()])
    step(problem, Action.APPROVE, cit.people.office)
    response = client.post(
        reverse("citizens:track", args=[report.code]), {"fixed": "0", "note": "还是有垃圾"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.feedback == Feedback.NOT_FIXED and report.followup is not None
    followup = report.followup
    assert (followup.status, followup.source, followup.category) == (
        ProblemStatus.REGISTERED,
        ProblemSource.CITIZEN,
        cit.prob.litter,
    )
    assert problem.code in followup.source_detail and followup.description == "还是有垃圾"
    again = client.post(reverse("citizens:track", args=[report.code]), {"fixed": "1"})
    assert again.status_code == 409 and "已经回复" in again.content.decode()
    assert Problem.objects.filter(source=ProblemSource.CITIZEN).count() == 2


def test_a_points_qr_code_opens_the_form_with_the_point_filled_in(client, cit):
    road = cit.prob.pts.road_point
    url = road.public_report_path
    assert url == f"/report/point/{road.public_id}/"
    page = client.get(url).content.decode()
    assert road.name in page and 'id="report-map"' not in page
    response = post(client, cit, category=cit.prob.shack, where=None, url=url)
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.channel, report.point, report.problem.point) == (Channel.QR, road, road)
    # the point's unit answers for it; the point's place is used
    assert report.problem.responsible_unit == road.responsible_unit
    assert (report.latitude, report.longitude) == (road.latitude, road.longitude)


def test_a_report_with_no_unit_for_its_kind_goes_to_the_street_of_the_place(client, cit):
    post(client, cit, category=cit.prob.shack, where=INSIDE_EAST)
    problem = Report.objects.get().problem
    assert problem.responsible_unit == cit.units.township2 == problem.township


def test_the_resident_is_shown_open_problems_nearby_and_can_join_one(client, cit):
    post(client, cit, where=(30.28, 120.10))
    first = Report.objects.get()
    fragment = client.get(
        reverse("citizens:nearby"),
        {"area": cit.units.county.pk, "category": cit.prob.litter.pk, "lat": 30.2815, "lng": 120.10},
    ).content.decode()
    assert first.problem.title in fragment and f'value="{first.problem.pk}"' in fragment
    far = client.get(
        reverse("citizens:nearby"),
        {
            "area": cit.units.county.pk,
            "category": cit.prob.litter.pk,
            "lat": 30.30,
            "lng": 120.10,
            "format": "json",
        },
    ).json()
    assert far == {"results": []}  # 2 km away: beyond the 250 m radius
    other_kind = actions.nearby(cit.units.county, cit.prob.shack, 30.2815, 120.10)
    assert other_kind == []
    response = post(client, cit, where=(30.2815, 120.10), join=first.problem.pk, photos=[])
    assert response.status_code == 302
    joined = Report.objects.exclude(pk=first.pk).get()
    assert joined.joined and joined.problem == first.problem
    assert Problem.objects.count() == 1
    html = client.get(reverse("citizens:track", args=[joined.code])).content.decode()
    assert "反映次数" in html and ">2<" in html
    assert actions.nearby(cit.units.county, cit.prob.litter, 30.2815, 120.10)[0].reports == 2


def test_covert_findings_under_embargo_are_never_offered_nearby(client, cit):
    post(client, cit)
    problem = Report.objects.get().problem
    Problem.objects.filter(pk=problem.pk).update(embargo_until=datetime.date(2026, 11, 30))
    with time_machine.travel(MORNING, tick=False):
        assert actions.nearby(cit.units.county, cit.prob.litter, *INSIDE_WEST) == []
        with pytest.raises(actions.ReportError) as refused:
            actions.submit(
                actions.ReportData(
                    area=cit.units.county, client_key=key(), category=cit.prob.litter, join=problem.pk,
                    latitude=INSIDE_WEST[0], longitude=INSIDE_WEST[1],
                )
            )  # fmt: skip
    assert refused.value.field == "join"


def test_a_retried_submission_makes_one_report_and_a_reused_key_is_refused(client, cit):
    same = key()
    first = post(client, cit, client_key=same, photos=[jpeg("a.jpg")])
    again = post(client, cit, client_key=same, photos=[jpeg("a.jpg")])
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    assert Report.objects.count() == Problem.objects.count() == 1
    other = post(client, cit, client_key=same, description="另一件事", photos=[jpeg("a.jpg")])
    assert other.status_code == 422 and "已用于另一条反映" in other.content.decode()
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"photos": []}, "photos", "请附上问题照片"),
        ({"where": OUTSIDE}, "latitude", "不在示范县"),
        ({"where": None}, "latitude", "请在地图上标出位置或填写地址"),
        ({"latitude": "abc", "longitude": "120.1"}, "latitude", ""),
        ({"phone": "12345"}, "phone", "11 位手机号"),
        ({"description": "长" * 1001}, "description", ""),
        ({"photos": [jpeg(f"{n}.jpg") for n in range(5)]}, "photos", "最多 4 张"),
        (
            {
                "photos": [
                    SimpleUploadedFile("x.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
                ]
            },
            "photos",
            "",
        ),
    ],
)
def test_bad_reports_get_a_clear_message_and_nothing_is_kept(client, cit, change, field, message):
    change = dict(change)
    where = change.pop("where", INSIDE_WEST)
    response = post(client, cit, where=where, **change)
    assert response.status_code in (400, 422)
    html = response.content.decode()
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert message in html
    assert not Report.objects.exists() and not Problem.objects.exists()


def test_a_photo_over_the_size_limit_is_refused(client, cit, settings):
    settings.UPLOAD_MAX_BYTES = 50_000
    out = io.BytesIO()
    Image.effect_noise((600, 600), 100).convert("RGB").save(out, format="PNG")
    big = SimpleUploadedFile("big.png", out.getvalue(), content_type="image/png")
    assert big.size > 50_000
    response = post(client, cit, photos=[big])
    assert response.status_code == 400 and response.context["form"].errors.get("photos")
    assert not Report.objects.exists()


def test_text_from_residents_is_never_rendered_as_html(client, cit):
    post(client, cit, description="<script>alert('x')</script>")
    report = Report.objects.get()
    client.force_login(cit.people.office)
    detail = client.get(report.problem.get_absolute_url()).content.decode()
    assert "<script>alert('x')</script>" not in detail and "&lt;script&gt;" in detail
    track = client.get(reverse("citizens:track", args=[report.code])).content.decode()
    assert "<script>alert" not in track


def test_too_many_reports_from_one_phone_or_network_are_slowed_down(client, cit, settings):
    settings.CITIZEN_RATE_LIMITS = [(3600, 2)]
    assert post(client, cit).status_code == 302
    assert post(client, cit).status_code == 302
    third = post(client, cit)
    assert third.status_code == 429 and "提交过于频繁" in third.content.decode()
    assert Report.objects.count() == 2
    # another network and another phone are not held back
    other = post(client.__class__(REMOTE_ADDR="10.9.9.9"), cit)
    assert other.status_code == 302


def test_an_unknown_tracking_code_says_so(client, cit):
    response = client.get(reverse("citizens:track_lookup"), {"code": "ZZZZ2222"})
    assert response.status_code == 404 and "没有找到" in response.content.decode()
    assert client.get("/report/track/NOPE/").status_code == 404
    post(client, cit)
    code = Report.objects.get().code
    found = client.get(reverse("citizens:track_lookup"), {"code": code.lower()})
    assert found.status_code == 302 and found["Location"] == f"/report/track/{code}/"


def test_the_office_merges_a_duplicate_into_the_original_it_names(client, cit):
    post(client, cit, where=(30.28, 120.10))
    post(client, cit, where=(30.30, 120.12))  # far enough not to be offered: reported as new
    first, second = Report.objects.order_by("created_at", "pk")
    original, duplicate = first.problem, second.problem
    assert original != duplicate
    client.force_login(cit.people.department)
    refused = client.post(reverse("citizens_office:merge", args=[duplicate.pk]), {"original": original.code})
    assert refused.status_code == 403
    client.force_login(cit.people.office)
    page = client.get(reverse("problems:detail", args=[duplicate.pk])).content.decode()
    assert "合并" in page
    bad = client.post(
        reverse("citizens_office:merge", args=[duplicate.pk]), {"original": "NOPE"}, follow=True
    )
    assert "没有编号为 NOPE 的问题" in bad.content.decode()
    itself = client.post(
        reverse("citizens_office:merge", args=[duplicate.pk]), {"original": duplicate.code}, follow=True
    )
    assert "不能合并到自身" in itself.content.decode()
    done = client.post(
        reverse("citizens_office:merge", args=[duplicate.pk]), {"original": original.code.lower()}
    )
    assert done.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == original and duplicate.status == ProblemStatus.REJECTED
    assert original.code in duplicate.events.get(action=Action.REJECT).note
    # the second resident now follows the original, which counts both reports
    status = client.get(reverse("citizens:track", args=[second.code])).content.decode()
    assert original.title in status and ">2<" in status
    assert actions.report_count(original) == 2
    again = client.post(
        reverse("citizens_office:merge", args=[duplicate.pk]), {"original": original.code}, follow=True
    )
    assert "已经办结或已合并" in again.content.decode()
