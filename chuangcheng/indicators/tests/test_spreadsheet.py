"""Offices get assessment systems in and out of Excel: the template, import with a preview, export,
a lossless round trip, and bad workbooks refused with every problem and nothing imported."""

import io
import time
from decimal import Decimal

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from chuangcheng.core.models import AuditLog
from chuangcheng.indicators import spreadsheet
from chuangcheng.indicators.choices import CityLevel, Method, ScoringMode, SystemStatus, Title
from chuangcheng.indicators.management.commands.bench_import_standards import write_bench_workbook
from chuangcheng.indicators.models import AssessmentSystem, CheckItem, Indicator, PointType
from chuangcheng.indicators.spreadsheet import (
    SHEET_CHECK_ITEMS,
    SHEET_INDICATORS,
    SHEET_POINT_TYPES,
    SHEET_README,
    SHEET_SYSTEM,
)
from chuangcheng.indicators.tests.factories import (
    AssessmentSystemFactory,
    CheckItemFactory,
    IndicatorFactory,
    PointTypeFactory,
)
from chuangcheng.org.choices import UnitKind
from chuangcheng.org.tests.factories import OrgUnitFactory

SYSTEM_HEADER = [c.header for c in spreadsheet.SYSTEM_COLUMNS]
INDICATOR_HEADER = [c.header for c in spreadsheet.INDICATOR_COLUMNS]
POINT_TYPE_HEADER = [c.header for c in spreadsheet.POINT_TYPE_COLUMNS]
CHECK_ITEM_HEADER = [c.header for c in spreadsheet.CHECK_ITEM_COLUMNS]


def valid_sheets():
    """A small, correct workbook as rows (header first); tests break one thing at a time.

    Rows: 指标 row 2 = 1, row 3 = 1.1, row 4 = 1.2, row 5 = 2; 测评细则 row 2 = NM01, row 3 = NM02.
    """
    return {
        SHEET_SYSTEM: [
            list(SYSTEM_HEADER),
            [
                "全国文明城市",
                "县级",
                "2024版",
                2024,
                "全国文明城市测评体系（县级）",
                "是",
                20,
                "否",
                "中央文明办",
                "",
            ],
        ],
        SHEET_INDICATORS: [
            list(INDICATOR_HEADER),
            ["1", "", 1, "公共环境", "", 10, None, "", "县城管局", "", "", "", 1],
            [
                "1.1",
                "1",
                2,
                "农贸市场管理规范",
                "市场内无占道经营",
                6,
                None,
                "实地考察",
                "县城管局",
                "县住建局、城关街道",
                "NMSC",
                "",
                1,
            ],
            ["1.2", "1", 2, "公共厕所", "", 4, None, "Field check", "县住建局", "", "GGCS", "", 2],
            ["2", "", 1, "公共秩序", "", 10, None, "材料审核", "城关街道", "", "", "", 2],
        ],
        SHEET_POINT_TYPES: [
            list(POINT_TYPE_HEADER),
            ["NMSC", "农贸市场", "进入市场内部巡查。", None, 2, 1],
            ["GGCS", "公共厕所", "", None, None, 2],
        ],
        SHEET_CHECK_ITEMS: [
            list(CHECK_ITEM_HEADER),
            ["NMSC", "NM01", "市场内无占道经营", "1.1", "扣分制", None, 2, None, None, None, "是", "否", 1],
            ["NMSC", "NM02", "摊位整洁", "1.1、1.2", "等级制", 6, None, 1, 3, 5, "否", "是", 2],
        ],
    }


def xlsx(sheets, merge=None) -> io.BytesIO:
    """A real xlsx file built with openpyxl from {sheet: rows}; ``merge`` = {sheet: "B3:B4"}."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    for name, cells in (merge or {}).items():
        book[name].merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "体系.xlsx"
    return buffer


def counts():
    return (
        AssessmentSystem.objects.count(),
        Indicator.objects.count(),
        PointType.objects.count(),
        CheckItem.objects.count(),
    )


def located(problems):
    return {(p.sheet, p.row, p.column) for p in problems}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads waiting for confirmation go to a temporary media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def county(world):
    return world.units.county


# --- import -------------------------------------------------------------------------------------


def test_a_correct_workbook_imports_the_tree_point_types_and_check_items(world, county):
    system = spreadsheet.import_workbook(xlsx(valid_sheets()), county)

    assert (system.area, system.title, system.city_level) == (
        county,
        Title.CIVILISED_NATIONAL,
        CityLevel.COUNTY,
    )
    assert (system.edition, system.year, system.status) == ("2024版", 2024, SystemStatus.DRAFT)
    assert (system.declares_totals, system.total_score, system.is_sample) == (True, Decimal("20.00"), False)
    by_code = {i.code: i for i in system.indicators.select_related("parent", "lead_unit")}
    assert sorted(by_code) == ["1", "1.1", "1.2", "2"]
    market = by_code["1.1"]
    assert (market.parent.code, market.level, market.max_score) == ("1", 2, Decimal("6.00"))
    assert market.method == Method.FIELD_CHECK
    assert by_code["1.2"].method == Method.FIELD_CHECK  # the English label is read too
    assert by_code["2"].method == Method.DOCUMENT_REVIEW
    assert market.lead_unit == world.units.department
    assert set(market.cooperating_units.all()) == {world.units.department2, world.units.township}
    assert [pt.code for pt in market.point_types.all()] == ["NMSC"]
    nm01, nm02 = CheckItem.objects.filter(point_type__area=county).order_by("code")
    assert (nm01.scoring_mode, nm01.deduction, nm01.photo_required_on_failure, nm01.is_veto) == (
        ScoringMode.PASS_FAIL,
        Decimal("2.00"),
        True,
        False,
    )
    assert (nm02.scoring_mode, nm02.points, nm02.threshold_b, nm02.threshold_c, nm02.threshold_c_sharp) == (
        ScoringMode.STATUS_SCALE,
        Decimal("6.00"),
        1,
        3,
        5,
    )
    assert (nm02.photo_required_on_failure, nm02.is_veto) == (False, True)
    assert sorted(nm02.indicators.values_list("code", flat=True)) == ["1.1", "1.2"]
    assert PointType.objects.get(area=county, code="NMSC").sample_count == 2


def test_activate_archives_the_active_system_of_the_same_title_and_level(county):
    old = AssessmentSystemFactory(area=county, edition="2021版", status=SystemStatus.ACTIVE)
    system = spreadsheet.import_workbook(xlsx(valid_sheets()), county, activate=True)
    old.refresh_from_db()
    assert (system.status, old.status) == (SystemStatus.ACTIVE, SystemStatus.ARCHIVED)


def test_point_types_and_check_items_are_upserted_and_keep_links_to_other_systems(county):
    other = AssessmentSystemFactory(area=county, edition="2021版")
    old_indicator = IndicatorFactory(system=other, code="9")
    market = PointTypeFactory(area=county, code="NMSC", name="旧名称")
    item = CheckItemFactory(point_type=market, code="NM01", text="旧内容", deduction=Decimal("1"))
    item.indicators.add(old_indicator)

    plan = spreadsheet.prepare_import(xlsx(valid_sheets()), county)
    assert plan.point_type_counts() == (1, 1) and plan.check_item_counts() == (1, 1)
    system = spreadsheet.import_system(plan)

    market.refresh_from_db()
    item.refresh_from_db()
    assert PointType.objects.filter(area=county).count() == 2
    assert (market.name, item.text, item.deduction) == ("农贸市场", "市场内无占道经营", Decimal("2.00"))
    assert set(item.indicators.all()) == {old_indicator, system.indicators.get(code="1.1")}


def test_rows_in_any_order_and_blank_optional_cells_are_fine(county):
    sheets = valid_sheets()
    header, *rows = sheets[SHEET_INDICATORS]
    sheets[SHEET_INDICATORS] = [header, *reversed(rows), [None] * len(header)]
    for row in sheets[SHEET_INDICATORS][1:]:
        if row[0]:
            row[-1] = None  # 排序 blank: the order of the rows
    del sheets[SHEET_CHECK_ITEMS]
    system = spreadsheet.import_workbook(xlsx(sheets), county)
    assert list(system.indicators.order_by("sort_order").values_list("code", flat=True)) == [
        "2",
        "1.2",
        "1.1",
        "1",
    ]


# --- round trip -----------------------------------------------------------------------------------


@pytest.fixture
def rich_system(world, county):
    """A system with every field used, a check item also serving another system, text that looks
    like a formula, line breaks, decimals and weights."""
    u = world.units
    system = AssessmentSystemFactory(
        area=county,
        title=Title.SANITARY_COUNTY,
        city_level=CityLevel.COUNTY,
        name="国家卫生县城标准",
        edition="2021版",
        year=2021,
        declares_totals=False,
        total_score=Decimal("100"),
        is_sample=True,
        source="全国爱卫办\n2021年",
        notes="=SUM(A1:A2) 不是公式",
    )
    root = IndicatorFactory(
        system=system, code="01", name="爱国卫生组织管理", max_score=Decimal("12.5"), method=""
    )
    mid = IndicatorFactory(
        system=system,
        parent=root,
        level=2,
        code="01.1",
        name="组织网络",
        weight=Decimal("0.35"),
        sort_order=2,
    )
    leaf = IndicatorFactory(
        system=system,
        parent=mid,
        level=3,
        code="01.1.1",
        name="健全爱卫组织",
        description="第一行\n第二行",
        max_score=Decimal("2.25"),
        method=Method.ENQUIRY,
        lead_unit=u.department,
        notes="+1",
    )
    leaf.cooperating_units.add(u.department2, u.township)
    IndicatorFactory(system=system, parent=mid, level=3, code="01.1.2", name="无分值", method=Method.SURVEY)
    IndicatorFactory(
        system=system, parent=root, level=2, code="01.2", name="第二", max_score=Decimal("3"), sort_order=1
    )
    toilet = PointTypeFactory(
        area=county, code="GGCS", name="公共厕所", walk_metres=200, sample_count=2, sort_order=3
    )
    market = PointTypeFactory(area=county, code="NMSC", name="农贸市场", protocol="", sort_order=1)
    leaf.point_types.add(toilet, market)
    item = CheckItemFactory(
        point_type=toilet, code="GC01", text="=无异味", deduction=Decimal("0.5"), is_veto=True
    )
    item.indicators.add(leaf, mid)
    scale = CheckItemFactory(
        point_type=market,
        code="NM01",
        text="摊位整洁",
        scoring_mode=ScoringMode.STATUS_SCALE,
        points=Decimal("6"),
        deduction=None,
        threshold_b=None,
        threshold_c=2,
        threshold_c_sharp=4,
        photo_required_on_failure=False,
    )
    scale.indicators.add(leaf)
    other = AssessmentSystemFactory(area=county, edition="2016版", title=Title.SANITARY_COUNTY)
    item.indicators.add(IndicatorFactory(system=other, code="X1"))
    CheckItemFactory(point_type=toilet, code="GC99", text="停用", is_active=False).indicators.add(leaf)
    return system


def sheet_values(book):
    return {
        name: [list(row) for row in book[name].iter_rows(values_only=True)]
        for name in book.sheetnames
        if name != SHEET_README
    }


def model_data(system):
    """Everything the format carries, without ids."""
    indicators = {
        i.code: (
            i.parent.code if i.parent else "",
            i.level,
            i.name,
            i.description,
            i.max_score,
            i.weight,
            i.method,
            i.lead_unit.name if i.lead_unit else "",
            sorted(u.name for u in i.cooperating_units.all()),
            sorted(pt.code for pt in i.point_types.all()),
            i.notes,
            i.sort_order,
        )
        for i in system.indicators.select_related("parent", "lead_unit")
    }
    items = {
        (c.point_type.code, c.code): (
            c.text,
            c.scoring_mode,
            c.points,
            c.deduction,
            c.threshold_b,
            c.threshold_c,
            c.threshold_c_sharp,
            c.photo_required_on_failure,
            c.is_veto,
            c.sort_order,
            sorted(c.indicators.filter(system=system).values_list("code", flat=True)),
        )
        for c in CheckItem.objects.filter(indicators__system=system, is_active=True).distinct()
    }
    point_types = {
        pt.code: (pt.name, pt.protocol, pt.walk_metres, pt.sample_count, pt.sort_order)
        for pt in PointType.objects.filter(
            area=system.area, code__in={code for code, _ in items} | {"GGCS", "NMSC"}
        )
    }
    head = [
        getattr(system, f)
        for f in (
            "title",
            "city_level",
            "name",
            "edition",
            "year",
            "declares_totals",
            "total_score",
            "is_sample",
            "source",
            "notes",
        )
    ]
    return head, indicators, items, point_types


def fresh_area_like(world):
    """Another county whose units have the same names as 示范县's."""
    fresh = OrgUnitFactory(name="新县", kind=UnitKind.COUNTY, parent=world.units.city)
    OrgUnitFactory(name="县城管局", kind=UnitKind.DEPARTMENT, parent=fresh)
    OrgUnitFactory(name="县住建局", kind=UnitKind.DEPARTMENT, parent=fresh)
    OrgUnitFactory(name="城关街道", kind=UnitKind.STREET, parent=fresh)
    return fresh


def test_export_then_import_into_a_fresh_area_then_export_again_is_lossless(world, rich_system):
    first = spreadsheet.workbook_bytes(spreadsheet.export_workbook(rich_system))
    fresh = fresh_area_like(world)

    copy = spreadsheet.import_workbook(io.BytesIO(first), fresh)
    second = spreadsheet.workbook_bytes(spreadsheet.export_workbook(copy))

    first_values = sheet_values(load_workbook(io.BytesIO(first)))
    assert first_values == sheet_values(load_workbook(io.BytesIO(second)))
    assert model_data(copy) == model_data(rich_system)
    # the exported item lists only this system's indicator codes; inactive items stay out
    items = first_values[SHEET_CHECK_ITEMS]
    assert [row[:4] for row in items[1:]] == [
        ["NMSC", "NM01", "摊位整洁", "01.1.1"],
        ["GGCS", "GC01", "=无异味", "01.1、01.1.1"],
    ]
    assert first_values[SHEET_SYSTEM][1][:4] == [
        spreadsheet.choice_set("title").label(Title.SANITARY_COUNTY),
        spreadsheet.choice_set("city_level").label(CityLevel.COUNTY),
        "2021版",
        2021,
    ]


def test_export_writes_text_never_formulas(rich_system):
    book = load_workbook(io.BytesIO(spreadsheet.workbook_bytes(spreadsheet.export_workbook(rich_system))))
    cell = book[SHEET_CHECK_ITEMS]["C3"]
    assert (cell.value, cell.data_type) == ("=无异味", "s")


def test_the_same_name_in_two_places_is_written_with_its_parent_and_read_back(world, county, rich_system):
    OrgUnitFactory(name="县城管局", kind=UnitKind.DEPARTMENT, parent=world.units.township)  # a namesake
    book = spreadsheet.export_workbook(rich_system)
    row = next(r for r in book[SHEET_INDICATORS].iter_rows(values_only=True) if r[0] == "01.1.1")
    assert row[8] == "示范县/县城管局"
    rich_system.edition = "2021版-旧"  # so that the same edition can come in again
    rich_system.save()
    copy = spreadsheet.import_workbook(io.BytesIO(spreadsheet.workbook_bytes(book)), county)
    assert copy.indicators.get(code="01.1.1").lead_unit == world.units.department


# --- bad workbooks: a precise report and nothing imported --------------------------------------------


def refused(source, area):
    before = counts()
    plan = spreadsheet.prepare_import(source, area)
    assert not plan.is_valid
    with pytest.raises(spreadsheet.WorkbookInvalid) as caught:
        spreadsheet.import_workbook(source, area)
    assert counts() == before
    assert caught.value.problems == plan.problems
    return plan.problems


def test_missing_columns_are_named(county):
    sheets = valid_sheets()
    for row in sheets[SHEET_INDICATORS]:
        del row[5]  # 分值
    sheets[SHEET_CHECK_ITEMS][0][3] = "指标"
    problems = refused(xlsx(sheets), county)
    assert located(problems) == {(SHEET_INDICATORS, 1, "分值"), (SHEET_CHECK_ITEMS, 1, "对应指标编码")}


def test_merged_cells_in_the_data_are_refused(county):
    sheets = valid_sheets()
    sheets[SHEET_INDICATORS][3][1] = None  # what a merge leaves in the lower cell
    problems = refused(xlsx(sheets, merge={SHEET_INDICATORS: "B3:B4"}), county)
    assert (SHEET_INDICATORS, 3, "上级编码") in located(problems)
    assert any("B3:B4" in p.message for p in problems)


def test_wrong_types_are_refused_cell_by_cell(county):
    sheets = valid_sheets()
    sheets[SHEET_INDICATORS][2][5] = "六分"  # text in 分值
    sheets[SHEET_INDICATORS][3][2] = "二"  # text in 层级
    sheets[SHEET_SYSTEM][1][3] = "2024年"
    sheets[SHEET_CHECK_ITEMS][1][10] = "也许"
    sheets[SHEET_INDICATORS][4][7] = "拍脑袋"
    sheets[SHEET_INDICATORS][1][5] = 1.234
    problems = refused(xlsx(sheets), county)
    assert located(problems) == {
        (SHEET_SYSTEM, 2, "年份"),
        (SHEET_INDICATORS, 2, "分值"),
        (SHEET_INDICATORS, 3, "分值"),
        (SHEET_INDICATORS, 4, "层级"),
        (SHEET_INDICATORS, 5, "测评方法"),
        (SHEET_CHECK_ITEMS, 2, "失分须拍照(是/否)"),
    }


def test_unknown_units_are_refused(county):
    sheets = valid_sheets()
    sheets[SHEET_INDICATORS][2][8] = "县文明办"
    sheets[SHEET_INDICATORS][2][9] = "县住建局、东岭县创城办"  # a unit of another county
    problems = refused(xlsx(sheets), county)
    assert located(problems) == {(SHEET_INDICATORS, 3, "牵头单位"), (SHEET_INDICATORS, 3, "配合单位")}


def test_unknown_indicator_codes_and_point_types_are_refused(county):
    sheets = valid_sheets()
    sheets[SHEET_CHECK_ITEMS][2][3] = "1.1、9.9"
    sheets[SHEET_CHECK_ITEMS][1][0] = "XXXX"
    sheets[SHEET_INDICATORS][3][10] = "GGCS、YYYY"
    problems = refused(xlsx(sheets), county)
    assert located(problems) == {
        (SHEET_INDICATORS, 4, "点位类型"),
        (SHEET_CHECK_ITEMS, 2, "点位类型编码"),
        (SHEET_CHECK_ITEMS, 3, "对应指标编码"),
    }
    assert any("9.9" in p.message for p in problems)


def test_duplicate_codes_are_refused(county):
    sheets = valid_sheets()
    sheets[SHEET_INDICATORS][4][0] = "1.1"
    sheets[SHEET_POINT_TYPES].append(["NMSC", "又一个", "", None, None, 3])
    sheets[SHEET_CHECK_ITEMS].append(
        ["NMSC", "NM01", "重复", "1.1", "扣分制", None, 1, None, None, None, "是", "否", 3]
    )
    problems = refused(xlsx(sheets), county)
    assert located(problems) == {
        (SHEET_INDICATORS, 5, "编码"),
        (SHEET_POINT_TYPES, 4, "编码"),
        (SHEET_CHECK_ITEMS, 4, "编码"),
    }


def test_negative_scores_are_refused(county):
    sheets = valid_sheets()
    sheets[SHEET_INDICATORS][2][5] = -6
    sheets[SHEET_CHECK_ITEMS][1][6] = -2
    problems = refused(xlsx(sheets), county)
    assert located(problems) == {(SHEET_INDICATORS, 3, "分值"), (SHEET_CHECK_ITEMS, 2, "扣分")}


def test_a_cycle_in_the_tree_is_refused_on_every_row_of_it(county):
    sheets = valid_sheets()
    sheets[SHEET_INDICATORS][1][1] = "1.2"  # 1 under 1.2, which is under 1
    sheets[SHEET_INDICATORS][1][2] = 3
    problems = refused(xlsx(sheets), county)
    assert {(SHEET_INDICATORS, 2, "上级编码"), (SHEET_INDICATORS, 4, "上级编码")} <= located(problems)


def test_tree_errors_levels_and_children_over_their_parent(county):
    sheets = valid_sheets()
    sheets[SHEET_INDICATORS].append(["1.1.1", "1.1", 3, "标准", "", 7, None, "实地考察", "", "", "", "", 1])
    sheets[SHEET_INDICATORS].append(["1.1.1.1", "1.1.1", 4, "太深", "", None, None, "", "", "", "", "", 1])
    sheets[SHEET_INDICATORS].append(["3", "", 2, "根却是二级", "", None, None, "", "", "", "", "", 3])
    sheets[SHEET_INDICATORS].append(["4", "8", 2, "上级不存在", "", None, None, "", "", "", "", "", 4])
    problems = refused(xlsx(sheets), county)
    assert located(problems) == {
        (SHEET_INDICATORS, 3, "分值"),  # 1.1.1 (7) is more than 1.1 (6)
        (SHEET_INDICATORS, 7, "层级"),
        (SHEET_INDICATORS, 8, "层级"),
        (SHEET_INDICATORS, 9, "上级编码"),
    }


def test_status_scale_items_need_their_score_and_thresholds(county):
    sheets = valid_sheets()
    sheets[SHEET_CHECK_ITEMS][2][5:10] = [None, None, 3, 2, None]
    sheets[SHEET_CHECK_ITEMS][1][6] = None
    problems = refused(xlsx(sheets), county)
    assert located(problems) == {
        (SHEET_CHECK_ITEMS, 2, "扣分"),
        (SHEET_CHECK_ITEMS, 3, "分值"),
        (SHEET_CHECK_ITEMS, 3, "C#级起(例)"),
        (SHEET_CHECK_ITEMS, 3, "C级起(例)"),
    }


def test_an_edition_already_in_the_area_is_refused(county):
    AssessmentSystemFactory(area=county, edition="2024版")
    problems = refused(xlsx(valid_sheets()), county)
    assert located(problems) == {(SHEET_SYSTEM, 2, "版本")}


@pytest.mark.parametrize(
    "content",
    [
        b"not a spreadsheet at all",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,
        b"PK\x03\x04broken",
        b"",
    ],
    ids=["text", "xls", "broken-zip", "empty"],
)
def test_a_file_that_is_not_xlsx_is_refused(county, content):
    source = io.BytesIO(content)
    problems = refused(source, county)
    assert len(problems) == 1 and problems[0].sheet == "" and problems[0].row is None


def test_a_zip_that_is_not_a_workbook_is_refused(county):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    problems = refused(buffer, county)
    assert len(problems) == 1


def test_an_empty_workbook_is_refused(county):
    problems = refused(xlsx({"Sheet1": []}), county)
    assert located(problems) == {(SHEET_SYSTEM, None, ""), (SHEET_INDICATORS, None, "")}


def test_a_workbook_with_headers_only_is_refused(county):
    problems = refused(xlsx({SHEET_SYSTEM: [SYSTEM_HEADER], SHEET_INDICATORS: [INDICATOR_HEADER]}), county)
    assert located(problems) == {(SHEET_SYSTEM, 2, ""), (SHEET_INDICATORS, None, "")}


def test_every_bad_row_is_reported_not_just_the_first(county):
    sheets = valid_sheets()
    for n in range(50):
        sheets[SHEET_INDICATORS].append([f"2.{n}", "2", 2, f"坏行{n}", "", "x", None, "", "", "", "", "", n])
    problems = refused(xlsx(sheets), county)
    assert located(problems) == {(SHEET_INDICATORS, 6 + n, "分值") for n in range(50)}


def test_problems_read_as_sheet_row_column_reason(county):
    sheets = valid_sheets()
    sheets[SHEET_INDICATORS][2][5] = "六分"
    (problem,) = refused(xlsx(sheets), county)
    assert str(problem).startswith("指标") and "3" in str(problem) and "分值" in str(problem)


def test_ten_thousand_rows_import_in_well_under_a_minute(county, tmp_path):
    path = tmp_path / "big.xlsx"
    sizes = write_bench_workbook(path, 10_000)
    assert sum(sizes.values()) >= 10_000
    for n in range(30):
        OrgUnitFactory(name=f"测试部门{n:02d}", kind=UnitKind.DEPARTMENT, parent=county)
    started = time.perf_counter()
    with open(path, "rb") as handle:
        system = spreadsheet.import_workbook(handle, county)
    elapsed = time.perf_counter() - started
    assert system.indicators.count() == sizes["indicators"]
    assert CheckItem.objects.filter(point_type__area=county).count() == sizes["check_items"]
    assert elapsed < 60


# --- commands -------------------------------------------------------------------------------------


def test_import_command_imports_and_export_command_writes_the_same(world, county, tmp_path):
    source = tmp_path / "in.xlsx"
    source.write_bytes(xlsx(valid_sheets()).getvalue())
    out = io.StringIO()
    call_command("import_standards", str(source), "--area", str(county.pk), "--activate", stdout=out)
    system = AssessmentSystem.objects.get(area=county, edition="2024版")
    assert system.status == SystemStatus.ACTIVE
    assert str(system.pk) in out.getvalue()

    target = tmp_path / "out.xlsx"
    call_command("export_standards", str(system.pk), str(target), stdout=io.StringIO())
    exported = sheet_values(load_workbook(target))
    assert [row[0] for row in exported[SHEET_INDICATORS][1:]] == ["1", "1.1", "1.2", "2"]


def test_import_command_lists_every_problem_and_fails(county, tmp_path):
    sheets = valid_sheets()
    sheets[SHEET_INDICATORS][2][5] = "六分"
    sheets[SHEET_CHECK_ITEMS][2][3] = "9.9"
    source = tmp_path / "bad.xlsx"
    source.write_bytes(xlsx(sheets).getvalue())
    before, err = counts(), io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_standards", str(source), "--area", str(county.pk), stdout=io.StringIO(), stderr=err
        )
    assert counts() == before
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 2
    assert "指标" in lines[0] and "分值" in lines[0] and "测评细则" in lines[1] and "对应指标编码" in lines[1]


def test_import_command_refuses_a_renamed_text_file(county, tmp_path):
    source = tmp_path / "notes.xlsx"
    source.write_text("hello")
    with pytest.raises(CommandError):
        call_command(
            "import_standards",
            str(source),
            "--area",
            str(county.pk),
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert counts() == (0, 0, 0, 0)


def test_export_command_refuses_an_unknown_system(tmp_path, db):
    with pytest.raises(CommandError):
        call_command("export_standards", "999999", str(tmp_path / "x.xlsx"))


def test_bench_command_leaves_nothing_behind(db):
    out = io.StringIO()
    call_command("bench_import_standards", "--rows", "300", "--repeat", "1", stdout=out)
    assert "median of 1" in out.getvalue()
    assert counts() == (0, 0, 0, 0)


# --- pages ----------------------------------------------------------------------------------------


def upload(client, source, name="体系.xlsx"):
    source.seek(0)
    source.name = name
    return client.post(reverse("indicators:import"), {"file": source})


def test_office_uploads_previews_and_confirms(world, login, county, media_root):
    client = login(world.people.office)
    response = upload(client, xlsx(valid_sheets()))
    assert response.status_code == 302
    token = response.url.rstrip("/").split("/")[-2]
    assert counts() == (0, 0, 0, 0)

    preview = client.get(response.url)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "全国文明城市测评体系（县级）" in html and "农贸市场管理规范" in html
    assert preview.context["level_counts"] == {1: 2, 2: 2, 3: 0}
    assert preview.context["indicator_count"] == 4

    done = client.post(response.url, {"activate": "1"})
    system = AssessmentSystem.objects.get()
    assert done.status_code == 302 and done.url == reverse("indicators:system", args=[system.pk])
    assert (system.area, system.status, system.indicators.count()) == (county, SystemStatus.ACTIVE, 4)
    assert not default_storage.exists(f"imports/{token}.xlsx")
    assert not any((media_root / "imports").iterdir())
    assert AuditLog.objects.filter(action="import", object_id=str(system.pk)).exists()
    assert client.get(response.url).status_code == 404  # the token is used up


def test_upload_with_bad_rows_lists_them_and_imports_nothing(world, login):
    client = login(world.people.office)
    sheets = valid_sheets()
    sheets[SHEET_INDICATORS][2][5] = "六分"
    sheets[SHEET_INDICATORS][3][8] = "县文明办"
    response = upload(client, xlsx(sheets))
    assert response.status_code == 400
    assert located(response.context["problems"]) == {
        (SHEET_INDICATORS, 3, "分值"),
        (SHEET_INDICATORS, 4, "牵头单位"),
    }
    html = response.content.decode()
    assert "县文明办" in html and 'id="import-problems"' in html
    assert counts() == (0, 0, 0, 0)


@pytest.mark.parametrize("content", [b"just text", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600])
def test_upload_of_a_renamed_file_is_refused_by_content(world, login, content):
    client = login(world.people.office)
    response = upload(client, io.BytesIO(content))
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert counts() == (0, 0, 0, 0)


def test_upload_over_the_size_cap_is_refused(world, login, monkeypatch):
    monkeypatch.setattr(spreadsheet, "MAX_UPLOAD_BYTES", 1024)
    client = login(world.people.office)
    response = upload(client, xlsx(valid_sheets()))
    assert response.status_code == 400 and response.context["form"].errors["file"]
    assert counts() == (0, 0, 0, 0)


@pytest.mark.parametrize("persona", ["township", "inspector", "department", "pointleader", "nobody"])
def test_only_the_office_may_import(world, login, persona):
    client = login(getattr(world.people, persona))
    assert client.get(reverse("indicators:import")).status_code == 403
    assert upload(client, xlsx(valid_sheets())).status_code == 403
    assert client.get(reverse("indicators:import_template")).status_code == 403
    assert counts() == (0, 0, 0, 0)


def test_another_persons_preview_token_is_404(world, login, county):
    office = login(world.people.office)
    url = upload(office, xlsx(valid_sheets())).url
    for persona in ("outsider", "city"):  # offices, but not the uploader
        client = login(getattr(world.people, persona))
        assert client.get(url).status_code == 404
        assert client.post(url, {"activate": "1"}).status_code == 404
    client = login(world.people.township)
    assert client.post(url).status_code == 403
    assert counts() == (0, 0, 0, 0)
    assert login(world.people.office).get(url).status_code == 200


def test_a_made_up_token_is_404(world, login):
    client = login(world.people.office)
    assert client.get(reverse("indicators:import_confirm", args=["nope"])).status_code == 404
    assert client.get(reverse("indicators:import_confirm", args=["..%2F..%2Fsecret"])).status_code == 404


def test_another_county_office_imports_into_its_own_area(world, login):
    client = login(world.people.outsider)
    response = upload(client, xlsx(valid_sheets()))
    assert response.status_code == 400  # 县城管局 and the others are not units of 东岭县
    assert (SHEET_INDICATORS, 2, "牵头单位") in located(response.context["problems"])
    sheets = valid_sheets()
    for row in sheets[SHEET_INDICATORS][1:]:
        row[8:10] = ["石桥镇", ""]
    url = upload(client, xlsx(sheets)).url
    client.post(url)
    assert AssessmentSystem.objects.get().area == world.units.other_county


def test_confirm_checks_the_file_again(world, login, county):
    client = login(world.people.office)
    url = upload(client, xlsx(valid_sheets())).url
    AssessmentSystemFactory(area=county, edition="2024版")  # imported by someone else meanwhile
    before = counts()
    response = client.post(url)
    assert response.status_code == 400
    assert located(response.context["problems"]) == {(SHEET_SYSTEM, 2, "版本")}
    assert counts() == before


def test_template_download_has_headers_readme_and_dropdowns(world, login):
    response = login(world.people.office).get(reverse("indicators:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == spreadsheet.XLSX_CONTENT_TYPE
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        SHEET_README,
        SHEET_SYSTEM,
        SHEET_INDICATORS,
        SHEET_POINT_TYPES,
        SHEET_CHECK_ITEMS,
    ]
    assert [c.value for c in book[SHEET_INDICATORS][1]] == INDICATOR_HEADER
    assert [c.value for c in book[SHEET_CHECK_ITEMS][1]] == CHECK_ITEM_HEADER
    methods = [dv for dv in book[SHEET_INDICATORS].data_validations.dataValidation if "H2" in str(dv.sqref)]
    assert len(methods) == 1 and "实地考察" in methods[0].formula1
    readme = list(book[SHEET_README].iter_rows(values_only=True))
    assert ("指标", "牵头单位") in {(row[0], row[1]) for row in readme}
    # the blank template, filled in, is what the importer reads
    assert spreadsheet.prepare_import(io.BytesIO(response.content), world.units.county).problems[0].sheet in (
        SHEET_SYSTEM,
        SHEET_INDICATORS,
    )


def test_export_download_is_an_attachment_with_a_safe_chinese_name(world, login, rich_system):
    rich_system.name = '卫生/县城:标准*"'
    rich_system.save()
    response = login(world.people.township).get(reverse("indicators:export", args=[rich_system.pk]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="assessment-system-')
    assert "filename*=UTF-8''%E5%8D%AB%E7%94%9F_%E5%8E%BF%E5%9F%8E_%E6%A0%87%E5%87%86_" in disposition
    book = load_workbook(io.BytesIO(response.content))
    assert book[SHEET_SYSTEM]["E2"].value == '卫生/县城:标准*"'
    assert AuditLog.objects.filter(action="export", object_id=str(rich_system.pk)).count() == 1


def test_export_of_another_countys_system_is_404(world, login, rich_system):
    assert (
        login(world.people.outsider).get(reverse("indicators:export", args=[rich_system.pk])).status_code
        == 404
    )


def test_unconfirmed_uploads_expire_after_a_day(world, login, media_root):
    with time_machine.travel("2026-03-01 09:00 +0800", tick=False):
        url = upload(login(world.people.office), xlsx(valid_sheets())).url
    with time_machine.travel("2026-03-02 10:00 +0800", tick=False):
        client = login(world.people.office)  # a new session: the old one has timed out
        assert client.get(url).status_code == 404
        assert upload(client, xlsx(valid_sheets())).status_code == 302  # and clears the stale upload
    assert len(list((media_root / "imports").iterdir())) == 2  # the new upload and its record
    assert counts() == (0, 0, 0, 0)
