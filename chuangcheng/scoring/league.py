"""比拼亮分: read queries over PUBLISHED evaluations only — the league table of a month against the
previous published month, a unit's month-by-month rank and composite over a year, and the annual
roll-up (年度目标绩效考核).

A month may have several published versions (a correction is a new version); only the newest
(highest ``number``) counts. Drafts never reach any of these queries.

Annual value of a unit = Σ month weight × composite ÷ Σ weights, over the months of the year in
which the unit was RANKED (a month with too few observations is "insufficient sample" and is
left out, as it is left out of that month's ranking). The weights are ``Rules.month_weights``
of the settings version recorded by the year's latest published evaluation — so the roll-up
depends on published snapshots only. It is computed in the database in whole hundredths with
integer arithmetic (half up), as ``evaluate`` does, so SQLite and PostgreSQL agree exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When

from chuangcheng.org.models import OrgUnit
from chuangcheng.scoring.choices import PeerGroup
from chuangcheng.scoring.evaluate import _int, stored_hundredths
from chuangcheng.scoring.models import Evaluation, ScoringSettings, UnitResult

GROUP_ORDER = [value for value, _label in PeerGroup.choices]


# --- which evaluations count --------------------------------------------------------------------
def published_visible_to(user):
    """The published evaluations ``user`` may read (the pages never show drafts, even to the
    office that may see them)."""
    return Evaluation.objects.visible_to(user).published()


def current_versions(evaluations=None):
    """Published evaluations that are the newest published version of their area's month.
    ``evaluations``: a queryset to narrow (e.g. ``Evaluation.objects.visible_to(user)``)."""
    evaluations = Evaluation.objects.all() if evaluations is None else evaluations
    newer = Evaluation.objects.published().filter(
        area=OuterRef("area"), month=OuterRef("month"), number__gt=OuterRef("number")
    )
    return evaluations.published().filter(~Exists(newer))


def areas_with_published(evaluations=None) -> list[OrgUnit]:
    """The areas (counties, cities) that have a published evaluation among ``evaluations``."""
    return list(
        OrgUnit.objects.filter(pk__in=current_versions(evaluations).values("area")).order_by("depth", "path")
    )


def default_area(areas: list[OrgUnit], user) -> OrgUnit | None:
    """The user's own area among ``areas``: the one nearest above their unit (a county office
    gets its county, a city office its city, a township clerk its county); else the first."""
    unit = getattr(user, "unit", None)
    if unit is not None:
        mine = [a for a in areas if unit.path.startswith(a.path)]
        if mine:
            return max(mine, key=lambda a: len(a.path))
    return areas[0] if areas else None


def published_months(area: OrgUnit, evaluations=None) -> list[date]:
    return list(
        current_versions(evaluations).filter(area=area).order_by("-month").values_list("month", flat=True)
    )


def published(area: OrgUnit, month: date | None = None, evaluations=None) -> Evaluation | None:
    """The newest published version of ``month`` (default: the latest published month)."""
    found = current_versions(evaluations).filter(area=area).select_related("area", "settings_version")
    if month is not None:
        found = found.filter(month=month.replace(day=1))
    return found.order_by("-month").first()


def previous_published(evaluation: Evaluation) -> Evaluation | None:
    """The newest version of the latest published month before ``evaluation``'s, same area."""
    return (
        current_versions()
        .filter(area_id=evaluation.area_id, month__lt=evaluation.month)
        .order_by("-month")
        .first()
    )


# --- the league table ---------------------------------------------------------------------------
UP, DOWN, SAME, NEW, NONE = "up", "down", "same", "new", "none"


@dataclass
class LeagueRow:
    result: UnitResult
    previous_rank: int | None
    change: str  # UP, DOWN, SAME, NEW (ranked now, not before), NONE (no earlier month / not ranked)
    places: int = 0  # how many places up or down


@dataclass
class LeagueGroup:
    peer_group: str
    label: str
    ranked: list[LeagueRow] = field(default_factory=list)
    insufficient: list[LeagueRow] = field(default_factory=list)


@dataclass
class League:
    evaluation: Evaluation
    previous: Evaluation | None
    groups: list[LeagueGroup]


def _change(rank, previous_rank, has_previous) -> tuple[str, int]:
    if rank is None or not has_previous:
        return NONE, 0
    if previous_rank is None:
        return NEW, 0
    if previous_rank > rank:
        return UP, previous_rank - rank
    if previous_rank < rank:
        return DOWN, rank - previous_rank
    return SAME, 0


def league(evaluation: Evaluation) -> League:
    """Every unit result of ``evaluation`` by peer group, ranked first (rank, then name), those
    with an insufficient sample at the end; each with its rank in the previous published month."""
    previous = previous_published(evaluation)
    rows = evaluation.unit_results.select_related("unit")
    if previous is not None:
        rows = rows.annotate(
            previous_rank=Subquery(
                UnitResult.objects.filter(
                    evaluation=previous, unit=OuterRef("unit"), peer_group=OuterRef("peer_group")
                ).values("rank")[:1]
            )
        )
    groups: dict[str, LeagueGroup] = {}
    for row in rows.order_by("rank", "-composite", "unit__name", "unit_id"):
        group = groups.setdefault(
            row.peer_group, LeagueGroup(row.peer_group, PeerGroup(row.peer_group).label)
        )
        previous_rank = getattr(row, "previous_rank", None)
        change, places = _change(row.rank, previous_rank, previous is not None)
        item = LeagueRow(row, previous_rank, change, places)
        (group.ranked if row.rank is not None else group.insufficient).append(item)
    ordered = sorted(groups.values(), key=lambda g: GROUP_ORDER.index(g.peer_group))
    return League(evaluation, previous, ordered)


# --- a unit over a year -------------------------------------------------------------------------
@dataclass
class HistoryMonth:
    month: date
    weight: Decimal
    result: UnitResult | None  # None: the unit was not evaluated that month
    ranked_of: int | None = None  # how many units were ranked in its peer group


def unit_rows(unit_id: int, evaluations=None):
    """The unit's results in the published evaluations (newest version of each month)."""
    return UnitResult.objects.filter(unit_id=unit_id, evaluation__in=current_versions(evaluations))


def unit_history(unit_id: int, area: OrgUnit, year: int, weights, evaluations=None) -> list[HistoryMonth]:
    """Twelve months of ``year``: the unit's published result of each (or None)."""
    ranked_in_group = (
        UnitResult.objects.filter(
            evaluation=OuterRef("evaluation"), peer_group=OuterRef("peer_group"), rank__isnull=False
        )
        .values("evaluation")
        .annotate(c=Count("pk"))
        .values("c")
    )
    rows = {
        row.evaluation.month.month: row
        for row in unit_rows(unit_id, evaluations)
        .filter(evaluation__area=area, evaluation__month__year=year)
        .select_related("evaluation")
        .annotate(ranked_of=Subquery(ranked_in_group))
    }
    return [
        HistoryMonth(
            month=date(year, m, 1),
            weight=weights[m - 1],
            result=rows.get(m),
            ranked_of=getattr(rows.get(m), "ranked_of", None),
        )
        for m in range(1, 13)
    ]


# --- the annual roll-up -------------------------------------------------------------------------
@dataclass
class AnnualRow:
    unit: OrgUnit
    peer_group: str
    annual: Decimal | None  # None: never ranked in a month with weight
    months_counted: int
    months_evaluated: int
    rank: int | None = None


@dataclass
class AnnualGroup:
    peer_group: str
    label: str
    ranked: list[AnnualRow] = field(default_factory=list)
    unranked: list[AnnualRow] = field(default_factory=list)


@dataclass
class Annual:
    area: OrgUnit
    year: int
    weights: tuple[Decimal, ...]
    settings_version: ScoringSettings | None
    months: list[date]  # the published months of the year
    groups: list[AnnualGroup]

    def row_for(self, unit_id: int) -> AnnualRow | None:
        for group in self.groups:
            for row in group.ranked + group.unranked:
                if row.unit.pk == unit_id:
                    return row
        return None


def year_evaluations(area: OrgUnit, year: int, evaluations=None):
    return current_versions(evaluations).filter(area=area, month__year=year)


def year_weights(
    area: OrgUnit, year: int, evaluations=None
) -> tuple[tuple[Decimal, ...], ScoringSettings | None]:
    """The month weights of the settings version of the year's latest published evaluation."""
    latest = (
        year_evaluations(area, year, evaluations)
        .select_related("settings_version")
        .order_by("-month")
        .first()
    )
    if latest is None:
        return (Decimal("1"),) * 12, None
    return latest.settings_version.rules.month_weights, latest.settings_version


def _weight_hundredths(weights) -> Case:
    return Case(
        *[When(evaluation__month__month=m, then=Value(int(w * 100))) for m, w in enumerate(weights, start=1)],
        default=Value(0),
        output_field=IntegerField(),
    )


def annual(area: OrgUnit, year: int, evaluations=None, unit_id: int | None = None) -> Annual:
    """The annual roll-up of every unit of ``area`` in ``year`` (one grouped query), ranked
    within peer groups (ties share a rank); units never ranked in a weighted month unranked."""
    weights, settings_version = year_weights(area, year, evaluations)
    chosen = year_evaluations(area, year, evaluations)
    months = sorted(chosen.values_list("month", flat=True))
    weight = _weight_hundredths(weights)
    counted = Q(rank__isnull=False) & Q(composite__isnull=False)
    rows = UnitResult.objects.filter(evaluation__in=chosen)
    if unit_id is not None:
        rows = rows.filter(unit_id=unit_id)
    figures = list(
        rows.values("unit", "peer_group")
        .annotate(
            weighted=Sum(_int(weight * stored_hundredths("composite")), filter=counted),
            weight_total=Sum(weight, filter=counted),
            months_counted=Count("pk", filter=counted),
            months_evaluated=Count("pk"),
        )
        .annotate(
            # Σ w·c ÷ Σ w in whole hundredths, half up (integers only: the same on every database)
            annual_h=Case(
                When(
                    weight_total__gt=0,
                    then=_int(
                        (Value(2) * F("weighted") + F("weight_total")) / (Value(2) * F("weight_total"))
                    ),
                ),
                default=None,
                output_field=IntegerField(),
            )
        )
        .order_by()
    )
    units = OrgUnit.objects.in_bulk([f["unit"] for f in figures])
    groups: dict[str, AnnualGroup] = {}
    for f in figures:
        group = groups.setdefault(
            f["peer_group"], AnnualGroup(f["peer_group"], PeerGroup(f["peer_group"]).label)
        )
        value = None if f["annual_h"] is None else (Decimal(f["annual_h"]) / 100).quantize(Decimal("0.01"))
        row = AnnualRow(units[f["unit"]], f["peer_group"], value, f["months_counted"], f["months_evaluated"])
        (group.ranked if value is not None else group.unranked).append(row)
    for group in groups.values():
        values = [r.annual for r in group.ranked]
        for row in group.ranked:
            row.rank = 1 + sum(1 for v in values if v > row.annual)
        group.ranked.sort(key=lambda r: (r.rank, r.unit.name, r.unit.pk))
        group.unranked.sort(key=lambda r: (r.unit.name, r.unit.pk))
    ordered = sorted(groups.values(), key=lambda g: GROUP_ORDER.index(g.peer_group))
    return Annual(area, year, weights, settings_version, months, ordered)
