"""Bulk import from .xlsx: all or nothing, every bad row reported, upsert by code."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse

from chuangcheng.core.choices import AuditAction
from chuangcheng.core.models import AuditLog
from chuangcheng.org.choices import Role
from chuangcheng.org.models import RoleAssignment
from chuangcheng.org.tests.factories import UserFactory
from chuangcheng.points import points_import
from chuangcheng.points.choices import PointStatus
from chuangcheng.points.models import Point
from chuangcheng.points.tests.factories import AreaOutlineFactory, square

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _files_in_tmp(media_in_tmp):
    """Checked files go to a throwaway folder."""


HEADER = [
    "编码",
    "名称",
    "点位类型",
    "地址",
    "纬度",
    "经度",
    "坐标系",
    "乡镇街道",
    "责任单位",
    "点长",
    "状态",
]


def xlsx(rows, header=HEADER, merge=None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "点位"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def good_rows():
    return [
        [
            "P-101",
            "北门菜市场",
            "NMSC",
            "北门路1号",
            30.271771,
            120.159794,
            "GCJ-02",
            "城关街道",
            "县城管局",
            "roadleader",
            "在用",
        ],
        [
            "P-102",
            "解放路",
            "主次干道",
            "",
            30.2741,
            120.1551,
            "WGS-84",
            "东城街道",
            "东城街道",
            "东城科员",
            "",
        ],
        ["P-103", "无坐标的点位", "主次干道", "", None, None, None, None, "县住建局", "m_department2", None],
        # an existing code: updated in place
        [
            "P-GATE",
            "西门农贸市场",
            "农贸市场",
            "西门路2号",
            30.2741,
            120.1551,
            "wgs84",
            "城关街道",
            "西门社区",
            "pointleader",
            "撤销",
        ],
    ]


def plan(world, content, people=None):
    area = world.units.county
    return points_import.plan_import(content, area=area, people=people or points_import.people_in_area(area))


def where(plan_):
    return sorted((issue.row or 0, issue.column) for issue in plan_.issues)


def test_a_good_file_creates_and_updates_points(world, pts):
    result_plan = plan(world, xlsx(good_rows()))
    assert result_plan.issues == []
    assert (result_plan.creates, result_plan.updates) == (3, 1)
    result = points_import.apply_import(result_plan, actor=world.people.office)
    assert (result.created, result.updated) == (3, 1)

    north = Point.objects.get(code="P-101")
    assert north.area == world.units.county
    assert north.point_type == pts.market
    assert north.township == world.units.township
    assert north.responsible_unit == world.units.department
    assert north.point_leader == world.people.road_leader
    assert abs(north.latitude - Decimal("30.2741")) < Decimal("0.00001")  # GCJ-02 converted
    assert abs(north.longitude - Decimal("120.1551")) < Decimal("0.00001")
    road = Point.objects.get(code="P-102")
    assert (road.point_type, road.point_leader) == (pts.road, world.people.member_township2)
    assert (road.latitude, road.longitude, road.status) == (
        Decimal("30.274100"),
        Decimal("120.155100"),
        "active",
    )
    assert Point.objects.get(code="P-103").latitude is None

    gate = Point.objects.get(pk=pts.gate.pk)
    assert (gate.name, gate.address, gate.status) == ("西门农贸市场", "西门路2号", PointStatus.RETIRED)
    assert gate.public_id == pts.gate.public_id  # the printed QR code keeps working
    assert Point.objects.filter(area=world.units.county).count() == 5 + 3


def test_import_grants_missing_point_leader_roles_and_audits(world, pts):
    result = points_import.apply_import(plan(world, xlsx(good_rows())), actor=world.people.office)
    # roadleader and pointleader already hold the role; the two clerks get it at their units
    assert result.roles_granted == 2
    assert set(
        RoleAssignment.objects.filter(role=Role.POINT_LEADER).values_list("user__username", "unit__name")
    ) >= {("m_township2", "东城街道"), ("m_department2", "县住建局")}
    assert AuditLog.objects.filter(action=AuditAction.CREATE, object_type="org.roleassignment").count() == 2
    summary = AuditLog.objects.get(action=AuditAction.IMPORT, object_type="org.orgunit")
    assert (summary.detail["created"], summary.detail["updated"]) == (3, 1)


def test_a_bad_file_reports_every_bad_row_and_imports_nothing(world, pts):
    UserFactory(username="zhangwei1", full_name="张伟", unit=world.units.department)
    UserFactory(username="zhangwei2", full_name="张伟", unit=world.units.township2)
    AreaOutlineFactory(unit=world.units.county, geojson=square(120.0, 30.15, 120.3, 30.4))
    rows = [
        ["P-201", "未知类型", "不存在的类型", "", None, None, None, None, "县城管局", "roadleader", None],
        ["P-202", "未知单位", "NMSC", "", None, None, None, None, "火星局", "roadleader", None],
        ["P-203", "重名点长", "NMSC", "", None, None, None, None, "县城管局", "张伟", None],
        ["P-204", "坐标不是数字", "NMSC", "", "abc", 120.2, "WGS-84", None, "县城管局", "roadleader", None],
        ["P-205", "县外坐标", "NMSC", "", 30.6, 120.2, "WGS-84", None, "县城管局", "roadleader", None],
        ["P-206", "第一次出现", "NMSC", "", None, None, None, None, "县城管局", "roadleader", None],
        ["P-206", "重复编码", "NMSC", "", None, None, None, None, "县城管局", "roadleader", None],
        ["P-207", "缺坐标系", "NMSC", "", 30.2, 120.2, None, None, "县城管局", "roadleader", None],
        ["P-208", "未知乡镇", "NMSC", "", None, None, None, "火星街道", "县城管局", "roadleader", None],
        ["", "缺编码", "NMSC", "", None, None, None, None, "县城管局", "roadleader", None],
        ["P-209", "缺点长", "NMSC", "", None, None, None, None, "县城管局", "", None],
        ["P-210", "状态不对", "NMSC", "", None, None, None, None, "县城管局", "roadleader", "也许"],
        ["P-211", "另一县的单位", "NMSC", "", None, None, None, None, "石桥镇", "roadleader", None],
        ["P-212", "另一县的人", "NMSC", "", None, None, None, None, "县城管局", "m_other", None],
        ["P-213", "好的一行", "NMSC", "", None, None, None, None, "县城管局", "roadleader", None],
    ]
    before = Point.objects.count()
    roles_before = RoleAssignment.objects.count()
    result = plan(world, xlsx(rows))
    assert where(result) == [
        (2, "点位类型"),
        (3, "责任单位"),
        (4, "点长"),
        (5, "纬度"),
        (6, "纬度"),
        (8, "编码"),
        (9, "坐标系"),
        (10, "乡镇街道"),
        (11, "编码"),
        (12, "点长"),
        (13, "状态"),
        (14, "责任单位"),
        (15, "点长"),
    ]
    messages = {(issue.row, issue.column): issue.message for issue in result.issues}
    assert "zhangwei1" in messages[(4, "点长")] and "zhangwei2" in messages[(4, "点长")]
    assert "P-206" in messages[(8, "编码")] and "7" in messages[(8, "编码")]
    with pytest.raises(points_import.actions.ActionError):
        points_import.apply_import(result, actor=world.people.office)
    assert Point.objects.count() == before
    assert RoleAssignment.objects.count() == roles_before


def test_missing_columns_are_reported_by_name(world, pts):
    header = [h for h in HEADER if h not in ("点长", "坐标系")]
    rows = [["P-301", "点位", "NMSC", "", 30.27, 120.15, None, "县城管局", None]]
    result = plan(world, xlsx(rows, header=header))
    assert where(result) == [(1, "坐标系"), (1, "点长")]
    assert not Point.objects.filter(code="P-301").exists()


def test_a_renamed_file_is_refused_with_a_clear_message(world, pts):
    for content in (
        b"\x89PNG\r\n\x1a\n" + b"0" * 100,
        "编码,名称\nP-1,点位\n".encode(),
        b"PK\x03\x04broken zip",
    ):
        result = plan(world, content)
        assert [(issue.row, issue.column) for issue in result.issues] == [(None, "")]
        assert ".xlsx" in result.issues[0].message
    old_xls = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100
    assert ".xls" in plan(world, old_xls).issues[0].message


def test_merged_cells_are_reported(world, pts):
    rows = [
        ["P-401", "甲", "NMSC", "", None, None, None, None, "县城管局", "roadleader", None],
        ["P-402", "乙", "NMSC", "", None, None, None, None, "县城管局", "roadleader", None],
    ]
    result = plan(world, xlsx(rows, merge="I2:I3"))
    assert (2, "责任单位") in where(result)
    assert any("I2:I3" in issue.message for issue in result.issues)
    assert not Point.objects.filter(code__in=["P-401", "P-402"]).exists()


def test_an_empty_sheet_is_reported(world, pts):
    result = plan(world, xlsx([]))
    assert len(result.issues) == 1 and result.issues[0].row is None


def test_leader_by_username_resolves_a_shared_full_name(world, pts):
    UserFactory(username="zhangwei1", full_name="张伟", unit=world.units.department)
    UserFactory(username="zhangwei2", full_name="张伟", unit=world.units.township2)
    rows = [["P-501", "甲", "NMSC", "", None, None, None, None, "县城管局", "zhangwei2", None]]
    result = plan(world, xlsx(rows))
    assert result.issues == []
    assert result.rows[0].data.point_leader.username == "zhangwei2"


def test_checking_is_set_based(world, pts, django_assert_max_num_queries):
    rows = [
        [
            f"P-{n:04d}",
            f"点位{n}",
            "NMSC",
            "",
            30.27,
            120.15,
            "WGS-84",
            "城关街道",
            "县城管局",
            "roadleader",
            None,
        ]
        for n in range(300)
    ]
    content = xlsx(rows)
    with django_assert_max_num_queries(8):
        result = plan(world, content)
    assert result.issues == [] and result.creates == 300


def test_the_command_imports_a_good_file(world, pts, tmp_path, capsys):
    path = tmp_path / "points.xlsx"
    path.write_bytes(xlsx(good_rows()))
    call_command("import_points", str(path), "--area", str(world.units.county.pk))
    assert "3" in capsys.readouterr().out
    assert Point.objects.filter(code__in=["P-101", "P-102", "P-103"]).count() == 3


def test_the_command_fails_on_a_bad_file_and_imports_nothing(world, pts, tmp_path, capsys):
    path = tmp_path / "points.xlsx"
    rows = [
        *good_rows(),
        ["P-999", "未知类型", "不存在的类型", "", None, None, None, None, "县城管局", "roadleader", None],
    ]
    path.write_bytes(xlsx(rows))
    with pytest.raises(CommandError):
        call_command("import_points", str(path), "--area", str(world.units.county.pk))
    assert "6" in capsys.readouterr().err  # the bad row's number
    assert not Point.objects.filter(code__in=["P-101", "P-999"]).exists()
    assert Point.objects.get(pk=pts.gate.pk).name == "西门菜市场"


def test_the_command_dry_run_writes_nothing(world, pts, tmp_path):
    path = tmp_path / "points.xlsx"
    path.write_bytes(xlsx(good_rows()))
    call_command("import_points", str(path), "--area", str(world.units.county.pk), "--dry-run")
    assert not Point.objects.filter(code="P-101").exists()


def test_the_command_refuses_a_unit_that_is_not_an_area(world, pts, tmp_path):
    path = tmp_path / "points.xlsx"
    path.write_bytes(xlsx(good_rows()))
    with pytest.raises(CommandError):
        call_command("import_points", str(path), "--area", str(world.units.township.pk))


# --- the page: upload → preview → confirm ------------------------------------------------------------
def _upload(client, content, name="points.xlsx"):
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(reverse("points:import"), {"file": upload})


def test_page_previews_then_imports_on_confirm(world, pts, login):
    client = login(world.people.office)
    response = _upload(client, xlsx(good_rows()))
    assert response.status_code == 200
    assert response.templates[0].name == "points/import_preview.html"
    assert (response.context["plan"].creates, response.context["plan"].updates) == (3, 1)
    assert not Point.objects.filter(code="P-101").exists()  # nothing written before confirming
    stored = client.session[points_import_key()]["path"]
    assert default_storage.exists(stored)

    response = client.post(reverse("points:import_confirm"))
    assert response.status_code == 302
    assert Point.objects.filter(code__in=["P-101", "P-102", "P-103"]).count() == 3
    assert not default_storage.exists(stored)
    assert points_import_key() not in client.session
    # confirming twice imports nothing more
    response = client.post(reverse("points:import_confirm"))
    assert response.status_code == 302 and response["Location"] == reverse("points:import")


def points_import_key():
    from chuangcheng.points.views import IMPORT_SESSION_KEY

    return IMPORT_SESSION_KEY


def test_page_shows_each_problem_and_imports_nothing(world, pts, login):
    client = login(world.people.office)
    rows = [["P-601", "未知类型", "不存在的类型", "", None, None, None, None, "火星局", "roadleader", None]]
    response = _upload(client, xlsx(rows))
    assert response.status_code == 400
    assert where(response.context["plan"]) == [(2, "点位类型"), (2, "责任单位")]
    assert "不存在的类型" in response.content.decode()
    assert points_import_key() not in client.session
    assert not Point.objects.filter(code="P-601").exists()


def test_page_refuses_a_renamed_file(world, pts, login):
    client = login(world.people.office)
    response = _upload(client, b"%PDF-1.4 not a spreadsheet", name="points.xlsx")
    assert response.status_code == 400
    assert [issue.row for issue in response.context["plan"].issues] == [None]


def test_confirm_rechecks_the_file(world, pts, login):
    client = login(world.people.office)
    _upload(client, xlsx(good_rows()))
    pts.market.code = "CHANGED"  # the type the file names by code is renamed meanwhile
    pts.market.name = "已改名"
    pts.market.save()
    response = client.post(reverse("points:import_confirm"))
    assert response.status_code == 400
    assert (2, "点位类型") in where(response.context["plan"])
    assert not Point.objects.filter(code="P-101").exists()


@pytest.mark.parametrize("persona", ["township", "department", "pointleader", "leader"])
def test_only_the_office_may_import(world, pts, login, persona):
    client = login(getattr(world.people, persona))
    assert client.get(reverse("points:import")).status_code == 403
    assert _upload(client, xlsx(good_rows())).status_code == 403
    assert client.post(reverse("points:import_confirm")).status_code == 403
    assert client.get(reverse("points:import_template")).status_code == 403
    assert not Point.objects.filter(code="P-101").exists()


def test_blank_template_has_the_columns_and_the_areas_valid_values(world, pts, login):
    client = login(world.people.office)
    response = client.get(reverse("points:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content]))
    )
    assert [cell.value for cell in workbook["点位"][1]] == HEADER
    assert workbook["点位"].max_row == 1
    type_rows = [tuple(cell.value for cell in row) for row in workbook["点位类型"].iter_rows(min_row=2)]
    assert type_rows == [("NMSC", "农贸市场"), ("ZCGD", "主次干道")]
    unit_names = {row[0].value for row in workbook["单位"].iter_rows(min_row=2)}
    assert {"城关街道", "县城管局", "西门社区"} <= unit_names
    assert "石桥镇" not in unit_names


def test_abandoned_checked_files_are_swept_after_a_day(world, pts, login, client):
    import datetime

    import time_machine
    from django.test import Client
    from django.utils import timezone

    login(world.people.office)
    _upload(client, xlsx(good_rows()))
    stale = client.session[points_import_key()]["path"]
    later_tab = Client()  # the first preview is abandoned; two days later someone uploads again
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        later_tab.force_login(world.people.office)
        assert _upload(later_tab, xlsx(good_rows())).status_code == 200
    assert not default_storage.exists(stale)
    assert default_storage.exists(later_tab.session[points_import_key()]["path"])
