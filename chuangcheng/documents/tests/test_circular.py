"""The circular (通报) of a published month: the GB/T 9704 layout read back with python-docx, its
content from the published snapshot, and who may download it."""

import io
import zipfile
from urllib.parse import quote
from xml.etree import ElementTree

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from chuangcheng.core.choices import AuditAction
from chuangcheng.core.models import AuditLog
from chuangcheng.documents.circular import DOCX_CONTENT_TYPE, CircularError, build_circular
from chuangcheng.documents.tests.conftest import NOVEMBER, PUBLISHED_ON
from chuangcheng.scoring import actions as scoring
from chuangcheng.scoring import models as scoring_models

pytestmark = pytest.mark.django_db

NUMBER = "示范县创城办〔2026〕12号"


def zh(msgid: str) -> str:
    """A message as the circular writes it (always in Chinese)."""
    with translation.override("zh-hans"):
        return gettext(msgid)


def circular(evaluation, **extra) -> Document:
    with time_machine.travel(PUBLISHED_ON, tick=False):
        return Document(io.BytesIO(build_circular(evaluation, number=NUMBER, **extra)))


def style_value(paragraph, read):
    """A property as Word resolves it: the run's own, else the paragraph style's, else its bases."""
    for run in paragraph.runs:
        value = read(run._r.rPr)
        if value is not None:
            return value
    style = paragraph.style
    while style is not None:
        value = read(style.element.rPr)
        if value is not None:
            return value
        style = style.base_style
    return None


def east_asian_font(paragraph):
    return style_value(
        paragraph, lambda rpr: None if rpr is None or rpr.rFonts is None else rpr.rFonts.get(qn("w:eastAsia"))
    )


def size(paragraph):
    return style_value(paragraph, lambda rpr: None if rpr is None or rpr.sz is None else rpr.sz.val)


def texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def following(document, heading_text: str) -> list[str]:
    """The paragraphs after a heading, to the next heading."""
    found, after = False, []
    for paragraph in document.paragraphs:
        if found:
            if paragraph.style.name.startswith("Heading 1"):
                break
            after.append(paragraph.text)
        elif paragraph.style.name == "Heading 1" and paragraph.text.endswith(heading_text):
            found = True
    assert found, heading_text
    return after


def cells(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


# --- layout ---------------------------------------------------------------------------------------
def test_the_page_is_a4_with_the_gb_9704_margins(november):
    section = circular(november.evaluation).sections[0]
    for value, millimetres in (
        (section.page_width, 210),
        (section.page_height, 297),
        (section.top_margin, 37),
        (section.bottom_margin, 35),
        (section.left_margin, 28),
        (section.right_margin, 26),
    ):
        assert abs(value.mm - millimetres) <= 0.5


def test_masthead_issuing_number_red_line_and_title(november):
    document = circular(november.evaluation)
    paragraphs = document.paragraphs
    assert paragraphs[0].text == zh("{issuer} document").format(issuer="示范县四城同创办")
    assert paragraphs[0].runs[0].font.color.rgb == (0xFF, 0x00, 0x00)
    assert paragraphs[1].text == NUMBER
    bottom = paragraphs[1]._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:color")) == "FF0000"
    title = paragraphs[2]
    assert title.style.name == "Title"
    with translation.override("zh-hans"):
        assert title.text == gettext("Circular on the monthly campaign evaluation of {month}").format(
            month="2026年11月"
        )
    assert east_asian_font(title) == "方正小标宋简体"
    assert size(title) == Pt(22)
    assert title.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_body_is_fangsong_16_pt_with_fixed_lines_and_a_two_character_indent(november):
    document = circular(november.evaluation)
    # from the addressees to the date (the masthead, the title and the 版记 have their own)
    body = [p for p in document.paragraphs[3:-1] if p.style.name == "Normal" and p.text]
    assert len(body) > 10
    for paragraph in body:
        assert east_asian_font(paragraph) == "仿宋_GB2312"
        assert size(paragraph) == Pt(16)
    normal = document.styles["Normal"].paragraph_format
    assert normal.first_line_indent == Pt(32)
    assert normal.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert 28 <= normal.line_spacing.pt <= 29
    # Latin and East-Asian text in one face, no theme font overriding it
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:ascii")) == fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert fonts.get(qn("w:asciiTheme")) is None


def test_headings_are_heiti_and_kaiti_numbered_the_official_way(november):
    document = circular(november.evaluation)
    level_1 = [p for p in document.paragraphs if p.style.name == "Heading 1"]
    level_2 = [p for p in document.paragraphs if p.style.name == "Heading 2"]
    assert [p.text[:2] for p in level_1] == ["一、", "二、", "三、", "四、", "五、", "六、"]
    assert [p.text for p in level_2] == [
        "（一）" + zh("Townships and streets"),
        "（二）" + zh("Departments"),
    ]
    assert {east_asian_font(p) for p in level_1} == {"黑体"}
    assert {east_asian_font(p) for p in level_2} == {"楷体_GB2312"}
    assert {size(p) for p in level_1 + level_2} == {Pt(16)}


def test_page_numbers_are_page_fields_outside_on_odd_and_even_pages(november):
    document = circular(november.evaluation)
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    for footer, alignment in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        paragraph = footer.paragraphs[0]
        assert paragraph.text == "— 1 —"
        assert paragraph.paragraph_format.alignment == alignment
        assert [i.text for i in paragraph._p.iter(qn("w:instrText"))] == [" PAGE "]
        assert east_asian_font(paragraph) == "宋体" and size(paragraph) == Pt(14)


def test_the_file_is_well_formed_ooxml(november):
    with time_machine.travel(PUBLISHED_ON, tick=False):
        content = build_circular(november.evaluation, number=NUMBER)
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        assert package.testzip() is None
        names = package.namelist()
        assert "[Content_Types].xml" in names
        for name in names:
            if name.endswith(".xml") or name.endswith(".rels"):
                ElementTree.fromstring(package.read(name))  # noqa: S314  (our own file) raises if malformed
        document = ElementTree.fromstring(package.read("word/document.xml"))  # noqa: S314
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    assert document.tag == f"{w}document"
    # the issuing number's border sits where the schema puts it: before spacing, indent, jc
    number = document.find(f"{w}body").findall(f"{w}p")[1]
    order = [child.tag.removeprefix(w) for child in number.find(f"{w}pPr")]
    assert order.index("pBdr") < order.index("spacing") < order.index("jc")


# --- content --------------------------------------------------------------------------------------
def test_overview_gives_the_months_figures(november):
    document = circular(november.evaluation)
    overview = following(document, zh("Overview"))
    with translation.override("zh-hans"):
        assert overview[0] == gettext(
            "In {month}, {points} points were inspected, {inspections} inspections in all; "
            "{passed} points passed the month and {failed} failed, a pass rate of {rate}%."
        ).format(month="2026年11月", points=5, inspections=8, passed=3, failed=2, rate="60.00")
        # problems due in the units evaluated: 城关街道 1, 东城街道 1, 县城管局 1
        assert overview[1] == gettext(
            "{found} problems were found during the month. The units evaluated had {due} problems "
            "due, of which {closed} were closed (a closing rate of {rate}%) and {on_time} closed on "
            "time; {overdue} were overdue at the end of the month and {rebounds} problems came back "
            "after being closed."
        ).format(found=5, due=3, closed=2, rate="66.67", on_time=2, overdue=1, rebounds=0)


def test_league_tables_list_the_units_in_rank_order_each_part_shown(november):
    document = circular(november.evaluation)
    territorial, departments, failing = document.tables
    assert cells(territorial)[1:] == [
        ["1", "城关街道", "75.00", "B", "50.00", "100.00", "100.00", "100.00", "0.00", "0", "0"],
        ["2", "东城街道", "52.34", "D", "66.67", "40.00", "0.00", "0.00", "0.00", "0", "1"],
    ]
    # 县住建局 had one inspection: too few observations, listed last without a rank
    assert [row[:4] for row in cells(departments)[1:]] == [
        ["1", "县城管局", "100.00", "A"],
        ["—", "县住建局", "100.00", "—"],
    ]
    with translation.override("zh-hans"):
        assert cells(territorial)[0][:4] == [
            capfirst(gettext(m)) for m in ("rank", "unit", "composite value", "band")
        ]
    # the header row repeats on every page; no row breaks across pages
    for table in (territorial, departments, failing):
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
        body_cell = table.rows[1].cells[1].paragraphs[0]
        assert east_asian_font(body_cell) == "仿宋_GB2312" and size(body_cell) == Pt(10.5)


def test_failing_points_are_ranked_with_their_leaders_and_units(november):
    document = circular(november.evaluation)
    failing = document.tables[2]
    veto = zh(" (veto item failed)")
    assert cells(failing)[1:] == [
        ["1", "东城公园", "东城街道", "东城街道", "东城科员", "85.00", "2", "1"],
        ["2", "西门菜市场" + veto, "西门社区", "城关街道", "社区点长", "99.00", "2", "1"],
    ]
    with translation.override("zh-hans"):
        assert following(document, gettext("Points that failed the month"))[0] == gettext(
            "{n} points failed the month. They are ranked below from the lowest mean score "
            "(点未达标月评排名); their point leaders and responsible units are to rectify them at once."
        ).format(n=2)


def test_exposed_problems_and_the_rewards_and_penalties_as_they_stand(november):
    if getattr(scoring_models, "ExposedProblem", None) is None:
        pytest.skip("no exposure board (scoring.models.ExposedProblem) in this tree")
    document = circular(november.evaluation)
    exposed = following(document, zh("Problems exposed"))
    left = november.left
    with translation.override("zh-hans"):
        line = gettext("{n}. {unit}: {title} ({place}; problem {code}).").format(
            n=1, unit="东城街道", title="东城公园垃圾堆积", place="人民路1号", code=left.code
        )
        assert exposed[1:] == [line + "请东城街道立即清理。"]
        sanctions = following(document, gettext("Rewards and penalties"))
        # the commendation of 县城管局 was withdrawn; the deduction's chain counts once, as applied
        assert sanctions[1:] == [
            gettext("Commended in this circular: {names}.").format(names="城关街道"),
            gettext("Criticised in this circular: {names}.").format(names="东城街道"),
            gettext("Performance points deducted: {items}.").format(
                items=gettext("{unit} {points} points ({reason})").format(
                    unit="东城街道", points="2", reason=gettext("bottom of its group")
                )
            ),
        ]


def test_next_months_requirements_are_left_for_the_office_then_signature_and_date(november):
    document = circular(november.evaluation)
    assert following(document, zh("Requirements for next month"))[:1] == [
        zh("(To be written by the campaign office.)")
    ]
    paragraphs = texts(document)
    assert paragraphs[-3:-1] == ["示范县四城同创办", "2026年12月3日"]
    assert paragraphs[-1] == "示范县四城同创办\t" + zh("Issued on {day}").format(day="2026年12月3日")
    assert document.core_properties.author == "示范县四城同创办"


def test_a_city_circular_ranks_the_counties(world, november):
    """One level up: the city office's own evaluation has its counties as the peer group."""
    with time_machine.travel(PUBLISHED_ON, tick=False):
        draft = scoring.run_month(world.people.city, world.units.city, NOVEMBER)
        evaluation = scoring.publish(world.people.city, draft.pk)
    document = circular(evaluation)
    assert document.paragraphs[0].text == zh("{issuer} document").format(issuer="示范市创城办")
    assert document.paragraphs[3].text == zh("The campaign offices of all counties, cities and districts:")
    assert [row[1] for row in cells(document.tables[0])[1:]] == ["示范县"]


def test_a_draft_makes_no_circular(world, november):
    with time_machine.travel(PUBLISHED_ON, tick=False):
        draft = scoring.run_month(world.people.office, world.units.county, NOVEMBER)
    with pytest.raises(CircularError):
        build_circular(draft)


# --- the download --------------------------------------------------------------------------------
def url(evaluation, **query):
    base = reverse("documents:circular", args=[evaluation.pk])
    return base + ("?" + "&".join(f"{k}={quote(v)}" for k, v in query.items()) if query else "")


@pytest.mark.parametrize("persona", ["office", "leader", "city"])
def test_the_office_and_the_leaders_download_the_circular(world, november, login, persona):
    response = login(getattr(world.people, persona)).get(url(november.evaluation, number=NUMBER))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="circular-202611-{november.evaluation.pk}.docx"; ')
    with translation.override("zh-hans"):
        name = gettext("circular-{area}-{month}").format(area="示范县", month="2026年11月") + ".docx"
    assert disposition.endswith(f"filename*=UTF-8''{quote(name)}")
    assert Document(io.BytesIO(response.content)).paragraphs[1].text == NUMBER
    entry = AuditLog.objects.get(action=AuditAction.EXPORT)
    assert (entry.user, entry.object_id, entry.detail) == (
        getattr(world.people, persona),
        str(november.evaluation.pk),
        {"format": "docx", "number": NUMBER},
    )


@pytest.mark.parametrize("persona", ["township", "pointleader", "department", "oversight"])
def test_units_and_oversight_who_see_the_month_are_refused_the_circular(world, november, login, persona):
    response = login(getattr(world.people, persona)).get(url(november.evaluation))
    assert response.status_code == 403
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.parametrize("persona", ["outsider", "nobody"])
def test_another_countys_evaluation_is_not_found(world, november, login, persona):
    response = login(getattr(world.people, persona)).get(url(november.evaluation))
    assert response.status_code == 404
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_draft_is_409_for_its_office_and_404_for_everyone_else(world, november, login, client):
    with time_machine.travel(PUBLISHED_ON, tick=False):
        draft = scoring.run_month(world.people.office, world.units.county, NOVEMBER)  # a correction
    assert draft.status == "draft" and draft.corrects == november.evaluation
    response = login(world.people.office).get(url(draft))
    assert response.status_code == 409
    assert zh("Documents are made from published evaluations only; publish this month first.") in (
        response.content.decode()
    )
    client.logout()
    assert login(world.people.leader).get(url(draft)).status_code == 404
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_published_correction_says_what_it_replaces(world, november):
    with time_machine.travel(PUBLISHED_ON, tick=False):
        draft = scoring.run_month(world.people.office, world.units.county, NOVEMBER)
        correction = scoring.publish(world.people.office, draft.pk, reason="补录一次督查")
    paragraphs = texts(circular(correction))
    with translation.override("zh-hans"):
        assert (
            gettext(
                "This circular replaces the results of {month} published on {day} (version {old}). "
                "Reason for the correction: {reason}"
            ).format(month="2026年11月", day="2026年12月3日", old=1, reason="补录一次督查")
            in paragraphs
        )


def test_an_overlong_issuing_number_is_refused(world, november, login):
    response = login(world.people.office).get(url(november.evaluation, number="号" * 41))
    assert response.status_code == 400
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()


def test_anonymous_is_sent_to_sign_in(client, november):
    response = client.get(url(november.evaluation))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
