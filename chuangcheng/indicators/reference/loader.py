"""Check the reference content and write it into a campaign area, in one transaction.

``load_reference(area, activate=..., replace=...)`` is what ``manage.py load_reference`` and the
demo call. It validates everything first and writes nothing if any part is wrong; the error
names the file and key (``point_types.py: POINT_TYPES[NMSC].items[8]``) and the reason.

Units are referred to by name in the data (牵头单位 "县城市管理局") and resolved to the org units
of the area at load time; a name with no unit leaves the field empty and is reported.
"""

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from chuangcheng.indicators.actions import archive_active_systems
from chuangcheng.indicators.choices import (
    CityLevel,
    Comparison,
    Method,
    PeriodType,
    ScoringMode,
    SystemStatus,
    Title,
)
from chuangcheng.indicators.models import (
    AssessmentSystem,
    CheckItem,
    Indicator,
    Metric,
    MetricTargetBand,
    PointType,
)
from chuangcheng.indicators.reference import sources
from chuangcheng.indicators.validation import TreeRow, check_tree
from chuangcheng.org.choices import AREA_KINDS
from chuangcheng.org.models import OrgUnit

CODE_PATTERN = re.compile(r"^[1-9]\d*(\.[1-9]\d*)*$")


class ReferenceLoadError(Exception):
    """The reference could not be loaded; nothing was written."""


@dataclass(frozen=True)
class Problem:
    location: str  # file and key, e.g. "civilised.py: SYSTEM.indicators[1.2.3]"
    message: str

    def __str__(self):
        return f"{self.location}: {self.message}"


class ReferenceDataError(ReferenceLoadError):
    """The reference data itself is wrong (a bad code, a negative score…)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = [
            _("The reference data is invalid; nothing was loaded ({n} problems):").format(n=len(problems))
        ]
        lines += [f"  {problem}" for problem in problems]
        super().__init__("\n".join(lines))


class ReferenceConflict(ReferenceLoadError):
    """The area already holds some of this content and replacing it was not asked for."""


@dataclass
class LoadSummary:
    systems: list[AssessmentSystem] = field(default_factory=list)
    indicators: int = 0
    point_types: int = 0
    check_items: int = 0
    metrics: int = 0
    archived: list[AssessmentSystem] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unresolved_units: Counter = field(default_factory=Counter)  # unit name → references left empty
    warnings: list[Problem] = field(default_factory=list)


# --- validation -------------------------------------------------------------------------------


def _walk(nodes, parent_code=""):
    """(node, parent code) for a tree of indicator dicts, parents before children, in order."""
    for node in nodes:
        yield node, parent_code
        yield from _walk(node.get("children") or [], node.get("code", ""))


def _negative(value) -> bool:
    return value is not None and Decimal(value) < 0


def check_reference(data: dict | None = None) -> tuple[list[Problem], list[Problem]]:
    """Every problem (which stops the load) and warning (printed, load goes on) in the data."""
    data = data or sources()
    problems: list[Problem] = []
    warnings: list[Problem] = []
    point_type_file, point_types = data["point_types"]
    point_type_codes = {pt.get("code") for pt in point_types}
    codes_by_key: dict[str, set[str]] = {}

    seen_editions = set()
    for file, system in data["systems"]:
        key = system.get("key", "")
        where = f"{file}: SYSTEM"
        if not key or key in codes_by_key:
            problems.append(
                Problem(f"{where}.key", _("missing or duplicate system key {key!r}").format(key=key))
            )
        if system.get("title") not in Title.values:
            problems.append(
                Problem(f"{where}.title", _("unknown title {value!r}").format(value=system.get("title")))
            )
        if system.get("city_level") not in CityLevel.values:
            problems.append(
                Problem(
                    f"{where}.city_level",
                    _("unknown city level {value!r}").format(value=system.get("city_level")),
                )
            )
        if not system.get("edition") or not system.get("name"):
            problems.append(Problem(where, _("a system needs a name and an edition")))
        edition = (system.get("title"), system.get("city_level"), system.get("edition"))
        if edition in seen_editions:
            problems.append(Problem(f"{where}.edition", _("this edition is listed twice")))
        seen_editions.add(edition)
        if _negative(system.get("total_score")):
            problems.append(
                Problem(
                    f"{where}.total_score", _("negative score {value}").format(value=system["total_score"])
                )
            )
        codes_by_key[key] = _check_tree(file, system, point_type_codes, problems, warnings)

    def check_reference_to_indicator(location, ref):
        system_key, _sep, code = ref.partition(":")
        if system_key not in codes_by_key:
            problems.append(
                Problem(location, _("unknown system {key!r} in {ref!r}").format(key=system_key, ref=ref))
            )
        elif code not in codes_by_key[system_key]:
            problems.append(Problem(location, _("unknown indicator code {ref!r}").format(ref=ref)))

    seen_types = set()
    for pt in point_types:
        where = f"{point_type_file}: POINT_TYPES[{pt.get('code')}]"
        if not pt.get("code") or pt["code"] in seen_types:
            problems.append(Problem(where, _("missing or duplicate point type code")))
        seen_types.add(pt.get("code"))
        if not pt.get("name"):
            problems.append(Problem(f"{where}.name", _("a point type needs a name")))
        for number, item in enumerate(pt.get("items") or [], start=1):
            _check_item(f"{where}.items[{number}]", item, problems, check_reference_to_indicator)

    metric_file, metrics = data["metrics"]
    seen_metrics = set()
    for metric in metrics:
        where = f"{metric_file}: METRICS[{metric.get('code')}]"
        if not metric.get("code") or metric["code"] in seen_metrics:
            problems.append(Problem(where, _("missing or duplicate metric code")))
        seen_metrics.add(metric.get("code"))
        if metric.get("comparison") not in Comparison.values:
            problems.append(
                Problem(
                    f"{where}.comparison",
                    _("unknown comparison {value!r}").format(value=metric.get("comparison")),
                )
            )
        if metric.get("period_type") not in PeriodType.values:
            problems.append(
                Problem(
                    f"{where}.period_type",
                    _("unknown period {value!r}").format(value=metric.get("period_type")),
                )
            )
        if metric.get("indicator"):
            check_reference_to_indicator(f"{where}.indicator", metric["indicator"])
        bands = metric.get("bands") or []
        if metric.get("target") is None and not bands and metric.get("comparison") != Comparison.IMPROVING:
            problems.append(Problem(f"{where}.target", _("a target is required for this comparison")))
        for number, (lower, upper, target) in enumerate(bands, start=1):
            if lower is not None and upper is not None and lower >= upper:
                problems.append(
                    Problem(
                        f"{where}.bands[{number}]", _("the band's lower bound is not below its upper bound")
                    )
                )
            if target is None:
                problems.append(Problem(f"{where}.bands[{number}]", _("a band needs a target")))
        if bands and not metric.get("band_attribute"):
            problems.append(
                Problem(f"{where}.band_attribute", _("banded targets need the attribute they depend on"))
            )
    return problems, warnings


def _check_tree(file, system, point_type_codes, problems, warnings) -> set[str]:
    """The reference's own rules (codes spell the tree, every leaf has a method, …), then the
    rules every indicator tree follows (``validation.check_tree``: scores, levels, totals)."""
    codes: set[str] = set()
    declares_totals = system.get("declares_totals", False)
    rows = []
    for node, parent_code in _walk(system.get("indicators") or []):
        code = node.get("code", "")
        where = f"{file}: SYSTEM.indicators[{code}]"
        if not CODE_PATTERN.match(code):
            problems.append(Problem(where, _("malformed code {code!r}").format(code=code)))
        elif code.rpartition(".")[0] != parent_code:
            problems.append(
                Problem(
                    where,
                    _("code {code} does not sit under its parent {parent}").format(
                        code=code, parent=parent_code or "—"
                    ),
                )
            )
        codes.add(code)
        if not node.get("name"):
            problems.append(Problem(f"{where}.name", _("an indicator needs a name")))
        children = node.get("children") or []
        method = node.get("method") or ""
        if method and method not in Method.values:
            problems.append(Problem(f"{where}.method", _("unknown method {value!r}").format(value=method)))
        if not children and not method:
            problems.append(Problem(f"{where}.method", _("a leaf indicator needs a method")))
        if not children and declares_totals and node.get("max_score") is None:
            problems.append(
                Problem(f"{where}.max_score", _("the system declares totals, so every leaf needs a score"))
            )
        for code_of_type in node.get("point_types") or []:
            if code_of_type not in point_type_codes:
                problems.append(
                    Problem(
                        f"{where}.point_types",
                        _("unknown point type code {code!r}").format(code=code_of_type),
                    )
                )
        rows.append(
            TreeRow(
                code=code,
                parent_code=parent_code,
                level=code.count(".") + 1,
                max_score=node.get("max_score"),
                weight=node.get("weight"),
                method=method,
            )
        )
    for issue in check_tree(rows, declares_totals=declares_totals, total_score=system.get("total_score")):
        if issue.code == "leaf_without_method":
            continue  # an error here, reported above
        if issue.indicator_code:
            where = f"{file}: SYSTEM.indicators[{issue.indicator_code}]" + (
                f".{issue.field}" if issue.field else ""
            )
        else:
            where = f"{file}: SYSTEM.{issue.field or 'indicators'}"
        (problems if issue.is_error else warnings).append(Problem(where, issue.message))
    return codes


def _check_item(where, item, problems, check_reference_to_indicator):
    if not item.get("text"):
        problems.append(Problem(f"{where}.text", _("a check item needs a text")))
    serves = item.get("serves") or []
    if not serves:
        problems.append(Problem(f"{where}.serves", _("a check item must serve at least one indicator")))
    for ref in serves:
        check_reference_to_indicator(f"{where}.serves", ref)
    mode = item.get("scoring_mode")
    if mode == ScoringMode.PASS_FAIL:
        if item.get("deduction") is None:
            problems.append(Problem(f"{where}.deduction", _("a pass/fail item needs a deduction")))
    elif mode == ScoringMode.STATUS_SCALE:
        if item.get("points") is None or not item.get("c_sharp"):
            problems.append(
                Problem(where, _("a status-scale item needs its points and the violations for C#"))
            )
        cutoffs = [item.get(k) for k in ("b", "c", "c_sharp") if item.get(k) is not None]
        if cutoffs != sorted(set(cutoffs)):
            problems.append(Problem(where, _("the violations for B, C and C# must rise")))
    else:
        problems.append(
            Problem(f"{where}.scoring_mode", _("unknown scoring mode {value!r}").format(value=mode))
        )
    for field_name in ("deduction", "points"):
        if _negative(item.get(field_name)):
            problems.append(
                Problem(f"{where}.{field_name}", _("negative score {value}").format(value=item[field_name]))
            )


# --- loading ----------------------------------------------------------------------------------


class _Units:
    """Org units of the area by name; remembers the names it could not find."""

    def __init__(self, area: OrgUnit, summary: LoadSummary):
        self.by_name: dict[str, OrgUnit] = {}
        for unit in area.descendants(include_self=True).order_by("depth", "path"):
            self.by_name.setdefault(unit.name, unit)  # the shallowest wins if a name repeats
        self.summary = summary

    def get(self, name: str) -> OrgUnit | None:
        if not name:
            return None
        unit = self.by_name.get(name)
        if unit is None:
            self.summary.unresolved_units[name] += 1
        return unit


def _item_code(point_type_code: str, number: int) -> str:
    return f"{point_type_code}-{number:02d}"


def _conflicts(area, data) -> tuple[list[AssessmentSystem], list[str], list[str]]:
    editions = [(s["title"], s["city_level"], s["edition"]) for _file, s in data["systems"]]
    existing = [
        system
        for system in AssessmentSystem.objects.filter(area=area).order_by("pk")
        if (system.title, system.city_level, system.edition) in editions
    ]
    type_codes = [pt["code"] for pt in data["point_types"][1]]
    existing_types = list(
        PointType.objects.filter(area=area, code__in=type_codes)
        .order_by("code")
        .values_list("code", flat=True)
    )
    metric_codes = [m["code"] for m in data["metrics"][1]]
    existing_metrics = list(
        Metric.objects.filter(area=area, code__in=metric_codes)
        .order_by("code")
        .values_list("code", flat=True)
    )
    return existing, existing_types, existing_metrics


def load_reference(
    area: OrgUnit,
    *,
    activate: bool = False,
    replace: bool = False,
    write: Callable[[str], object] | None = None,
    data: dict | None = None,
) -> LoadSummary:
    """Validate the reference content and write it into ``area`` (a county or city), atomically.

    Without ``replace``, refuses (``ReferenceConflict``) when the area already has any of the
    editions, point type codes or metric codes. With it, those editions are deleted and built
    again (an active one stays active), and point types, check items and metrics with the same
    codes are updated in place — points and metric values keep pointing at them.
    ``activate`` makes the loaded systems the active ones, archiving the previously active
    system of the same title and level.
    """
    write = write or (lambda line: None)
    data = data or sources()
    if area.kind not in AREA_KINDS:
        raise ReferenceLoadError(
            _("{unit} is not a campaign area (a county or a city).").format(unit=area.name)
        )
    write(_("Checking the reference content…"))
    problems, warnings = check_reference(data)
    if problems:
        raise ReferenceDataError(problems)

    summary = LoadSummary(warnings=warnings)
    with transaction.atomic():
        existing_systems, existing_types, existing_metrics = _conflicts(area, data)
        if (existing_systems or existing_types or existing_metrics) and not replace:
            found = [f"{s.name}（{s.edition}）" for s in existing_systems]
            if existing_types:
                found.append(_("point types {codes}").format(codes="、".join(existing_types)))
            if existing_metrics:
                found.append(_("metrics {codes}").format(codes="、".join(existing_metrics)))
            raise ReferenceConflict(
                _("{area} already has: {found}. Nothing was changed; use --replace to replace them.").format(
                    area=area.name, found="；".join(found)
                )
            )
        units = _Units(area, summary)
        was_active = set()
        for system in existing_systems:
            if system.status == SystemStatus.ACTIVE:
                was_active.add((system.title, system.city_level))
            summary.replaced.append(f"{system.name}（{system.edition}）")
            system.delete()

        indicators: dict[str, dict[str, Indicator]] = {}
        for _file, system_data in data["systems"]:
            system, by_code = _load_system(area, system_data, units, activate, was_active, summary)
            indicators[system_data["key"]] = by_code
            summary.systems.append(system)
            summary.indicators += len(by_code)
            write(
                _("  {name} ({edition}): {count} indicators").format(
                    name=system.name, edition=system.edition, count=len(by_code)
                )
            )

        point_types = _load_point_types(area, data["point_types"][1], indicators, summary)
        write(
            _("  Point types: {types}, check items: {items}").format(
                types=summary.point_types, items=summary.check_items
            )
        )
        _link_indicator_point_types(data, indicators, point_types)
        _load_metrics(area, data["metrics"][1], indicators, units, summary)
        write(_("  Metrics: {count}").format(count=summary.metrics))
    return summary


def _load_system(
    area, data, units, activate, was_active, summary
) -> tuple[AssessmentSystem, dict[str, Indicator]]:
    status = SystemStatus.DRAFT
    if activate or (data["title"], data["city_level"]) in was_active:
        archived = archive_active_systems(area, data["title"], data["city_level"])
        summary.archived += list(AssessmentSystem.objects.filter(pk__in=archived))
        status = SystemStatus.ACTIVE
    system = AssessmentSystem.objects.create(
        area=area,
        title=data["title"],
        city_level=data["city_level"],
        name=data["name"],
        edition=data["edition"],
        year=data["year"],
        status=status,
        declares_totals=data.get("declares_totals", False),
        total_score=data.get("total_score"),
        is_sample=data.get("is_sample", False),
        source=data.get("source", ""),
        notes=data.get("notes", ""),
    )
    # parents first, one bulk insert per level: children need their parent's id
    by_level: dict[int, list[tuple[int, dict, str]]] = defaultdict(list)
    for order, (node, parent_code) in enumerate(_walk(data["indicators"]), start=1):
        by_level[node["code"].count(".") + 1].append((order, node, parent_code))
    by_code: dict[str, Indicator] = {}
    cooperating = []
    for level in sorted(by_level):
        rows = [
            Indicator(
                system=system,
                parent=by_code.get(parent_code),
                level=level,
                code=node["code"],
                name=node["name"],
                description=node.get("description", ""),
                max_score=node.get("max_score"),
                weight=node.get("weight"),
                method=node.get("method") or "",
                lead_unit=units.get(node.get("lead", "")),
                sort_order=order,
                notes=node.get("notes", ""),
            )
            for order, node, parent_code in by_level[level]
        ]
        for indicator, (_order, node, _parent) in zip(
            Indicator.objects.bulk_create(rows), by_level[level], strict=True
        ):
            by_code[indicator.code] = indicator
            for name in node.get("cooperating") or []:
                unit = units.get(name)
                if unit is not None:
                    cooperating.append(Indicator.cooperating_units.through(indicator=indicator, orgunit=unit))
    Indicator.cooperating_units.through.objects.bulk_create(cooperating)
    return system, by_code


def _resolve(indicators, ref: str) -> Indicator:
    key, _sep, code = ref.partition(":")
    return indicators[key][code]


def _load_point_types(area, data, indicators, summary) -> dict[str, PointType]:
    existing = {pt.code: pt for pt in PointType.objects.filter(area=area)}
    new, changed = [], []
    for order, pt_data in enumerate(data, start=1):
        fields = {
            "name": pt_data["name"],
            "protocol": pt_data.get("protocol", ""),
            "walk_metres": pt_data.get("walk_metres"),
            "sample_count": pt_data.get("sample_count"),
            "sort_order": order * 10,
            "is_active": True,
            "is_sample": True,
        }
        point_type = existing.get(pt_data["code"])
        if point_type is None:
            new.append(PointType(area=area, code=pt_data["code"], **fields))
        else:
            for name, value in fields.items():
                setattr(point_type, name, value)
            changed.append(point_type)
    PointType.objects.bulk_create(new)
    if changed:
        PointType.objects.bulk_update(
            changed,
            ["name", "protocol", "walk_metres", "sample_count", "sort_order", "is_active", "is_sample"],
        )
    by_code = {pt.code: pt for pt in [*new, *changed]}
    summary.point_types = len(by_code)

    existing_items = {
        (item.point_type_id, item.code): item for item in CheckItem.objects.filter(point_type__in=changed)
    }
    new_items, changed_items, links = [], [], []
    item_fields = [
        "text",
        "scoring_mode",
        "points",
        "deduction",
        "threshold_b",
        "threshold_c",
        "threshold_c_sharp",
        "photo_required_on_failure",
        "is_veto",
        "sort_order",
        "is_active",
    ]
    for pt_data in data:
        point_type = by_code[pt_data["code"]]
        for number, item_data in enumerate(pt_data["items"], start=1):
            code = _item_code(point_type.code, number)
            values = {
                "text": item_data["text"],
                "scoring_mode": item_data["scoring_mode"],
                "points": item_data.get("points"),
                "deduction": item_data.get("deduction"),
                "threshold_b": item_data.get("b"),
                "threshold_c": item_data.get("c"),
                "threshold_c_sharp": item_data.get("c_sharp"),
                "photo_required_on_failure": item_data.get("photo_required_on_failure", True),
                "is_veto": item_data.get("is_veto", False),
                "sort_order": number * 10,
                "is_active": True,
            }
            item = existing_items.pop((point_type.pk, code), None)
            if item is None:
                item = CheckItem(point_type=point_type, code=code, **values)
                new_items.append(item)
            else:
                for name, value in values.items():
                    setattr(item, name, value)
                changed_items.append(item)
            links.append((item, [_resolve(indicators, ref) for ref in item_data["serves"]]))
    CheckItem.objects.bulk_create(new_items)
    if changed_items:
        CheckItem.objects.bulk_update(changed_items, item_fields)
        CheckItem.indicators.through.objects.filter(checkitem__in=changed_items).delete()
    # items of these point types that the reference no longer lists: kept for their history, retired
    CheckItem.objects.filter(pk__in=[item.pk for item in existing_items.values()]).update(is_active=False)
    CheckItem.indicators.through.objects.bulk_create(
        [
            CheckItem.indicators.through(checkitem=item, indicator=indicator)
            for item, served in links
            for indicator in dict.fromkeys(served)
        ]
    )
    summary.check_items = len(links)
    return by_code


def _link_indicator_point_types(data, indicators, point_types):
    """An indicator is checked at the point types its data lists and those whose items serve it."""
    pairs: dict[tuple[int, int], None] = {}
    for _file, system_data in data["systems"]:
        by_code = indicators[system_data["key"]]
        for node, _parent in _walk(system_data["indicators"]):
            for type_code in node.get("point_types") or []:
                pairs[(by_code[node["code"]].pk, point_types[type_code].pk)] = None
    for pt_data in data["point_types"][1]:
        point_type = point_types[pt_data["code"]]
        for item_data in pt_data["items"]:
            for ref in item_data["serves"]:
                pairs[(_resolve(indicators, ref).pk, point_type.pk)] = None
    Indicator.point_types.through.objects.bulk_create(
        [Indicator.point_types.through(indicator_id=i, pointtype_id=p) for i, p in pairs]
    )


def _load_metrics(area, data, indicators, units, summary):
    existing = {m.code: m for m in Metric.objects.filter(area=area)}
    new, changed = [], []
    field_names = [
        "indicator",
        "name",
        "unit_of_measure",
        "comparison",
        "target",
        "target_upper",
        "period_type",
        "source_unit",
        "numerator_label",
        "denominator_label",
        "band_attribute",
        "is_sample",
    ]
    for metric_data in data:
        values = {
            "indicator": _resolve(indicators, metric_data["indicator"])
            if metric_data.get("indicator")
            else None,
            "name": metric_data["name"],
            "unit_of_measure": metric_data.get("unit_of_measure", ""),
            "comparison": metric_data["comparison"],
            "target": metric_data.get("target"),
            "target_upper": metric_data.get("target_upper"),
            "period_type": metric_data["period_type"],
            "source_unit": units.get(metric_data.get("source", "")),
            "numerator_label": metric_data.get("numerator_label", ""),
            "denominator_label": metric_data.get("denominator_label", ""),
            "band_attribute": metric_data.get("band_attribute", ""),
            "is_sample": metric_data.get("is_sample", False),
        }
        metric = existing.get(metric_data["code"])
        if metric is None:
            new.append(Metric(area=area, code=metric_data["code"], **values))
        else:  # the area's own band value (its rainfall…) is kept
            for name, value in values.items():
                setattr(metric, name, value)
            changed.append(metric)
    Metric.objects.bulk_create(new)
    if changed:
        Metric.objects.bulk_update(changed, field_names)
        MetricTargetBand.objects.filter(metric__in=changed).delete()
    by_code = {m.code: m for m in [*new, *changed]}
    MetricTargetBand.objects.bulk_create(
        [
            MetricTargetBand(metric=by_code[metric_data["code"]], lower=lower, upper=upper, target=target)
            for metric_data in data
            for lower, upper, target in metric_data.get("bands") or []
        ]
    )
    summary.metrics = len(by_code)
