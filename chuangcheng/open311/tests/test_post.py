"""POST requests.{fmt}: a civic client files a resident's report through the same action as
the web form — and every way a request can be refused, each in the spec's error format."""

import datetime
import hashlib
from urllib.parse import urlencode

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from chuangcheng.citizens.choices import Channel
from chuangcheng.citizens.models import Report, device_hash
from chuangcheng.open311.tests.conftest import BASE, INSIDE, OUTSIDE, create, parse, xml_rows
from chuangcheng.problems.choices import PhotoKind, ProblemSource, ProblemStatus
from chuangcheng.problems.models import Problem
from chuangcheng.problems.tests.conftest import WEDNESDAY, jpeg
from chuangcheng.problems.tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def error_of(response):
    rows = parse(response)
    assert len(rows) == 1 and rows[0]["code"] == response.status_code
    return rows[0]["description"]


@time_machine.travel(WEDNESDAY, tick=False)  # 10:00 Beijing time is 02:00 UTC
def test_a_report_with_a_photo_is_created_and_read_back_in_json_and_xml(client, o311):
    response = create(client, o311, photos=[jpeg("scene.jpg")], phone="+86 138 1234 5678")
    assert response.status_code == 201
    [row] = parse(response)
    report = Report.objects.get()
    assert row == {"service_request_id": report.code, "service_notice": "", "account_id": None}
    # the same report the web form makes: a citizen problem routed to the category's unit
    problem = report.problem
    assert (report.channel, report.device, report.phone, report.description) == (
        Channel.OPEN311,
        device_hash("phone-1"),
        "13812345678",
        "路边垃圾堆了三天",
    )
    assert (problem.source, problem.status, problem.responsible_unit) == (
        ProblemSource.CITIZEN,
        ProblemStatus.ASSIGNED,
        o311.units.department,
    )
    photo = problem.photos.get(kind=PhotoKind.BEFORE)

    [read] = parse(client.get(f"{BASE}/requests/{report.code}.json"))
    assert read == {
        "service_request_id": report.code,
        "status": "open",
        "status_notes": "已派发给责任单位。",
        "service_name": "暴露垃圾",
        "service_code": "SR-01",
        "description": "路边垃圾堆了三天",
        "agency_responsible": "县城管局",
        "service_notice": "",
        "requested_datetime": "2026-11-18T02:00:00Z",
        "updated_datetime": "2026-11-18T02:00:00Z",
        "expected_datetime": "2026-11-18T08:00:00Z",  # 4 working hours over the lunch break: 16:00
        "address": "",
        "address_id": "",
        "zipcode": "",
        "lat": 30.28,
        "long": 120.1,
        "media_url": f"http://testserver/open311/v2/media/{photo.pk}",
    }
    image = client.get(read["media_url"])
    assert image.status_code == 200
    assert image["Content-Type"] == "image/jpeg"
    assert image["X-Content-Type-Options"] == "nosniff"

    root = parse(client.get(f"{BASE}/requests/{report.code}.xml"))
    assert root.tag == "service_requests"
    [xml_row] = xml_rows(root, "request")
    assert xml_row["service_request_id"] == report.code
    assert xml_row["status"] == "open"
    assert xml_row["lat"] == "30.28" and xml_row["long"] == "120.1"
    assert xml_row["media_url"] == read["media_url"]
    assert xml_row["requested_datetime"] == read["requested_datetime"]


def test_the_xml_response_to_a_post(client, o311):
    response = create(client, o311, fmt="xml")
    assert response.status_code == 201
    root = parse(response)
    assert root.tag == "service_requests"
    assert xml_rows(root, "request") == [
        {"service_request_id": Report.objects.get().code, "service_notice": "", "account_id": ""}
    ]


def test_a_form_encoded_post_with_an_address_and_no_photo(client, o311):
    CategoryFactory(
        area=o311.units.county, parent=o311.prob.big, code="SR-03", name="占道经营", needs_photo=False
    )
    body = urlencode(
        {
            "api_key": o311.raw_key,
            "service_code": "SR-03",
            "address_string": "人民路12号",
            "description": "占道",
        }
    )
    response = client.post(
        f"{BASE}/requests.json", body, content_type="application/x-www-form-urlencoded; charset=utf-8"
    )
    assert response.status_code == 201
    report = Report.objects.get()
    assert (report.address, report.latitude, report.device) == ("人民路12号", None, "")


def test_the_same_post_sent_again_gets_the_same_id(client, o311):
    first = create(client, o311)
    again = create(client, o311)
    assert first.status_code == 201 and again.status_code == 200
    assert parse(first) == parse(again)
    assert Report.objects.count() == 1
    # another report from the same phone is a new request
    other = create(client, o311, description="又有一堆")
    assert other.status_code == 201
    assert parse(other)[0]["service_request_id"] != parse(first)[0]["service_request_id"]


def test_an_idempotency_key_returns_the_first_result_and_refuses_another_payload(client, o311):
    headers = {"Idempotency-Key": "a3c1d7e0-5b2f-4c1e-9d0a-7f3e2b1c4d5e"}
    first = create(client, o311, headers=headers)
    again = create(client, o311, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert parse(first) == parse(again)
    changed = create(client, o311, headers=headers, description="另一件事")
    assert changed.status_code == 422
    assert "Idempotency-Key" in error_of(changed)
    assert Report.objects.count() == 1


def test_api_key_and_jurisdiction_in_the_query_string(client, o311):
    query = "?" + urlencode({"api_key": o311.raw_key, "jurisdiction_id": ""})
    response = create(client, o311, api_key=None, query=query)
    assert response.status_code == 201
    county = o311.units.county
    response = create(client, o311, description="再报一次", jurisdiction_id=str(county.pk))
    assert response.status_code == 201


@pytest.mark.parametrize("api_key", [None, "", "cc311_wrong", "x" * 1000])
def test_a_missing_or_wrong_key_is_403_and_creates_nothing(client, o311, api_key):
    response = create(client, o311, api_key=api_key)
    assert response.status_code == 403
    assert error_of(response) in ("缺少 api_key。", "api_key 无效、已过期或已停用。")
    assert Report.objects.count() == 0


def test_a_revoked_or_expired_key_is_403(client, o311):
    o311.key.revoked_at = timezone.now()
    o311.key.save()
    assert create(client, o311).status_code == 403
    o311.key.revoked_at = None
    o311.key.expires_at = timezone.now() - datetime.timedelta(minutes=1)
    o311.key.save()
    assert create(client, o311).status_code == 403
    assert Report.objects.count() == 0


def test_another_countys_jurisdiction_with_this_key_is_404(client, o311):
    response = create(client, o311, jurisdiction_id=str(o311.units.other_county.pk))
    assert response.status_code == 404
    assert Report.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "status", "argument"),
    [
        ({"service_code": "SR-99"}, 404, "service_code"),
        ({"service_code": "SR"}, 404, "service_code"),  # a big class is no service
        ({"service_code": ""}, 400, "service_code"),
        ({"lat": "abc"}, 400, "lat"),
        ({"lat": "NaN"}, 400, "lat"),
        ({"lat": "inf"}, 400, "lat"),
        ({"long": "1e999"}, 400, "long"),
        ({"lat": "91"}, 400, "lat"),
        ({"lat": "0x1e"}, 400, "lat"),
        ({"long": ""}, 400, "lat"),  # half a place
        ({"lat": "", "long": ""}, 400, "address_string"),  # no place at all
        ({"lat": "", "long": "", "address_id": "A-17"}, 400, "address_id"),
        ({"description": "脏" * 1001}, 400, "description"),
        ({"description": "脏" * 4001}, 400, "description"),
        ({"phone": "12345"}, 400, "phone"),
        ({"device_id": "d" * 201}, 400, "device_id"),
        ({"description": "含\x00字符"}, 400, "description"),
        ({"address_string": "人" * 201}, 400, "address_string"),
    ],
)
def test_malformed_arguments_are_400_naming_the_argument(client, o311, fields, status, argument):
    response = create(client, o311, **fields)
    assert response.status_code == status
    assert argument in error_of(response)
    assert Report.objects.count() == 0


def test_a_place_outside_the_county_is_400(client, o311):
    response = create(client, o311, **OUTSIDE)
    assert response.status_code == 400
    assert error_of(response).startswith("lat/long：")
    assert Report.objects.count() == 0


def test_a_category_that_needs_a_photo_refuses_a_report_without_one(client, o311):
    response = create(client, o311, photos=[])
    assert response.status_code == 400
    assert error_of(response).startswith("media：")


def test_a_file_that_is_not_an_image_is_400(client, o311):
    fake = SimpleUploadedFile("scene.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    response = create(client, o311, photos=[fake])
    assert response.status_code == 400
    assert error_of(response).startswith("media：")


def test_too_many_photos_is_400(client, o311, settings):
    photos = [jpeg(f"p{n}.jpg", colour=(n, 0, 0)) for n in range(settings.CITIZEN_MAX_PHOTOS + 1)]
    response = create(client, o311, photos=photos)
    assert response.status_code == 400
    assert Report.objects.count() == 0


def test_empty_optional_arguments_are_ignored(client, o311):
    response = create(
        client,
        o311,
        phone="",
        device_id="",
        email="",
        first_name="",
        last_name="",
        account_id="",
        address_string="",
        address_id="",
        media_url="",
        jurisdiction_id="",
    )
    assert response.status_code == 201
    report = Report.objects.get()
    assert (report.phone, report.device, report.address) == ("", "", "")


def test_names_and_emails_are_not_kept(client, o311):
    create(client, o311, first_name="张", last_name="三", email="zhangsan@example.com")
    report = Report.objects.get()
    stored = " ".join(str(v) for v in Report.objects.values().get().values())
    assert "zhangsan" not in stored and "张" not in stored
    assert report.problem.title == "暴露垃圾：路边垃圾堆了三天"


def test_an_oversized_body_is_400_in_the_spec_format(client, o311, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    body = urlencode({"api_key": o311.raw_key, "service_code": "SR-01", "description": "脏" * 2000})
    response = client.post(f"{BASE}/requests.xml", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert parse(response).findtext("error/code") == "400"


def test_posts_are_rate_limited_per_ip_and_device(client, o311, settings):
    settings.CITIZEN_RATE_LIMITS = [(3600, 2)]
    first = create(client, o311, description="第一件")
    assert create(client, o311, description="第二件", device_id="phone-2").status_code == 201
    # a third report from the same address, even from another phone
    refused = create(client, o311, description="第三件", device_id="phone-3")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert error_of(refused).startswith("提交过于频繁")
    assert Report.objects.count() == 2
    # the retry of a report already made is still answered
    again = create(client, o311, description="第一件")
    assert again.status_code == 200 and parse(again) == parse(first)
    # the limit is per device too: another address, the same phone
    other_ip = client.post(
        f"{BASE}/requests.json",
        {
            "api_key": o311.raw_key,
            "service_code": "SR-01",
            "description": "第四件",
            "device_id": "phone-1",
            **INSIDE,
            "media": [jpeg()],
        },
        REMOTE_ADDR="10.0.0.9",
    )
    assert other_ip.status_code == 201  # phone-1 has made one report
    assert (
        client.post(
            f"{BASE}/requests.json",
            {
                "api_key": o311.raw_key,
                "service_code": "SR-01",
                "description": "第五件",
                "device_id": "phone-1",
                **INSIDE,
                "media": [jpeg()],
            },
            REMOTE_ADDR="10.0.0.10",
        ).status_code
        == 429
    )


def test_the_key_is_stored_hashed_and_a_post_is_audited_without_it(client, o311):
    from chuangcheng.core.models import AuditLog

    assert o311.key.key_hash == hashlib.sha256(o311.raw_key.encode()).hexdigest()
    create(client, o311)
    entry = AuditLog.objects.get(object_type="citizens.report")
    assert entry.detail == {"channel": "open311"}
    assert o311.raw_key not in str(list(AuditLog.objects.values()))


def test_the_office_problem_it_opens_carries_no_reporter_identity(client, o311):
    create(client, o311, phone="13812345678")
    problem = Problem.objects.get()
    assert problem.reported_by is None
    assert "13812345678" not in f"{problem.title} {problem.description} {problem.source_detail}"
