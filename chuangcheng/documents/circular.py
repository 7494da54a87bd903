"""The monthly circular (通报) of a PUBLISHED evaluation as a Word document in the layout of
GB/T 9704-2012 (党政机关公文格式), ready for the office to finish, sign and seal.

Layout (the standard's figures):
* A4; 天头 (top margin) 37 mm, 订口 (left) 28 mm, so the 版心 is 156 × 225 mm (right 26 mm,
  bottom 35 mm); 22 lines of 28 characters: body 3号 (16 pt) 仿宋_GB2312, fixed line spacing
  225 mm ÷ 22 = 28.95 pt, first line indented two characters.
* 版头: the issuing authority (发文机关标志) in red 方正小标宋简体, 35 mm below the top of the
  版心; two lines below it the issuing number (发文字号, e.g. 示范县创城办〔2026〕12号); 4 mm below
  that a red line as wide as the 版心.
* Title two lines below the red line, 2号 (22 pt) 方正小标宋简体, centred; the addressees (主送机关)
  one line below it; headings 一、 in 黑体 and （一） in 楷体_GB2312, both 3号.
* Tables in 仿宋_GB2312 五号 (10.5 pt), the header row repeated on every page.
* Signature (发文机关署名) centred over the date (成文日期), the date four characters from the
  right, room above for the seal; then the 版记 line (印发机关 and 印发日期) between two rules.
* Page numbers in the footer: 4号 半角宋体 Arabic figures between one-character dashes
  ("— 1 —"), odd pages on the right and even pages on the left, one character in.

Every font is set for East-Asian text (``w:eastAsia``) as well as Latin, without theme fonts,
and the document language is zh-CN, so Word and WPS pick the Chinese faces (where a machine
lacks 方正小标宋简体 or 仿宋_GB2312, they substitute their nearest face). Only the python-docx
API and schema-ordered raw elements are written, so the file is valid OOXML.

The circular is always written in Chinese (``CIRCULAR_LANGUAGE``): it is an official Chinese
document, whatever language the clerk's pages are in.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import UTC, date
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips

from chuangcheng.org.choices import UnitKind
from chuangcheng.org.models import OrgUnit
from chuangcheng.scoring import models as scoring_models
from chuangcheng.scoring.choices import PeerGroup, SanctionKind, SanctionStatus
from chuangcheng.scoring.models import Evaluation, PointResult, Sanction, UnitResult

CIRCULAR_LANGUAGE = "zh-hans"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_NUMBER_LENGTH = 40  # 发文字号: 示范县创城办〔2026〕12号 is 15 characters

# GB/T 9704-2012
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 156 mm
LINE = Twips(579)  # 28.95 pt: 22 lines in the 225 mm 版心
FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_HEADING_1 = "黑体"
FONT_HEADING_2 = "楷体_GB2312"
FONT_PAGE_NUMBER = "宋体"
SIZE_TITLE = Pt(22)  # 二号
SIZE_BODY = Pt(16)  # 三号
SIZE_PAGE_NUMBER = Pt(14)  # 四号
SIZE_TABLE = Pt(10.5)  # 五号
SIZE_IMPRINT = Pt(14)  # 版记: 四号
CELL_MARGIN = Mm(1)
RED = RGBColor(0xFF, 0x00, 0x00)
NUMERALS = "一二三四五六七八九十"
DASH = "—"  # 一字线 around the page number
IDEOGRAPHIC_SPACE = "\u3000"

# characters python-docx refuses (not allowed in XML 1.0)
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class CircularError(Exception):
    """The circular cannot be made from this evaluation (a message fit to show)."""


# --- what the circular says -------------------------------------------------------------------
@dataclass
class Group:
    peer_group: str
    label: str
    rows: list[UnitResult]  # ranked first (by rank), then the unranked


@dataclass
class Content:
    evaluation: Evaluation
    issuer: str
    groups: list[Group] = field(default_factory=list)
    failing_points: list[PointResult] = field(default_factory=list)
    points: int = 0
    points_passed: int = 0
    exposed: list | None = None  # None: the exposure board is not there
    sanctions: list[Sanction] = field(default_factory=list)


def exposed_problems(evaluation: Evaluation) -> list | None:
    """The problems the office exposed for the month (``scoring.models.ExposedProblem``), or None
    where that model is not installed."""
    model = getattr(scoring_models, "ExposedProblem", None)
    if model is None:
        return None
    return list(
        model.objects.filter(area=evaluation.area, month=evaluation.month)
        .select_related("problem__point", "problem__responsible_unit")
        .order_by("problem__responsible_unit__name", "chosen_at", "pk")
    )


def current_sanctions(evaluation: Evaluation) -> list[Sanction]:
    """The evaluation's rewards and penalties as they stand: the newest entry of each chain,
    unless it was withdrawn."""
    return list(
        Sanction.objects.filter(evaluation=evaluation, superseded_by__isnull=True)
        .exclude(status=SanctionStatus.WITHDRAWN)
        .select_related("unit", "person")
        .order_by("kind", "rule", "unit__name", "pk")
    )


def default_issuer(area: OrgUnit) -> str:
    """The name the office signs with: the area's campaign office, its name made complete with
    the area's (县四城同创办 of 示范县 → 示范县四城同创办)."""
    office = (
        OrgUnit.objects.filter(parent=area, kind=UnitKind.CAMPAIGN_OFFICE, is_active=True)
        .order_by("sort_order", "pk")
        .first()
    )
    if office is None:
        return _("{area} campaign office").format(area=area.name)
    name = office.name
    if name.startswith(area.name):
        return name
    if name[:1] == area.name[-1:]:  # 县… under 示范县, 市… under 示范市
        return area.name + name[1:]
    return area.name + name


def gather(evaluation: Evaluation, issuer: str | None = None) -> Content:
    """Everything the circular shows, read from the published snapshot in a few queries."""
    area = evaluation.area
    content = Content(evaluation=evaluation, issuer=issuer or default_issuer(area))
    units = list(
        UnitResult.objects.filter(evaluation=evaluation)
        .select_related("unit")
        .order_by("peer_group", "rank", "unit__name_pinyin", "unit_id")
    )
    labels = dict(PeerGroup.choices)
    for value, _label in PeerGroup.choices:
        rows = [r for r in units if r.peer_group == value]
        if rows:
            ranked = [r for r in rows if r.rank is not None]
            unranked = [r for r in rows if r.rank is None]
            content.groups.append(Group(value, str(labels[value]), ranked + unranked))
    points = PointResult.objects.filter(evaluation=evaluation)
    content.points = points.count()
    content.points_passed = points.filter(passed=True).count()
    content.failing_points = list(
        points.filter(passed=False)
        .select_related("point", "responsible_unit", "township", "point_leader")
        .order_by("failing_rank", "point__code", "pk")
    )
    content.exposed = exposed_problems(evaluation)
    content.sanctions = current_sanctions(evaluation)
    return content


# --- small formatting helpers -----------------------------------------------------------------
def _text(value) -> str:
    return _ILLEGAL_XML.sub("", "" if value is None else str(value))


def _figure(value) -> str:
    """A stored two-place figure, or a dash where there is none."""
    return "—" if value is None else f"{value:.2f}"


def _percent(part: int, whole: int) -> str:
    if not whole:
        return "—"
    return str((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _points(value: Decimal) -> str:
    """Performance points without a sign or trailing zeros (2, 0.5)."""
    number = abs(value).normalize()
    return f"{number:f}"


def _month(evaluation: Evaluation) -> str:
    return date_format(evaluation.month, "YEAR_MONTH_FORMAT")  # 2026年11月


def _day(day: date) -> str:
    return date_format(day, "DATE_FORMAT")  # 2026年12月3日


def _list(names) -> str:
    return "、".join(names)  # 顿号, the Chinese list separator


def _width(text: str, size: Pt) -> int:
    """The printed width of ``text`` in EMU: Latin letters and figures are half-width."""
    return sum(size // 2 if ord(char) < 0x2E80 else size for char in text)


def _unit_name(unit) -> str:
    return unit.name if unit is not None else "—"


def _person_name(person) -> str:
    return person.display_name if person is not None else "—"


# --- raw OOXML, in schema order ----------------------------------------------------------------
PPR_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
    "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
RPR_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")


def _set_fonts(rpr, name: str) -> None:
    """One face for Latin, East-Asian and complex script text; no theme font overriding it."""
    fonts = rpr.get_or_add_rFonts()
    for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attribute}"), None)
    for attribute in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attribute}"), name)


def _set_language(rpr) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.insert_element_before(lang, *RPR_AFTER_LANG)
    lang.set(qn("w:eastAsia"), "zh-CN")  # Latin text keeps its own language (spelling)


def _border(paragraph, edges: dict[str, tuple[int, str]], space: int = 1) -> None:
    """Rules above/below a paragraph: edge → (width in eighths of a point, colour)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for edge in ("top", "bottom"):  # the schema's order: top, left, bottom, right
        if edge in edges:
            size, colour = edges[edge]
            line = OxmlElement(f"w:{edge}")
            line.set(qn("w:val"), "single")
            line.set(qn("w:sz"), str(size))
            line.set(qn("w:space"), str(space))
            line.set(qn("w:color"), colour)
            borders.append(line)
    ppr.insert_element_before(borders, *PPR_AFTER_PBDR)


def _cell_margins(table, margin) -> None:
    """Narrow left and right cell margins, so that figures like 100.00 fit their columns."""
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):  # the schema's order: top, left, bottom, right
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(int(margin / 635)))  # EMU → twentieths of a point
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.insert_element_before(
        margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange"
    )


def _page_field(paragraph) -> None:
    """A PAGE field (complex form: Word, WPS and LibreOffice all update it)."""

    def run_with(element, text=None):
        run = paragraph.add_run()
        _run_font(run, FONT_PAGE_NUMBER, SIZE_PAGE_NUMBER)
        if text is not None:
            element.text = text
            element.set(qn("xml:space"), "preserve")
        run._r.append(element)

    begin, separate, end = (OxmlElement("w:fldChar") for _ in range(3))
    begin.set(qn("w:fldCharType"), "begin")
    separate.set(qn("w:fldCharType"), "separate")
    end.set(qn("w:fldCharType"), "end")
    run_with(begin)
    run_with(OxmlElement("w:instrText"), " PAGE ")
    run_with(separate)
    run_with(OxmlElement("w:t"), "1")
    run_with(end)


def _run_font(run, name: str, size, *, bold: bool | None = None, colour: RGBColor | None = None) -> None:
    _set_fonts(run._r.get_or_add_rPr(), name)
    run.font.size = size
    if bold is not None:
        run.font.bold = bold
    if colour is not None:
        run.font.color.rgb = colour


# --- the document's styles -----------------------------------------------------------------------
def _reset_style(style) -> None:
    """Drop a template style's own formatting (theme fonts, colours, spacing, borders)."""
    element = style.element
    for tag in ("w:pPr", "w:rPr"):
        found = element.find(qn(tag))
        if found is not None:
            element.remove(found)


def _paragraph_style(style, *, font: str, size, first_line=None, align=None, line=LINE, outline=None):
    _set_fonts(style.element.get_or_add_rPr(), font)
    style.font.size = size
    style.font.bold = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    fmt = style.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = line
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    if first_line is not None:
        fmt.first_line_indent = first_line
    if align is not None:
        fmt.alignment = align
    if outline is not None:
        fmt.keep_with_next = True
        style.element.get_or_add_pPr().get_or_add_outlineLvl().val = outline


def _styles(document) -> None:
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, FONT_BODY)
    _set_language(rpr)
    defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).remove_all("w:spacing")

    normal = styles["Normal"]
    _paragraph_style(
        normal, font=FONT_BODY, size=SIZE_BODY, first_line=SIZE_BODY * 2, align=WD_ALIGN_PARAGRAPH.JUSTIFY
    )
    title = styles["Title"]
    _reset_style(title)
    _paragraph_style(
        title, font=FONT_TITLE, size=SIZE_TITLE, first_line=0, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(35)
    )
    for name, font, level in (("Heading 1", FONT_HEADING_1, 0), ("Heading 2", FONT_HEADING_2, 1)):
        heading = styles[name]
        _reset_style(heading)
        _paragraph_style(heading, font=font, size=SIZE_BODY, outline=level)
    for name, font in (("Table Text", FONT_BODY), ("Table Heading", FONT_HEADING_1)):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        _paragraph_style(
            style, font=font, size=SIZE_TABLE, first_line=0, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(15)
        )
    theme_language = document.settings.element.find(qn("w:themeFontLang"))
    if theme_language is not None:
        theme_language.set(qn("w:eastAsia"), "zh-CN")


def _page(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.gutter = 0
    section.header_distance = Mm(15)
    # the dash of the page number 7 mm below the 版心 (35 mm from the bottom edge)
    section.footer_distance = Mm(25)
    document.settings.odd_and_even_pages_header_footer = True
    for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        fmt = paragraph.paragraph_format
        fmt.first_line_indent = 0
        fmt.line_spacing = 1.0
        fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
        if odd:
            fmt.right_indent = SIZE_PAGE_NUMBER  # one character in from the outer edge
        else:
            fmt.left_indent = SIZE_PAGE_NUMBER
        _run_font(paragraph.add_run(f"{DASH} "), FONT_PAGE_NUMBER, SIZE_PAGE_NUMBER)
        _page_field(paragraph)
        _run_font(paragraph.add_run(f" {DASH}"), FONT_PAGE_NUMBER, SIZE_PAGE_NUMBER)


# --- writing -----------------------------------------------------------------------------------
class Writer:
    def __init__(self, document):
        self.document = document
        self.level_1 = 0
        self.level_2 = 0

    def paragraph(self, text="", style=None):
        return self.document.add_paragraph(_text(text), style=style)

    def plain(self, text="", *, align=None, before=None, right=None):
        """A paragraph without the first-line indent (masthead, addressees, signature)."""
        paragraph = self.paragraph(text)
        fmt = paragraph.paragraph_format
        fmt.first_line_indent = 0
        if align is not None:
            fmt.alignment = align
        if before is not None:
            fmt.space_before = before
        if right is not None:
            fmt.right_indent = right
        return paragraph

    def heading_1(self, text):
        self.level_1 += 1
        self.level_2 = 0
        return self.paragraph(f"{NUMERALS[self.level_1 - 1]}、{text}", style="Heading 1")

    def heading_2(self, text):
        self.level_2 += 1
        return self.paragraph(f"（{NUMERALS[self.level_2 - 1]}）{text}", style="Heading 2")

    def table(
        self, headers: list[str], rows: list[list[str]], widths_mm: list[float], left: set[int] = frozenset()
    ):
        """A table as wide as the 版心: fixed column widths, header row repeated on each page,
        rows never split across pages."""
        scale = TEXT_WIDTH / Mm(sum(widths_mm))
        widths = [int(Mm(w) * scale) for w in widths_mm]
        table = self.document.add_table(rows=1 + len(rows), cols=len(headers))
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        table_width = table._tbl.tblPr.find(qn("w:tblW"))
        if table_width is not None:
            table_width.set(qn("w:type"), "dxa")
            table_width.set(qn("w:w"), str(int(sum(widths) / 635)))  # EMU → twentieths of a point
        for index, width in enumerate(widths):
            table.columns[index].width = width
        _cell_margins(table, CELL_MARGIN)
        for row_index, values in enumerate([headers, *rows]):
            row = table.rows[row_index]
            trpr = row._tr.get_or_add_trPr()
            trpr.append(OxmlElement("w:cantSplit"))
            if row_index == 0:
                trpr.append(OxmlElement("w:tblHeader"))
            for index, value in enumerate(values):
                cell = row.cells[index]
                cell.width = widths[index]
                cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
                paragraph = cell.paragraphs[0]
                paragraph.style = self.document.styles["Table Heading" if row_index == 0 else "Table Text"]
                if row_index and index in left:
                    paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
                paragraph.add_run(_text(value))
        return table


def _masthead(writer: Writer, content: Content, number: str) -> None:
    mark = _("{issuer} document").format(issuer=content.issuer)
    # as large as fits one line of the 版心, at most 初号 (42 pt)
    size = Pt(min(42, int(Pt(150 * 72 / 25.4) / _width(mark, Pt(1)))))
    masthead = writer.plain(align=WD_ALIGN_PARAGRAPH.CENTER, before=Mm(35))
    masthead.paragraph_format.line_spacing = Pt(int(size.pt * 1.25))
    _run_font(masthead.add_run(_text(mark)), FONT_TITLE, size, colour=RED)
    issue_number = writer.plain(number, align=WD_ALIGN_PARAGRAPH.CENTER, before=LINE * 2)
    # the red line, 4 mm (11 pt) below the issuing number and as wide as the 版心
    _border(issue_number, {"bottom": (12, "FF0000")}, space=11)


def _title_and_addressees(writer: Writer, content: Content) -> None:
    evaluation = content.evaluation
    writer.paragraph(
        _("Circular on the monthly campaign evaluation of {month}").format(month=_month(evaluation)),
        style="Title",
    ).paragraph_format.space_before = LINE * 2
    if evaluation.peer_level == "counties":
        addressees = _("The campaign offices of all counties, cities and districts:")
    else:
        addressees = _("All townships and streets, and all county departments and units:")
    writer.plain(addressees, before=LINE)


def _opening(writer: Writer, content: Content) -> None:
    evaluation = content.evaluation
    writer.paragraph(
        _(
            "Under the monthly evaluation rules (version {version}), the campaign office has evaluated "
            "{month}: the inspections of the campaign's points and the units' rectification of "
            "problems, with every figure as of the end of the month. The results are circulated as "
            "follows."
        ).format(version=evaluation.settings_version.version, month=_month(evaluation))
    )
    if evaluation.corrects_id:
        corrected = evaluation.corrects
        writer.paragraph(
            _(
                "This circular replaces the results of {month} published on {day} (version {old}). "
                "Reason for the correction: {reason}"
            ).format(
                month=_month(evaluation),
                day=_day(timezone.localtime(corrected.published_at).date()),
                old=corrected.number,
                reason=evaluation.reason,
            )
        )


def _overview(writer: Writer, content: Content) -> None:
    evaluation = content.evaluation
    counts = evaluation.input_counts or {}
    writer.heading_1(_("Overview"))
    if content.points:
        writer.paragraph(
            _(
                "In {month}, {points} points were inspected, {inspections} inspections in all; "
                "{passed} points passed the month and {failed} failed, a pass rate of {rate}%."
            ).format(
                month=_month(evaluation),
                points=content.points,
                inspections=counts.get("inspections", 0),
                passed=content.points_passed,
                failed=content.points - content.points_passed,
                rate=_percent(content.points_passed, content.points),
            )
        )
    else:
        writer.paragraph(_("No point was inspected in {month}.").format(month=_month(evaluation)))
    units = [row for group in content.groups for row in group.rows]
    due = sum(row.problems for row in units)
    closed = sum(row.closed for row in units)
    writer.paragraph(
        _(
            "{found} problems were found during the month. The units evaluated had {due} problems "
            "due, of which {closed} were closed (a closing rate of {rate}%) and {on_time} closed on "
            "time; {overdue} were overdue at the end of the month and {rebounds} problems came back "
            "after being closed."
        ).format(
            found=counts.get("problems", 0),
            due=due,
            closed=closed,
            rate=_percent(closed, due),
            on_time=sum(row.closed_on_time for row in units),
            overdue=sum(row.overdue for row in units),
            rebounds=sum(row.rebounds for row in units),
        )
    )


LEAGUE_FIELDS = (
    "point_pass_rate", "rectification", "closing_rate", "on_time_rate", "rework_rate", "rebounds", "overdue",
)  # fmt: skip


def _field_label(model, name: str) -> str:
    return str(capfirst(model._meta.get_field(name).verbose_name))


def _league(writer: Writer, content: Content) -> None:
    writer.heading_1(_("Rankings"))
    if not content.groups:
        writer.paragraph(_("No unit was evaluated this month."))
        return
    headers = [_field_label(UnitResult, n) for n in ("rank", "unit", "composite", "band", *LEAGUE_FIELDS)]
    for group in content.groups:
        writer.heading_2(group.label)
        ranked = [row for row in group.rows if row.rank is not None]
        unranked = [row for row in group.rows if row.rank is None]
        if ranked:
            best = [row.unit.name for row in ranked if row.rank == 1]
            writer.paragraph(
                _("{n} units were ranked; {best} came first with a composite value of {value}.").format(
                    n=len(ranked), best=_list(best), value=_figure(ranked[0].composite)
                )
            )
        if unranked:
            writer.paragraph(
                _("Too few observations to be ranked this month: {names}.").format(
                    names=_list(row.unit.name for row in unranked)
                )
            )
        rows = [
            [
                str(row.rank) if row.rank is not None else "—",
                row.unit.name,
                _figure(row.composite),
                row.band or "—",
                *(
                    str(getattr(row, name))
                    if name in ("rebounds", "overdue")
                    else _figure(getattr(row, name))
                    for name in LEAGUE_FIELDS
                ),
            ]
            for row in group.rows
        ]
        writer.table(headers, rows, [9, 26, 15, 9, 16, 15, 15, 15, 15, 10, 10], left={1})


def _failing_points(writer: Writer, content: Content) -> None:
    writer.heading_1(_("Points that failed the month"))
    failing = content.failing_points
    if not failing:
        writer.paragraph(_("Every point inspected passed the month."))
        return
    writer.paragraph(
        _(
            "{n} points failed the month. They are ranked below from the lowest mean score "
            "(点未达标月评排名); their point leaders and responsible units are to rectify them at once."
        ).format(n=len(failing))
    )
    headers = [
        _field_label(UnitResult, "rank"),
        _field_label(PointResult, "point"),
        _field_label(PointResult, "responsible_unit"),
        _field_label(PointResult, "township"),
        _field_label(PointResult, "point_leader"),
        _field_label(PointResult, "mean_score"),
        _field_label(PointResult, "inspections"),
        _field_label(PointResult, "months_failing"),
    ]
    rows = [
        [
            str(row.failing_rank or "—"),
            row.point.name + (_(" (veto item failed)") if row.veto_failed else ""),
            _unit_name(row.responsible_unit),
            _unit_name(row.township),
            _person_name(row.point_leader),
            _figure(row.mean_score),
            str(row.inspections),
            str(row.months_failing),
        ]
        for row in failing
    ]
    writer.table(headers, rows, [9, 30, 22, 20, 18, 14, 12, 14], left={1, 2, 3})


def _exposed(writer: Writer, content: Content) -> None:
    writer.heading_1(_("Problems exposed"))
    if not content.exposed:
        writer.paragraph(_("No problem was exposed this month."))
        return
    writer.paragraph(
        _("The campaign office exposes the following {n} problems on the exposure board:").format(
            n=len(content.exposed)
        )
    )
    for index, exposure in enumerate(content.exposed, start=1):
        problem = exposure.problem
        place = problem.point.name if problem.point_id else problem.address
        line = _("{n}. {unit}: {title} ({place}; problem {code}).").format(
            n=index,
            unit=_unit_name(problem.responsible_unit),
            title=problem.title,
            place=place or "—",
            code=problem.code,
        )
        note = getattr(exposure, "note", "")
        writer.paragraph(f"{line}{note}" if note else line)


def _sanction_line(kind: str, entries: list[Sanction]) -> str:
    def reason(entry: Sanction) -> str:
        if entry.rule.startswith("rebound"):
            return _("rebounds")
        if entry.rule.startswith("bottom"):
            return _("bottom of its group")
        if entry.rule.startswith("top"):
            return _("top of its group")
        if entry.rule.startswith("point_fail_streak"):
            return _("its point failed months running")
        return entry.rule

    if kind == SanctionKind.PRAISE:
        return _("Commended in this circular: {names}.").format(
            names=_list(_unit_name(e.unit) for e in entries)
        )
    if kind == SanctionKind.CRITICISM:
        return _("Criticised in this circular: {names}.").format(
            names=_list(_unit_name(e.unit) for e in entries)
        )
    if kind == SanctionKind.DEDUCTION:
        items = [
            _("{unit} {points} points ({reason})").format(
                unit=_unit_name(e.unit), points=_points(e.points), reason=reason(e)
            )
            for e in entries
        ]
        return _("Performance points deducted: {items}.").format(items=_list(items))
    if kind == SanctionKind.INTERVIEW:
        items = [
            _("{person} ({unit})").format(person=_person_name(e.person), unit=_unit_name(e.unit))
            for e in entries
        ]
        return _("Point leaders to be interviewed (约谈): {items}.").format(items=_list(items))
    names = _list(e.unit.name if e.unit else _person_name(e.person) for e in entries)
    return f"{SanctionKind(kind).label}: {names}"


def _sanctions(writer: Writer, content: Content) -> None:
    writer.heading_1(_("Rewards and penalties"))
    if not content.sanctions:
        writer.paragraph(_("The rules give no reward or penalty this month."))
        return
    writer.paragraph(_("Under the evaluation rules:"))
    for kind, _label in SanctionKind.choices:
        entries = [e for e in content.sanctions if e.kind == kind]
        if entries:
            writer.paragraph(_sanction_line(kind, entries))


def _requirements(writer: Writer) -> None:
    writer.heading_1(_("Requirements for next month"))
    placeholder = writer.paragraph()
    run = placeholder.add_run(_text(_("(To be written by the campaign office.)")))
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW  # easy to find before signing


def _signature(writer: Writer, content: Content, day: date) -> None:
    signed = _day(day)
    name_width, date_width = _width(content.issuer, SIZE_BODY), _width(signed, SIZE_BODY)
    # the date four characters in from the right; the name centred over it (or the date under a
    # longer name, the name then two characters in)
    date_right = SIZE_BODY * 4
    if name_width > date_width + SIZE_BODY * 4:
        name_right = SIZE_BODY * 2
        date_right = name_right + (name_width - date_width) // 2
    else:
        name_right = date_right + (date_width - name_width) // 2
    writer.plain(content.issuer, align=WD_ALIGN_PARAGRAPH.RIGHT, before=LINE * 2, right=name_right)
    writer.plain(signed, align=WD_ALIGN_PARAGRAPH.RIGHT, right=date_right)
    # 版记: 印发机关 on the left, 印发日期 on the right, between two rules
    imprint = writer.plain(before=LINE)
    fmt = imprint.paragraph_format
    fmt.left_indent = fmt.right_indent = SIZE_IMPRINT
    fmt.tab_stops.add_tab_stop(TEXT_WIDTH - SIZE_IMPRINT * 2, WD_TAB_ALIGNMENT.RIGHT)
    _border(imprint, {"top": (8, "000000"), "bottom": (8, "000000")}, space=4)
    _run_font(imprint.add_run(_text(content.issuer)), FONT_BODY, SIZE_IMPRINT)
    imprint.add_run().add_tab()
    _run_font(imprint.add_run(_("Issued on {day}").format(day=signed)), FONT_BODY, SIZE_IMPRINT)


def _properties(document, content: Content, title: str) -> None:
    now = timezone.now().replace(microsecond=0)
    properties = document.core_properties
    properties.title = _text(title)
    properties.author = properties.last_modified_by = _text(content.issuer)
    properties.subject = properties.keywords = properties.comments = properties.category = ""
    properties.language = "zh-CN"
    # python-docx writes these as UTC
    properties.created = properties.modified = now.astimezone(UTC).replace(tzinfo=None)
    properties.revision = 1


def build_circular(
    evaluation: Evaluation, *, number: str = "", issuer: str | None = None, day: date | None = None
) -> bytes:
    """The .docx of a published evaluation. ``number``: the issuing number (发文字号), written
    as given; ``issuer``: the issuing office's name (default: the area's campaign office);
    ``day``: the date of issue (default today). Refuses a draft (CircularError)."""
    if not evaluation.is_published:
        raise CircularError(
            _("Documents are made from published evaluations only; publish this month first.")
        )
    day = day or timezone.localdate()
    with translation.override(CIRCULAR_LANGUAGE):
        content = gather(evaluation, issuer)
        document = Document()
        _styles(document)
        _page(document)
        # the template's one empty paragraph would stand above the masthead
        body = document.element.body
        for paragraph in body.findall(qn("w:p")):
            body.remove(paragraph)
        writer = Writer(document)
        _masthead(writer, content, _text(number).strip())
        _title_and_addressees(writer, content)
        _opening(writer, content)
        _overview(writer, content)
        _league(writer, content)
        _failing_points(writer, content)
        if content.exposed is not None:
            _exposed(writer, content)
        _sanctions(writer, content)
        _requirements(writer)
        _signature(writer, content, day)
        title = _("Circular on the monthly campaign evaluation of {month}").format(month=_month(evaluation))
        _properties(document, content, title)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def circular_filename(evaluation: Evaluation) -> str:
    """The file's name, in Chinese like the document (通报-示范县-2026年11月.docx)."""
    with translation.override(CIRCULAR_LANGUAGE):
        name = _("circular-{area}-{month}").format(area=evaluation.area.name, month=_month(evaluation))
        if evaluation.number > 1:
            name += f"-v{evaluation.number}"
    return f"{name}.docx"
