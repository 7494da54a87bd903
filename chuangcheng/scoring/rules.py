"""The evaluation rules of a campaign (DESIGN.md "Scoring"): every number is a setting, kept as a
versioned row (``ScoringSettings``) whose ``data`` this module reads, checks and fills with
defaults. The version used is recorded in each evaluation.

Composite value of a unit (0–100): the weighted mean of its points' pass rate and its
rectification value, less a deduction per rebound and per overdue problem, counted per 10
problems due (a unit with fewer counts as 10: the deduction is the full amount for a township of 8
problems and a rate for a county of 400, so a city's ranking of its counties is not decided by
their size). The rectification value defaults to the digital city-management department
formula: 结案率 30 % + 按期处置率 30 % + (100 − 返工率) 30 % + workload 10 % (workload: problems
handled against the busiest unit of its peer group). A unit with no inspected point is valued on
rectification alone, and one with no problem on its points alone.
"""

from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from chuangcheng.scoring.choices import SanctionKind

SANCTION_RULES = ("top", "bottom", "point_fail_streak", "rebound")


@dataclass(frozen=True)
class SanctionRule:
    """``top``/``bottom`` n of each peer group; ``point_fail_streak``: a point failing ``n``
    months running (its point leader); ``rebound``: each rebound of the month (its unit)."""

    rule: str
    kind: str
    n: int = 0
    points: Decimal = Decimal("0")


DEFAULT_SANCTIONS = (
    SanctionRule("top", SanctionKind.PRAISE, n=3),
    SanctionRule("bottom", SanctionKind.CRITICISM, n=3),
    SanctionRule("bottom", SanctionKind.DEDUCTION, n=3, points=Decimal("2")),
    SanctionRule("point_fail_streak", SanctionKind.INTERVIEW, n=2),
    SanctionRule("rebound", SanctionKind.DEDUCTION, points=Decimal("0.5")),
)


@dataclass(frozen=True)
class Rules:
    pass_line: Decimal = Decimal("90")
    # a unit with fewer observations (inspections of its points + problems found) is not ranked
    min_observations: int = 3
    points_weight: Decimal = Decimal("50")
    rectification_weight: Decimal = Decimal("50")
    closing_weight: Decimal = Decimal("30")
    on_time_weight: Decimal = Decimal("30")
    rework_weight: Decimal = Decimal("30")
    workload_weight: Decimal = Decimal("10")
    rebound_deduction: Decimal = Decimal("2")
    overdue_deduction: Decimal = Decimal("1")
    band_a: Decimal = Decimal("90")
    band_b: Decimal = Decimal("75")
    band_c: Decimal = Decimal("60")
    band_d: Decimal = Decimal("40")
    sanctions: tuple[SanctionRule, ...] = field(default=DEFAULT_SANCTIONS)
    # 年度目标绩效考核: the weight of each month (January first) in a unit's annual value
    month_weights: tuple[Decimal, ...] = (Decimal("1"),) * 12

    def to_data(self) -> dict:
        data = asdict(self)
        data["sanctions"] = [
            {"rule": r.rule, "kind": str(r.kind), "n": r.n, "points": str(r.points)} for r in self.sanctions
        ]
        data["month_weights"] = [str(w) for w in self.month_weights]
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in data.items()}


DECIMALS = [name for name, f in Rules.__dataclass_fields__.items() if f.type is Decimal]


def _decimal(value, name: str, errors: dict) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        errors[name] = _("Give a number.")
        return Decimal("0")
    if not number.is_finite() or number < 0 or number > 1000:
        errors[name] = _("Give a number from 0 to 1000.")
    return number


def from_data(data: dict | None) -> Rules:
    """The rules of stored settings (missing keys take their defaults); ValidationError with
    every bad key otherwise."""
    data = dict(data or {})
    defaults = Rules()
    errors: dict[str, str] = {}
    values = {}
    for name in DECIMALS:
        values[name] = _decimal(data.get(name, getattr(defaults, name)), name, errors)
    try:
        values["min_observations"] = int(data.get("min_observations", defaults.min_observations))
        if values["min_observations"] < 0:
            raise ValueError
    except (TypeError, ValueError):
        errors["min_observations"] = _("Give a whole number, 0 or more.")
    if values.get("points_weight", 0) + values.get("rectification_weight", 0) <= 0:
        errors["points_weight"] = _("The weights cannot all be zero.")
    if not (values["band_a"] >= values["band_b"] >= values["band_c"] >= values["band_d"]):
        errors["band_a"] = _("Bands must go down from A to D.")
    sanctions = []
    for index, raw in enumerate(data.get("sanctions") or []):
        key = f"sanctions.{index}"
        if not isinstance(raw, dict) or raw.get("rule") not in SANCTION_RULES:
            errors[key] = _("Unknown rule.")
            continue
        if raw.get("kind") not in SanctionKind.values:
            errors[key] = _("Unknown kind of reward or penalty.")
            continue
        try:
            n = int(raw.get("n", 0))
        except (TypeError, ValueError):
            errors[key] = _("Give a whole number.")
            continue
        sanctions.append(
            SanctionRule(raw["rule"], raw["kind"], n=n, points=_decimal(raw.get("points", 0), key, errors))
        )
    if "sanctions" not in data:
        sanctions = list(DEFAULT_SANCTIONS)
    raw_weights = data.get("month_weights", defaults.month_weights)
    if not isinstance(raw_weights, list | tuple) or len(raw_weights) != 12:
        errors["month_weights"] = _("Give twelve monthly weights, January first.")
        weights = defaults.month_weights
    else:
        weights = tuple(_decimal(w, "month_weights", errors) for w in raw_weights)
    values["month_weights"] = weights
    if errors:
        raise ValidationError(errors)
    return Rules(**values, sanctions=tuple(sanctions))
