"""Scoring an inspection (DESIGN.md, "Scoring"): 100 − the points lost, not below 0; passed
when the score reaches the pass line and no veto item lost points."""

from dataclasses import dataclass
from decimal import Decimal

from chuangcheng.indicators.choices import ItemStatus, ScoringMode
from chuangcheng.inspections.choices import Outcome

FULL_MARKS = Decimal("100")


@dataclass(frozen=True)
class Line:
    """One answered checklist item, as scored."""

    check_item: object  # indicators.CheckItem
    outcome: str
    violations: int | None
    status: str
    points_lost: Decimal

    @property
    def is_failure(self) -> bool:
        return self.outcome == Outcome.FAIL


def score_line(item, *, outcome: str | None, violations: int | None) -> Line:
    """Score one answer. Status-scale items are set by the violations seen (A passes; B, C and
    C# fail with the share of the item's points lost); pass/fail items by the outcome."""
    if item.scoring_mode == ScoringMode.STATUS_SCALE and outcome != Outcome.NOT_APPLICABLE:
        status = item.status_for(violations or 0)
        lost = item.points_lost(violations=violations or 0)
        return Line(
            item, Outcome.PASS if status == ItemStatus.A else Outcome.FAIL, violations or 0, status, lost
        )
    if outcome == Outcome.NOT_APPLICABLE:
        return Line(item, outcome, None, "", Decimal("0"))
    return Line(item, outcome, None, "", item.points_lost(passed=outcome == Outcome.PASS))


@dataclass(frozen=True)
class Score:
    score: Decimal
    points_lost: Decimal
    passed: bool
    veto_failed: bool
    failed_items: int


def total(lines: list[Line], pass_line: Decimal) -> Score:
    lost = sum((line.points_lost for line in lines), Decimal("0"))
    score = max(Decimal("0"), FULL_MARKS - lost).quantize(Decimal("0.01"))
    veto_failed = any(line.check_item.is_veto and line.is_failure for line in lines)
    return Score(
        score=score,
        points_lost=lost.quantize(Decimal("0.01")),
        passed=score >= pass_line and not veto_failed,
        veto_failed=veto_failed,
        failed_items=sum(1 for line in lines if line.is_failure),
    )
