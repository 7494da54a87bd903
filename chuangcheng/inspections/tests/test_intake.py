"""Submitting from the phone page: the JSON answers field.js relies on, the plain-form fallback,
retries that never double, and bad input refused with nothing saved."""

import datetime
import io
import json
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from chuangcheng.inspections.choices import AssignmentStatus, InspectionKind
from chuangcheng.inspections.models import EvidencePhoto, Inspection, ItemResult
from chuangcheng.inspections.tests.conftest import jpeg_upload, new_key
from chuangcheng.inspections.tests.test_field_pages import at, one_assignment, sign_in

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json", "HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
SUBMIT = "/inspections/submit/"


@pytest.fixture(autouse=True)
def _files_in_tmp(media_in_tmp):
    """Checked files go to a throwaway folder."""
    return media_in_tmp


def stored_files(root):
    return sorted(p.name for p in root.rglob("*") if p.is_file())


def answers(insp, *, gate_fails=False, violations=0, plain="pass"):
    return json.dumps(
        [
            {"item": insp.pts.item.pk, "outcome": "fail" if gate_fails else "pass"},
            {"item": insp.scale_item.pk, "violations": violations},
            {"item": insp.plain_item.pk, "outcome": plain, "note": "东侧入口"},
        ]
    )


def wire(a, insp, key=None, **extra):
    data = {"client_key": str(key or new_key()), "assignment": a.pk, "answers": answers(insp)}
    data.update(extra)
    return data


def in_window(a, minutes=30):
    return time_machine.travel(a.window_start + datetime.timedelta(minutes=minutes))


# --- the JSON protocol of field.js ---------------------------------------------------------------
def test_a_submission_is_created_once_and_a_retry_returns_the_same_inspection(world, insp):
    a = one_assignment(world, insp)
    key = new_key()
    with in_window(a):
        phone = sign_in(a.inspector)
        first = phone.post(
            SUBMIT,
            {
                **wire(a, insp, key, answers=answers(insp, gate_fails=True)),
                "started_at": (a.window_start + datetime.timedelta(minutes=10)).isoformat(),
                "latitude": "30.274200",
                "longitude": "120.155100",
                "accuracy": "12",
                f"photo_{insp.pts.item.pk}": jpeg_upload(),
            },
            **JSON,
        )
        # the answer was lost on the way: the phone sends everything again
        again = phone.post(
            SUBMIT,
            {
                **wire(a, insp, key, answers=answers(insp, gate_fails=True)),
                f"photo_{insp.pts.item.pk}": jpeg_upload(),
            },
            **JSON,
        )
    assert first.status_code == 201 and again.status_code == 200
    body, body_again = first.json(), again.json()
    inspection = Inspection.objects.get()
    assert body == {
        "id": inspection.pk,
        "url": reverse("inspections:detail", args=[inspection.pk]),
        "created": True,
        "score": "98.00",  # NM-01 loses 2 points…
        "passed": False,  # …and is a veto item: the point fails
    }
    assert body_again == {**body, "created": False}
    assert (
        EvidencePhoto.objects.count() == 1 and ItemResult.objects.filter(inspection=inspection).count() == 3
    )
    assert inspection.distance_m == 11 and inspection.location_accuracy_m == 12
    assert ItemResult.objects.get(check_item=insp.plain_item).note == "东侧入口"
    a.refresh_from_db()
    assert a.status == AssignmentStatus.DONE


def test_a_status_scale_count_sets_the_status_and_the_score(world, insp):
    a = one_assignment(world, insp)
    with in_window(a):
        response = sign_in(a.inspector).post(
            SUBMIT, wire(a, insp, answers=answers(insp, violations=3)), **JSON
        )
    assert response.status_code == 201 and response.json()["score"] == "93.30"
    assert ItemResult.objects.get(check_item=insp.scale_item).status == "C"


@pytest.mark.parametrize(
    ("who", "when", "status", "code"),
    [
        ("inspector2", "in", 404, "not_yours"),
        ("assignee", "before", 404, "not_yours"),  # covert: not before its window, no time named
        ("assignee", "long after", 409, "closed"),
    ],
)
def test_refusals_say_why_with_a_code(world, insp, who, when, status, code):
    a = one_assignment(world, insp)
    user = a.inspector if who == "assignee" else getattr(world.people, who)
    moment = {
        "in": a.window_start + datetime.timedelta(minutes=30),
        "before": a.window_start - datetime.timedelta(hours=3),
        "long after": a.window_end + datetime.timedelta(days=2),
    }[when]
    with time_machine.travel(moment):
        response = sign_in(user).post(SUBMIT, wire(a, insp), **JSON)
    assert response.status_code == status
    body = response.json()
    assert body["code"] == code and body["messages"] and body["error"] == body["messages"][0]
    assert not Inspection.objects.exists()


def test_a_second_different_submission_for_a_done_assignment_is_a_conflict(world, insp):
    a = one_assignment(world, insp)
    with in_window(a):
        phone = sign_in(a.inspector)
        assert phone.post(SUBMIT, wire(a, insp), **JSON).status_code == 201
        response = phone.post(SUBMIT, wire(a, insp), **JSON)
    assert response.status_code == 409 and response.json()["code"] == "done"
    assert Inspection.objects.count() == 1


def test_a_unit_cannot_submit_for_an_assignment_at_its_point(world, insp):
    a = one_assignment(world, insp)
    with in_window(a):
        response = sign_in(world.people.pointleader).post(SUBMIT, wire(a, insp), **JSON)
    assert response.status_code == 404 and response.json()["code"] == "not_yours"
    assert not Inspection.objects.exists()


def test_unanswered_items_and_a_missing_photo_are_listed(world, insp):
    a = one_assignment(world, insp)
    rows = [{"item": insp.pts.item.pk, "outcome": "fail"}]  # veto item failed, no photo; two unanswered
    with in_window(a):
        response = sign_in(a.inspector).post(SUBMIT, wire(a, insp, answers=json.dumps(rows)), **JSON)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "answers"
    text = " ".join(body["messages"])
    assert "NM-02" in text and "NM-03" in text and "NM-01" in text
    assert not Inspection.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"client_key": "not-a-uuid"}, "client_key"),
        ({"answers": "[{"}, "answers"),
        ({"answers": json.dumps({"item": 1})}, "answers"),
        ({"assignment": ""}, "assignment"),
        ({"latitude": "NaN", "longitude": "120"}, "latitude"),
        ({"latitude": "30.1"}, "latitude"),
        ({"accuracy": "-5"}, "accuracy"),
        ({"started_at": "2026-13-45T10:00:00"}, "started_at"),
        ({"coordinate_system": "bd09"}, "coordinate_system"),
    ],
)
def test_malformed_submissions_name_the_field(world, insp, change, field):
    a = one_assignment(world, insp)
    with in_window(a):
        response = sign_in(a.inspector).post(SUBMIT, {**wire(a, insp), **change}, **JSON)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Inspection.objects.exists()


def test_an_unknown_file_field_is_refused(world, insp):
    a = one_assignment(world, insp)
    with in_window(a):
        response = sign_in(a.inspector).post(SUBMIT, {**wire(a, insp), "attachment": jpeg_upload()}, **JSON)
    assert response.status_code == 400 and "attachment" in response.json()["errors"]


def test_an_assignment_id_out_of_any_range_is_not_found(world, insp):
    a = one_assignment(world, insp)
    with in_window(a):
        response = sign_in(a.inspector).post(SUBMIT, wire(a, insp, assignment=str(10**20)), **JSON)
    assert response.status_code == 404 and response.json()["code"] == "not_yours"


def test_submit_takes_only_posts(world, insp):
    response = sign_in(world.people.inspector).get(SUBMIT)
    assert response.status_code == 405


# --- bad photos: refused by content, nothing saved ----------------------------------------------------
def _noise_jpeg(size=(400, 300)):
    image = Image.effect_noise(size, 80).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=95)
    return out.getvalue()


@pytest.mark.parametrize(
    ("upload", "limit"),
    [
        (SimpleUploadedFile("text.jpg", b"this is not an image at all", "image/jpeg"), None),
        (SimpleUploadedFile("cut.jpg", _noise_jpeg()[:3000], "image/jpeg"), None),
        (SimpleUploadedFile("big.jpg", _noise_jpeg(), "image/jpeg"), 20_000),
        (SimpleUploadedFile("doc.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif"), None),
    ],
    ids=["not-an-image", "truncated", "too-large", "gif"],
)
def test_a_bad_photo_is_refused_and_nothing_is_saved(world, insp, media_in_tmp, upload, limit, settings):
    if limit:
        settings.UPLOAD_MAX_BYTES = limit
    a = one_assignment(world, insp)
    data = {
        **wire(a, insp, answers=answers(insp, gate_fails=True)),
        f"photo_{insp.pts.item.pk}": [jpeg_upload("good.jpg"), upload],
    }
    with in_window(a):
        response = sign_in(a.inspector).post(SUBMIT, data, **JSON)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == [f"photo_{insp.pts.item.pk}"]
    (message,) = errors[f"photo_{insp.pts.item.pk}"]
    assert upload.name in message  # the bad one is named; the good one beside it is not
    assert not Inspection.objects.exists() and not EvidencePhoto.objects.exists()
    assert stored_files(media_in_tmp) == []
    a.refresh_from_db()
    assert a.status == AssignmentStatus.PENDING


def test_too_many_photos_for_one_item_are_refused(world, insp, settings):
    settings.INSPECTION_MAX_PHOTOS_PER_ITEM = 2
    a = one_assignment(world, insp)
    photos = [jpeg_upload(f"p{n}.jpg") for n in range(3)]
    with in_window(a):
        response = sign_in(a.inspector).post(
            SUBMIT, {**wire(a, insp), f"photo_{insp.plain_item.pk}": photos}, **JSON
        )
    assert response.status_code == 400 and f"photo_{insp.plain_item.pk}" in response.json()["errors"]
    assert not Inspection.objects.exists()


# --- without JavaScript ------------------------------------------------------------------------------------
def plain_form(a, insp, key=None, **extra):
    data = {
        "client_key": str(key or new_key()),
        "assignment": a.pk,
        "started_at": a.window_start.isoformat(),
        f"outcome_{insp.pts.item.pk}": "pass",
        f"violations_{insp.scale_item.pk}": "3",
        f"outcome_{insp.plain_item.pk}": "fail",
        f"note_{insp.plain_item.pk}": "公益广告破损",
        "note": "下午人多",
    }
    data.update(extra)
    return data


def test_a_plain_form_post_is_accepted_and_shows_the_result(world, insp):
    a = one_assignment(world, insp)
    with in_window(a):
        response = sign_in(a.inspector).post(SUBMIT, plain_form(a, insp))
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "inspections:detail", args=[inspection.pk]
    )
    assert inspection.note == "下午人多" and inspection.score == Decimal("88.30")  # 100 − 6.70 (C) − 5
    results = {
        r.check_item.code: (r.outcome, r.status, r.note)
        for r in inspection.results.select_related("check_item")
    }
    assert results == {
        "NM-01": ("pass", "", ""),
        "NM-02": ("fail", "C", ""),
        "NM-03": ("fail", "", "公益广告破损"),
    }


def test_a_status_scale_item_may_be_not_applicable_in_the_plain_form(world, insp):
    a = one_assignment(world, insp)
    form = plain_form(a, insp, **{f"na_{insp.scale_item.pk}": "1", f"violations_{insp.scale_item.pk}": ""})
    with in_window(a):
        response = sign_in(a.inspector).post(SUBMIT, form)
    assert response.status_code == 302
    result = ItemResult.objects.get(check_item=insp.scale_item)
    assert (result.outcome, result.points_lost, result.status) == ("na", 0, "")


def test_a_refused_plain_form_comes_back_with_what_was_typed(world, insp):
    a = one_assignment(world, insp)
    key = new_key()
    form = plain_form(
        a, insp, key, **{f"outcome_{insp.pts.item.pk}": "fail", f"note_{insp.pts.item.pk}": "垃圾桶满溢"}
    )
    with in_window(a):
        response = sign_in(a.inspector).post(SUBMIT, form)
    assert response.status_code == 400 and not Inspection.objects.exists()
    html = response.content.decode()
    assert "NM-01" in " ".join(response.context["errors"])  # a photo is required
    assert f'name="outcome_{insp.pts.item.pk}" value="fail" checked' in html
    assert f'name="outcome_{insp.plain_item.pk}" value="fail" checked' in html
    assert 'value="3"' in html and "垃圾桶满溢" in html and "公益广告破损" in html and "下午人多" in html
    assert f'name="client_key" value="{key}"' in html  # a second try is still the same submission
    assert f'name="started_at" value="{a.window_start.isoformat()}"' in html


def test_a_refused_plain_form_photo_error_shows_under_its_item(world, insp):
    a = one_assignment(world, insp)
    bad = SimpleUploadedFile("x.jpg", b"nope", "image/jpeg")
    with in_window(a):
        response = sign_in(a.inspector).post(
            SUBMIT, plain_form(a, insp, **{f"photo_{insp.plain_item.pk}": bad})
        )
    assert response.status_code == 400
    rows = {row["item"].code: row["errors"] for row in response.context["rows"]}
    assert rows["NM-03"] and rows["NM-01"] == [] and response.context["errors"] == []


def test_a_point_leader_self_inspects_with_the_plain_form(world, insp):
    data = plain_form(one_assignment(world, insp), insp)
    del data["assignment"]
    data["point"] = insp.pts.gate.pk
    with time_machine.travel(at(datetime.date(2026, 12, 5), 10)):
        response = sign_in(world.people.pointleader).post(SUBMIT, data)
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert (
        inspection.kind == InspectionKind.SELF and not inspection.is_covert and inspection.assignment is None
    )


def test_the_office_submits_an_extra_inspection_as_json(world, insp):
    with time_machine.travel(at(datetime.date(2026, 12, 5), 10)):
        response = sign_in(world.people.office).post(
            SUBMIT,
            {"client_key": str(new_key()), "point": insp.pts.gate.pk, "answers": answers(insp)},
            **JSON,
        )
    assert response.status_code == 201
    inspection = Inspection.objects.get()
    assert inspection.kind == InspectionKind.EXTRA and inspection.is_covert
    assert inspection.embargo_until == datetime.date(2026, 12, 31)


def test_a_unit_cannot_inspect_another_units_point_outside_a_plan(world, insp):
    with time_machine.travel(at(datetime.date(2026, 12, 5), 10)):
        response = sign_in(world.people.township).post(
            SUBMIT, {"client_key": str(new_key()), "point": insp.pts.road_point.pk, "answers": "[]"}, **JSON
        )
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    with time_machine.travel(at(datetime.date(2026, 12, 5), 10)):
        response = sign_in(world.people.township).post(
            SUBMIT, {"client_key": str(new_key()), "point": insp.pts.road_point.pk, "answers": "[]"}
        )
    assert response.status_code == 403  # the plain form is refused the same way
    assert not Inspection.objects.exists()
