"""Leaders log their visits (督战) to paired units; nobody else logs, and bad input loses nothing."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from chuangcheng.core.models import AuditLog
from chuangcheng.core.tests.images import jpeg_with_gps, not_an_image, png
from chuangcheng.org.models import Visit, VisitPhoto
from chuangcheng.org.tests.factories import PairingFactory, VisitFactory

NOTES = "实地查看农贸市场周边环境卫生，要求三天内清理占道经营。"


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def _post(client, pairing, **overrides):
    data = {"pairing": pairing.pk, "visited_on": "2026-11-20", "notes": NOTES}
    data.update(overrides)
    return client.post(reverse("org:visit_create"), data)


def test_leader_logs_a_visit_with_photos_and_exif_is_stripped(world, login):
    client = login(world.people.leader)
    response = _post(client, world.pairing, photos=[jpeg_with_gps(), png()])
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == visit.get_absolute_url()
    assert (visit.leader, visit.unit, visit.recorded_by) == (
        world.people.leader,
        world.units.township,
        world.people.leader,
    )
    assert visit.visited_on == datetime.date(2026, 11, 20)
    photos = list(visit.photos.all())
    assert len(photos) == 2
    # taken-at read from EXIF before the EXIF was dropped
    assert timezone.localtime(photos[0].taken_at).strftime("%Y-%m-%d %H:%M") == "2026-11-20 09:30"
    with Image.open(photos[0].image.path) as stored:
        assert stored.format == "JPEG"
        assert len(stored.getexif()) == 0
    # stored under a random name, not the uploaded one
    assert "photo" not in photos[0].image.name
    assert (
        AuditLog.objects.filter(action="create", object_type="org.visit", object_id=str(visit.pk)).count()
        == 1
    )


def test_visit_photo_is_served_only_to_those_who_may_see_the_visit(world, login, client):
    login(world.people.leader)
    _post(client, world.pairing, photos=[png()])
    photo = VisitPhoto.objects.get()
    url = photo.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(world.people.department)
    assert client.get(url).status_code == 404
    client.force_login(world.people.outsider)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page, no bytes


def test_office_can_log_for_a_leader_in_its_area(world, login):
    response = _post(login(world.people.office), world.pairing)
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert (visit.leader, visit.recorded_by) == (world.people.leader, world.people.office)


@pytest.mark.parametrize(
    "persona", ["township", "department", "inspector", "pointleader", "oversight", "nobody"]
)
def test_units_and_inspectors_cannot_log_visits(world, login, persona):
    client = login(getattr(world.people, persona))
    assert client.get(reverse("org:visit_create")).status_code == 404
    assert _post(client, world.pairing).status_code == 404
    assert not Visit.objects.exists()


def test_leader_cannot_log_for_another_leaders_pairing(world, login):
    other = PairingFactory(
        leader=world.people.office, unit=world.units.department, started_on=datetime.date(2026, 3, 1)
    )
    response = _post(login(world.people.leader), other)
    assert response.status_code == 400
    assert "请选择" in response.context["form"].errors["pairing"][0]
    assert not Visit.objects.exists()


def test_other_county_office_cannot_log_for_this_county(world, login):
    response = _post(login(world.people.outsider), world.pairing)
    assert response.status_code == 404
    assert not Visit.objects.exists()


def test_future_date_is_refused_in_chinese_and_the_notes_are_kept(world, login):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = _post(login(world.people.leader), world.pairing, visited_on=tomorrow.isoformat())
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["visited_on"] == ["督战日期不能晚于今天。"]
    assert NOTES in response.content.decode()  # nothing typed is lost
    assert not Visit.objects.exists()


def test_malformed_date_and_empty_notes_name_their_fields(world, login):
    response = _post(login(world.people.leader), world.pairing, visited_on="2026-13-45", notes="  ")
    form = response.context["form"]
    assert set(form.errors) == {"visited_on", "notes"}
    assert form.errors["visited_on"] == ["输入一个有效的日期。"]
    assert not Visit.objects.exists()


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_saved(world, login):
    response = _post(login(world.people.leader), world.pairing, photos=[png(), not_an_image("evil.jpg")])
    assert response.status_code == 400
    assert response.context["form"].errors["photos"] == ["文件“evil.jpg”无法作为图片读取。"]
    assert not Visit.objects.exists()
    assert not VisitPhoto.objects.exists()


@override_settings(UPLOAD_MAX_BYTES=1024)
def test_oversized_photo_is_refused_with_the_limit(world, login):
    response = _post(login(world.people.leader), world.pairing, photos=[jpeg_with_gps(size=(400, 400))])
    assert response.status_code == 400
    assert response.context["form"].errors["photos"] == ["文件“photo.jpg”太大：最多允许 0 MB。"]
    assert not Visit.objects.exists()


def test_more_than_six_photos_are_refused(world, login):
    response = _post(login(world.people.leader), world.pairing, photos=[png(f"p{i}.png") for i in range(7)])
    assert response.context["form"].errors["photos"] == ["最多可以附 6 张照片。"]
    assert not Visit.objects.exists()


def test_date_outside_pairing_period_is_refused(world, login):
    response = _post(login(world.people.leader), world.pairing, visited_on="2026-02-01")
    assert response.status_code == 400
    assert response.context["form"].errors["visited_on"] == ["督战日期不在结对期内。"]


def test_unit_page_shows_the_pairing_scorecard(world, login):
    VisitFactory(pairing=world.pairing, visited_on=datetime.date(2026, 11, 2))
    VisitFactory(pairing=world.pairing, visited_on=datetime.date(2026, 10, 9))
    response = login(world.people.township).get(reverse("org:unit", args=[world.units.township.pk]))
    pairing = response.context["pairings"][0]
    assert (pairing.visits_this_year, pairing.last_visit) == (2, datetime.date(2026, 11, 2))
    assert response.context["can_log_visit"] is False


def test_visit_form_starts_with_todays_date(world, login):
    html = login(world.people.leader).get(reverse("org:visit_create")).content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in html


def test_visits_per_month_chart_counts_this_years_visits_in_scope(world, login):
    year = timezone.localdate().year
    VisitFactory(pairing=world.pairing, visited_on=datetime.date(year, 3, 4))
    VisitFactory(pairing=world.pairing, visited_on=datetime.date(year, 3, 20))
    VisitFactory(pairing=world.pairing, visited_on=datetime.date(year - 1, 3, 20))
    chart = login(world.people.office).get(reverse("org:visits")).context["chart"]
    assert chart["values"] == [0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert chart["labels"][2] == "3月"


def test_visit_list_is_scoped(world, login):
    VisitFactory(pairing=world.pairing)
    other = PairingFactory(leader=world.people.outsider, unit=world.units.other_township)
    VisitFactory(pairing=other)
    page = login(world.people.office).get(reverse("org:visits")).context["page"]
    assert [v.unit.name for v in page] == ["城关街道"]
