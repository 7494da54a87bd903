"""Evidence photos from the phone: EXIF read into fields, a stamped display copy without EXIF,
a thumbnail, HEIC converted, and the original kept for the office only."""

import datetime
import hashlib
import io
import json

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageStat

from chuangcheng.inspections.models import EvidencePhoto
from chuangcheng.inspections.photos import THUMBNAIL_EDGE
from chuangcheng.inspections.tests.conftest import new_key
from chuangcheng.inspections.tests.test_field_pages import at, one_assignment, sign_in

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=8))
BLUE = (40, 120, 200)
AFTER_EMBARGO = at(datetime.date(2027, 1, 2), 10)


@pytest.fixture(autouse=True)
def _files_in_tmp(media_in_tmp):
    """Checked files go to a throwaway folder."""


def phone_jpeg(size=(800, 600)) -> bytes:
    """A photo as a phone writes it: EXIF with the time taken and the GPS position."""
    image = Image.new("RGB", size, BLUE)
    exif = Image.Exif()
    exif[0x0110] = "TestPhone"
    exif.get_ifd(0x8769)[0x9003] = "2026:12:03 14:35:10"  # DateTimeOriginal, local time
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (30.0, 16.0, 27.0)
    gps[3], gps[4] = "E", (120.0, 9.0, 18.36)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, quality=95)
    return out.getvalue()


def heic_bytes(size=(320, 240)) -> bytes:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", size, (10, 160, 60)).save(out, format="HEIF")
    return out.getvalue()


def submit_with(world, insp, a, upload):
    rows = [
        {"item": insp.pts.item.pk, "outcome": "fail"},
        {"item": insp.scale_item.pk, "violations": 0},
        {"item": insp.plain_item.pk, "outcome": "pass"},
    ]
    with time_machine.travel(a.window_start + datetime.timedelta(minutes=40)):
        response = sign_in(a.inspector).post(
            reverse("inspections:submit"),
            {
                "client_key": str(new_key()),
                "assignment": a.pk,
                "answers": json.dumps(rows),
                f"photo_{insp.pts.item.pk}": upload,
            },
            HTTP_ACCEPT="application/json",
        )
    assert response.status_code == 201, response.content
    return EvidencePhoto.objects.select_related("inspection", "result__check_item").get()


@pytest.fixture
def photo(world, insp):
    a = one_assignment(world, insp)
    upload = SimpleUploadedFile("IMG_0001.JPG", phone_jpeg(), "image/jpeg")
    return submit_with(world, insp, a, upload)


def fetch(user, photo, variant, when=None):
    with time_machine.travel(when or photo.inspection.submitted_at + datetime.timedelta(minutes=5)):
        response = sign_in(user).get(reverse("inspections:photo", args=[photo.pk, variant]))
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""
    return response, body


def test_exif_time_and_place_become_fields(photo, insp):
    assert photo.taken_at == datetime.datetime(2026, 12, 3, 14, 35, 10, tzinfo=TZ)
    assert float(photo.latitude) == pytest.approx(30.274167, abs=1e-6)
    assert float(photo.longitude) == pytest.approx(120.1551, abs=1e-6)
    assert photo.result.check_item == insp.pts.item
    assert photo.original_sha256 == hashlib.sha256(phone_jpeg()).hexdigest()


def test_the_display_copy_has_no_exif_and_carries_the_stamp(photo, world):
    response, body = fetch(photo.inspection.inspector, photo, "display")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"Exif\x00\x00" not in body and b"TestPhone" not in body
    display = Image.open(io.BytesIO(body))
    assert not display.getexif() and "exif" not in display.info
    assert display.size == (800, 600)
    # the top of the picture is the photo as taken; the bottom band is the dark stamp
    top = ImageStat.Stat(display.crop((0, 0, 800, 300))).mean
    band = ImageStat.Stat(display.crop((0, 560, 800, 600))).mean
    assert all(abs(c - e) < 6 for c, e in zip(top, BLUE, strict=True))
    assert sum(band) < 0.75 * sum(BLUE)  # darkened, with white text on it


def test_the_thumbnail_is_small(photo):
    response, body = fetch(photo.inspection.inspector, photo, "thumb")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    thumb = Image.open(io.BytesIO(body))
    assert max(thumb.size) <= THUMBNAIL_EDGE and thumb.size == (360, 270)


def test_the_original_is_for_the_office_only(photo, world):
    response, body = fetch(world.people.office, photo, "original")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert body == phone_jpeg()  # as uploaded, EXIF and all
    response, _ = fetch(photo.inspection.inspector, photo, "original")
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["pointleader", "township", "department", "outsider", "neighbour"])
def test_nobody_outside_sees_a_covert_inspections_photo_before_the_embargo(photo, world, who):
    for variant in ("display", "thumb", "original"):
        response, _ = fetch(getattr(world.people, who), photo, variant)
        assert response.status_code == 404


def test_after_the_embargo_the_unit_sees_the_stamped_photo_but_not_the_original(photo, world):
    response, _ = fetch(world.people.pointleader, photo, "display", when=AFTER_EMBARGO)
    assert response.status_code == 200
    response, _ = fetch(world.people.pointleader, photo, "original", when=AFTER_EMBARGO)
    assert response.status_code == 403
    response, _ = fetch(world.people.department, photo, "display", when=AFTER_EMBARGO)  # not their point
    assert response.status_code == 404


def test_an_unknown_variant_is_not_found(photo, world):
    response, _ = fetch(world.people.office, photo, "full")
    assert response.status_code == 404


def test_a_heic_photo_is_accepted_and_shown_as_jpeg(world, insp):
    a = one_assignment(world, insp)
    original = heic_bytes()
    photo = submit_with(world, insp, a, SimpleUploadedFile("IMG_0002.HEIC", original, "image/heic"))
    assert photo.original.name.endswith(".heic") and photo.image.name.endswith(".jpg")
    response, body = fetch(a.inspector, photo, "display")
    assert response["Content-Type"] == "image/jpeg" and body[:2] == b"\xff\xd8"
    assert Image.open(io.BytesIO(body)).size == (320, 240)
    response, body = fetch(world.people.office, photo, "original")
    assert response["Content-Type"] == "application/octet-stream"
    assert (
        response["Content-Disposition"].startswith("attachment;")
        and ".heic" in response["Content-Disposition"]
    )
    assert body == original


def test_a_png_screenshot_is_stored_as_a_stamped_jpeg(world, insp):
    a = one_assignment(world, insp)
    out = io.BytesIO()
    Image.new("RGBA", (500, 400), (200, 30, 30, 255)).save(out, format="PNG")
    photo = submit_with(world, insp, a, SimpleUploadedFile("shot.png", out.getvalue(), "image/png"))
    response, body = fetch(a.inspector, photo, "display")
    assert response["Content-Type"] == "image/jpeg" and body[:2] == b"\xff\xd8"
    response, _ = fetch(world.people.office, photo, "original")
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
