"""GET requests.{fmt}, requests/{id}.{fmt}, tokens/{token}.{fmt} and the photos: what a civic
client may read — residents' reports with the state of their problem — and what it never
sees: covert findings under embargo, problems no resident reported, phone numbers, names."""

import datetime
from types import SimpleNamespace

import pytest
import time_machine

from chuangcheng.citizens.models import Report
from chuangcheng.open311.tests.conftest import BASE, INSIDE_EAST, create, parse, xml_rows
from chuangcheng.problems.choices import Action, PhotoKind, ProblemSource
from chuangcheng.problems.models import Problem, ProblemPhoto
from chuangcheng.problems.tests.conftest import at, jpeg, new_problem, step

pytestmark = pytest.mark.django_db
NOW = at(datetime.date(2026, 11, 30), 10)  # a Monday


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    settings.CITIZEN_RATE_LIMITS = [(3600, 100)]


def report_at(client, o311, when, **fields) -> Report:
    with time_machine.travel(when, tick=False):
        response = create(client, o311, **fields)
    assert response.status_code == 201, response.content.decode()
    return Report.objects.get(code=parse(response)[0]["service_request_id"])


def get(client, path, **params):
    with time_machine.travel(NOW, tick=False):
        return client.get(f"{BASE}/{path}", params)


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content.decode()
    return [row["service_request_id"] for row in parse(response)]


@pytest.fixture
def history(client, o311):
    """Four reports: r1 (closed), r2 (open), r3 (rejected, address only), and one from August."""
    p = o311.people
    h = SimpleNamespace(o311=o311)
    h.old = report_at(client, o311, at(datetime.date(2026, 8, 3), 10), description="八月的垃圾")
    h.r1 = report_at(client, o311, at(datetime.date(2026, 11, 2), 10), description="第一堆")
    h.r2 = report_at(client, o311, at(datetime.date(2026, 11, 16), 10), description="第二堆", **INSIDE_EAST)
    h.r3 = report_at(
        client,
        o311,
        at(datetime.date(2026, 11, 25), 10),
        service_code="SR-02",
        description="违章棚子",
        lat="",
        long="",
        address_string="东门街5号",
    )
    later = at(datetime.date(2026, 11, 3), 9)
    step(h.r1.problem, Action.ACCEPT, p.department, now=later)
    step(h.r1.problem, Action.SUBMIT, p.department, note="已清理", photos=[jpeg("after.jpg")], now=later)
    step(h.r1.problem, Action.APPROVE, p.office, note="复核通过", now=later)
    step(h.r3.problem, Action.REJECT, p.office, note="系合法建筑，联系人王五 13700001111", now=NOW)
    return h


def test_the_default_is_the_last_90_days_newest_first(client, history):
    h = history
    assert codes(get(client, "requests.json")) == [h.r3.code, h.r2.code, h.r1.code]


def test_states_map_to_open_and_closed_with_notes_in_fixed_words(client, history):
    rows = {row["service_request_id"]: row for row in parse(get(client, "requests.json"))}
    h = history
    assert (rows[h.r1.code]["status"], rows[h.r1.code]["status_notes"]) == (
        "closed",
        "已整改并经创城办核查，办结。",
    )
    assert (rows[h.r2.code]["status"], rows[h.r2.code]["status_notes"]) == ("open", "已派发给责任单位。")
    assert (rows[h.r3.code]["status"], rows[h.r3.code]["status_notes"]) == (
        "closed",
        "经核实不予受理，已关闭。",
    )
    # the office's own words (which name a person and a number here) never reach the client
    assert "王五" not in get(client, "requests.json").content.decode()
    r3 = rows[h.r3.code]
    assert (r3["address"], r3["lat"], r3["long"], r3["agency_responsible"], r3["expected_datetime"]) == (
        "东门街5号",
        None,
        None,
        "",
        None,
    )
    assert rows[h.r2.code]["agency_responsible"] == "县城管局"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "closed"}, ["r3", "r1"]),
        ({"status": "open"}, ["r2"]),
        ({"status": "open,closed"}, ["r3", "r2", "r1"]),
        ({"status": "CLOSED"}, ["r3", "r1"]),
        ({"service_code": "SR-02"}, ["r3"]),
        ({"service_code": "SR-01,SR-02"}, ["r3", "r2", "r1"]),
        ({"service_code": "SR-77"}, []),
        ({"service_code": "SR-01", "status": "open"}, ["r2"]),
        ({"start_date": "2026-11-10T00:00:00+08:00"}, ["r3", "r2"]),
        ({"start_date": "2026-11-16T02:00:00Z"}, ["r3", "r2"]),  # r2's own time is included
        ({"start_date": "2026-11-16T02:00:01Z"}, ["r3"]),
        ({"end_date": "2026-11-10"}, ["r1"]),  # a date counts to its end; 90 days back from it
        ({"start_date": "2026-08-01", "end_date": "2026-10-01"}, ["old"]),
        ({"start_date": "2026-08-01T00:00:00", "end_date": "2026-10-01T00:00:00"}, ["old"]),  # Beijing time
        # ids override every other argument, dates included
        ({"service_request_id": "{r1},{old}", "service_code": "SR-02", "status": "open"}, ["r1", "old"]),
        ({"service_request_id": "{r1}, nothing,{r2}"}, ["r2", "r1"]),
        # empty arguments are absent ones
        (
            {"service_code": "", "status": "", "start_date": "", "end_date": "", "jurisdiction_id": ""},
            ["r3", "r2", "r1"],
        ),
    ],
)
def test_filters(client, history, params, expected):
    names = {"r1": history.r1.code, "r2": history.r2.code, "r3": history.r3.code, "old": history.old.code}
    params = {k: v.format(**names) for k, v in params.items()}
    assert codes(get(client, "requests.json", **params)) == [names[n] for n in expected]
    assert [
        row["service_request_id"] for row in xml_rows(parse(get(client, "requests.xml", **params)), "request")
    ] == [names[n] for n in expected]


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "yesterday"},
        {"start_date": "2026-13-01"},
        {"end_date": "2026-11-01T25:00:00Z"},
        {"end_date": "2026-11-01T10:00:00+25:00"},
        {"start_date": "0001-01-01T00:00:00+08:00"},
        {"end_date": "9999-12-31T23:59:59-08:00"},
        {"start_date": "2026-11-20", "end_date": "2026-11-10"},  # backwards
        {"start_date": "2026-06-01", "end_date": "2026-11-01"},  # more than 90 days
        {"status": "pending"},
        {"service_code": ",".join(["SR-01"] * 1001)},
    ],
)
def test_malformed_filters_are_400(client, history, params):
    response = get(client, "requests.json", **params)
    assert response.status_code == 400
    assert parse(response)[0]["code"] == 400
    assert parse(get(client, "requests.xml", **params)).findtext("error/code") == "400"


def test_one_request_by_id_and_its_token(client, history):
    code = history.r2.code
    assert codes(get(client, f"requests/{code}.json")) == [code]
    assert codes(get(client, f"requests/{code.lower()}.json")) == [code]
    assert parse(get(client, f"tokens/{code}.json")) == [{"service_request_id": code, "token": code}]
    root = parse(get(client, f"tokens/{code}.xml"))
    assert xml_rows(root, "request") == [{"service_request_id": code, "token": code}]


@pytest.mark.parametrize("path", ["requests/{}.json", "tokens/{}.json", "requests/{}.xml", "tokens/{}.xml"])
@pytest.mark.parametrize("code", ["ZZZZZZZZ", "1", "<script>"])
def test_unknown_ids_and_tokens_are_404(client, history, path, code):
    response = get(client, path.format(code))
    assert response.status_code == 404
    description = "未知的 token。" if path.startswith("tokens") else "未知的 service_request_id。"
    if path.endswith(".json"):
        assert parse(response) == [{"code": 404, "description": description}]
    else:
        assert xml_rows(parse(response), "error") == [{"code": "404", "description": description}]


def test_a_request_of_another_jurisdiction_is_404(client, history, o311):
    response = get(
        client, f"requests/{history.r2.code}.json", jurisdiction_id=str(o311.units.other_county.pk)
    )
    assert response.status_code == 404


def test_a_merged_report_shows_the_state_of_the_problem_it_joined(client, history):
    h = history
    duplicate = report_at(client, h.o311, at(datetime.date(2026, 11, 17), 10), description="同一堆")
    Problem.objects.filter(pk=duplicate.problem_id).update(merged_into=h.r1.problem)
    [row] = parse(get(client, f"requests/{duplicate.code}.json"))
    assert (row["status"], row["status_notes"]) == (
        "closed",
        "与他人反映的同一问题合并办理。已整改并经创城办核查，办结。",
    )
    assert codes(get(client, "requests.json", status="closed")) == [h.r3.code, duplicate.code, h.r1.code]
    assert codes(get(client, "requests.json", status="open")) == [h.r2.code]


@pytest.fixture
def covert(client, o311, history):
    """A covert inspection finding still under embargo, and two reports it would leak through:
    one merged into it, one whose own problem is under embargo."""
    finding = new_problem(
        o311.world,
        source=ProblemSource.INSPECTION,
        title="暗访：市场东门垃圾堆积",
        category=o311.prob.litter,
        photos=[jpeg("covert.jpg")],
    )
    Problem.objects.filter(pk=finding.pk).update(embargo_until=datetime.date(2026, 12, 31))
    merged = report_at(client, o311, at(datetime.date(2026, 11, 20), 10), description="市场东门")
    Problem.objects.filter(pk=merged.problem_id).update(merged_into=finding)
    hidden = report_at(client, o311, at(datetime.date(2026, 11, 21), 10), description="另一处")
    Problem.objects.filter(pk=hidden.problem_id).update(embargo_until=datetime.date(2026, 12, 31))
    return SimpleNamespace(finding=finding, merged=merged, hidden=hidden)


def test_covert_findings_under_embargo_never_appear(client, history, covert):
    h = history
    hidden = (covert.merged.code, covert.hidden.code)
    for fmt in ("json", "xml"):
        for params in ({}, {"service_request_id": ",".join(hidden)}, {"status": "open,closed"}):
            body = get(client, f"requests.{fmt}", **params).content.decode()
            assert all(code not in body for code in hidden)
            assert "暗访" not in body and "市场东门" not in body
    assert codes(get(client, "requests.json")) == [h.r3.code, h.r2.code, h.r1.code]
    for code in hidden:
        assert get(client, f"requests/{code}.json").status_code == 404
        assert get(client, f"tokens/{code}.xml").status_code == 404
    # and none of their photos
    photos = ProblemPhoto.objects.filter(
        problem__in=[covert.finding, covert.hidden.problem, covert.merged.problem]
    )
    assert photos.count() == 3
    for photo in photos:
        assert client.get(f"{BASE}/media/{photo.pk}").status_code == 404


def test_after_the_embargo_a_merged_report_appears(client, history, covert):
    Problem.objects.filter(pk=covert.finding.pk).update(embargo_until=datetime.date(2026, 11, 29))
    assert covert.merged.code in codes(get(client, "requests.json"))


def test_problems_no_resident_reported_never_appear(client, o311, history):
    office = new_problem(
        o311.world, unit=o311.units.department, category=o311.prob.litter, photos=[jpeg("office.jpg")]
    )
    h = history
    assert codes(get(client, "requests.json", status="open,closed")) == [h.r3.code, h.r2.code, h.r1.code]
    assert office.code not in get(client, "requests.xml").content.decode()
    photo = ProblemPhoto.objects.get(problem=office)
    assert client.get(f"{BASE}/media/{photo.pk}").status_code == 404


def test_only_residents_before_photos_are_served(client, history):
    before = ProblemPhoto.objects.get(problem=history.r1.problem, kind=PhotoKind.BEFORE)
    after = ProblemPhoto.objects.get(problem=history.r1.problem, kind=PhotoKind.AFTER)
    assert client.get(f"{BASE}/media/{before.pk}").status_code == 200
    assert client.get(f"{BASE}/media/{after.pk}").status_code == 404  # the unit's photo of its fix
    assert client.get(f"{BASE}/media/{after.pk + 10**15}").status_code == 404
    assert client.get(f"/open311/v2//media/{before.pk}").status_code == 200
    [row] = parse(get(client, f"requests/{history.r1.code}.json"))
    assert row["media_url"] == f"http://testserver/open311/v2/media/{before.pk}"
    [row] = parse(get(client, f"requests/{history.r3.code}.json"))
    assert row["media_url"].startswith("http://testserver/open311/v2/media/")


def test_no_phone_number_or_name_appears_in_any_response(client, o311):
    posted = report_at(
        client,
        o311,
        at(datetime.date(2026, 11, 27), 10),
        phone="13812345678",
        description="垃圾没人管，请联系我 139-8765-4321",
        address_string="人民路12号",
        first_name="小明",
        last_name="王",
        email="wxm@example.com",
    )
    assert posted.phone == "13812345678"
    bodies = [
        get(client, path).content.decode()
        for path in (
            "requests.json",
            "requests.xml",
            f"requests/{posted.code}.json",
            f"requests/{posted.code}.xml",
            f"tokens/{posted.code}.json",
        )
    ]
    with time_machine.travel(at(datetime.date(2026, 11, 27), 10), tick=False):
        bodies.append(
            create(
                client,
                o311,
                phone="13812345678",
                description="垃圾没人管，请联系我 139-8765-4321",
                address_string="人民路12号",
                first_name="小明",
                last_name="王",
                email="wxm@example.com",
            ).content.decode()
        )
    for body in bodies:
        for secret in (
            "13812345678",
            "138 1234",
            "1234-5678",
            "13987654321",
            "139-8765-4321",
            "8765-4321",
            "wxm@",
            "小明",
        ):
            assert secret not in body
    [row] = parse(get(client, f"requests/{posted.code}.json"))
    assert row["description"] == "垃圾没人管，请联系我 139****4321"


def test_the_list_reads_in_a_fixed_number_of_queries(client, o311, django_assert_num_queries):
    for n in range(5):
        report_at(client, o311, at(datetime.date(2026, 11, 20 + n), 10), description=f"第{n}堆")
    with time_machine.travel(NOW, tick=False), django_assert_num_queries(3):
        # the areas that take reports, the reports with their problems and units, the photos
        assert len(parse(client.get(f"{BASE}/requests.json"))) == 5
