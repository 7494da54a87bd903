"""The monthly evaluation, set-based: a batch of draft evaluations of one month (every county of
a province, say, or one county) is computed by a handful of INSERT … SELECT and UPDATE … FROM
statements over the month's inspections and problems — no loop over rows in Python, and no
statement per area: the benchmark's province of 180 counties takes the same dozen statements as
one county.

Same numbers on SQLite and PostgreSQL: rates and means are computed in whole hundredths with
integer arithmetic (rounded half up) and only then divided by 100, so no floating-point sum or
a database's rounding rule can tell the two apart (the content hash depends on it).

As of the cut-off (the month's end), whatever happened since, so that re-running a closed month
gives the same figures:
- a point's result names the unit, township and point leader its inspections recorded when they
  were submitted (a point that changed hands in the month: as its last inspection recorded them);
- a problem counts as closed if it was closed before the cut-off, open if it was not; for a
  problem open at the cut-off, its unit, deadline and rework count are read back from its history
  — the first step after the cut-off that changed its unit (or its deadline) records what it was
  before, and each send-back after the cut-off is one rework fewer;
- a problem rejected before the cut-off never counts; one rejected since counts as it stood.

The steps share three temporary tables, made and dropped inside the caller's transaction:
``cc_eval_area`` (which evaluation reads which campaign area, and its previous month),
``cc_eval_problem`` (each problem of the batch as it stood at the cut-off, as 0/1 flags) and
``cc_eval_peer`` (each org unit → the township/street or department whose tree it is in).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Round
from django.db.models.lookups import GreaterThan, LessThan
from django.utils import timezone

from chuangcheng.inspections.choices import InspectionKind
from chuangcheng.inspections.models import Inspection
from chuangcheng.org.choices import UnitKind
from chuangcheng.org.models import OrgUnit
from chuangcheng.points.models import Point
from chuangcheng.problems.choices import Action, ProblemStatus
from chuangcheng.problems.models import Problem, ProblemEvent
from chuangcheng.scoring.choices import PeerGroup
from chuangcheng.scoring.models import PointResult, UnitResult
from chuangcheng.scoring.rules import Rules

INT = IntegerField()

# a problem's deadline-size: deductions are counted per this many problems due (a unit with fewer
# counts as this many), so a county with 300 problems is not sunk by its size (rules.py)
DEDUCTION_BASE = 10


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """[start, end) of the month in Beijing time."""
    start = timezone.make_aware(datetime.combine(month.replace(day=1), time.min))
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start, timezone.make_aware(datetime.combine(following, time.min))


def previous_month(month: date) -> date:
    return (month.replace(day=1) - timedelta(days=1)).replace(day=1)


def area_ids(area) -> list[int]:
    """The campaign areas whose rows an evaluation of ``area`` reads: a county itself; a city and
    its counties. Rows are filtered by these ids (indexed) rather than by tree path."""
    from chuangcheng.org.choices import AREA_KINDS

    if area.kind != UnitKind.CITY:
        return [area.pk]  # a county has no campaign area below it
    return list(
        OrgUnit.objects.filter(path__startswith=area.path, kind__in=AREA_KINDS).values_list("pk", flat=True)
    )


def counted_inspections_in(ids, month: date):
    """The month's inspections that count in the areas ``ids``: covert and announced, re-checks,
    mock assessments and the office's extra visits — never self-inspections."""
    start, end = month_bounds(month)
    return Inspection.objects.filter(area_id__in=ids, submitted_at__gte=start, submitted_at__lt=end).exclude(
        kind=InspectionKind.SELF
    )


def counted_inspections_for(area, month: date):
    return counted_inspections_in(area_ids(area), month)


def problems_found_in(ids, month: date):
    start, end = month_bounds(month)
    return Problem.objects.filter(area_id__in=ids, found_at__gte=start, found_at__lt=end)


def problems_found_for(area, month: date):
    return problems_found_in(area_ids(area), month)


# --- peer groups -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Grouping:
    """A peer group: the kinds of its units (their trees' problems count for them) and the
    point-result column naming the unit a point counts for (``kind_filter``: only units of
    these kinds). A city's group is its counties: ``kinds`` is empty and both sides go by area."""

    peer_group: str
    kinds: tuple[str, ...] = ()
    point_column: str = ""
    kind_filter: tuple[str, ...] = ()

    @property
    def by_area(self) -> bool:
        return not self.kinds


COUNTY_GROUPS = (
    # 属地: a township or street answers for the points that lie in it and for the problems of
    # its own tree; 行业: a department for the points it is responsible for and its problems
    Grouping(PeerGroup.TERRITORIAL, (UnitKind.TOWNSHIP, UnitKind.STREET), "township_id"),
    Grouping(
        PeerGroup.DEPARTMENT,
        (UnitKind.DEPARTMENT,),
        "responsible_unit_id",
        kind_filter=(UnitKind.DEPARTMENT,),
    ),
)
CITY_GROUPS = (Grouping(PeerGroup.COUNTY),)


# --- SQL helpers -------------------------------------------------------------------------------
def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def div(numerator: str, denominator: str) -> str:
    """Integer division in SQL on both databases (both truncate integers)."""
    return f"(CAST({numerator} AS BIGINT) / CAST({denominator} AS BIGINT))"


def hundredths_sql(numerator: str, denominator: str) -> str:
    """numerator / denominator as a percentage in whole hundredths, rounded half up."""
    return div(f"({numerator}) * 20000 + ({denominator})", f"({denominator}) * 2")


def rate_sql(hundredths: str) -> str:
    """Whole hundredths → a number with two places: the only division that is not integral
    (PostgreSQL's numeric is exact; SQLite's double holds any integer ÷ 100 to 15 digits, and
    Django reads both back as the same two-place Decimal)."""
    return f"({hundredths}) / 100.0"


def flag(condition: str) -> str:
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


def boolean(condition: str) -> str:
    return f"CASE WHEN {condition} THEN TRUE ELSE FALSE END"


def in_list(values) -> str:
    """A list of our own constants (choice values) as SQL literals."""
    assert all(str(v).isidentifier() for v in values)  # noqa: S101 — never user input
    return ", ".join(f"'{v}'" for v in values)


class Batch:
    """Draft evaluations of one month sharing their rules and peer groups; ``areas`` maps each
    evaluation id to the campaign areas it reads, ``previous`` to last month's published one."""

    AREAS, PROBLEMS, PEERS = "cc_eval_area", "cc_eval_problem", "cc_eval_peer"

    def __init__(self, month: date, rules: Rules, groups, areas: dict[int, list[int]], previous: dict):
        self.month, self.rules, self.groups = month, rules, groups
        self.areas, self.previous = areas, previous
        self.ids = list(areas)
        self.start, self.end = month_bounds(month)
        # as the database stores them (SQLite: naive UTC text, compared as text)
        adapt = connection.ops.adapt_datetimefield_value
        self.params = {"start": adapt(self.start), "end": adapt(self.end)}

    def run(self) -> None:
        """Write the batch's rows. In a savepoint: a failure rolls back the temporary tables with
        everything else (on PostgreSQL nothing more can run in an aborted transaction, not even
        the DROP), and the original error is what the caller sees."""
        with transaction.atomic(), connection.cursor() as cursor:
            self.cursor = cursor
            if connection.vendor == "postgresql":
                # the new evaluation ids have no statistics: PostgreSQL's JIT would compile these
                # small statements for row counts they never reach (measured: half the time)
                cursor.execute("SET LOCAL jit = off")
                # the grouped steps of a province hold a few hundred thousand rows: in memory
                # rather than spilled to disk in 4 MB pieces (the default)
                cursor.execute("SET LOCAL work_mem = '64MB'")
            self._make_tables()
            self._problems()
            self._points()
            for group in self.groups:
                self._units(group)
            self._drop_tables()
        composite(self.ids, self.rules)

    def execute(self, sql: str, params: dict | None = None) -> int:
        self.cursor.execute(sql, {**self.params, **(params or {})})
        return self.cursor.rowcount

    # --- the temporary tables ------------------------------------------------------------------
    def _make_tables(self) -> None:
        self._drop_tables()
        temporary = "CREATE TEMPORARY TABLE"
        self.cursor.execute(
            f"{temporary} {self.AREAS} (evaluation_id BIGINT NOT NULL, area_id BIGINT NOT NULL, "
            "previous_id BIGINT NULL)"
        )
        rows = [(e, a, self.previous.get(e)) for e, ids in self.areas.items() for a in ids]
        self.cursor.executemany(
            f"INSERT INTO {self.AREAS} (evaluation_id, area_id, previous_id) VALUES (%s, %s, %s)", rows
        )
        self.cursor.execute(
            f"{temporary} {self.PROBLEMS} (evaluation_id BIGINT NOT NULL, area_id BIGINT NOT NULL, "
            "point_id BIGINT NULL, unit_id BIGINT NULL, live INTEGER NOT NULL, due INTEGER NOT NULL, "
            "closed INTEGER NOT NULL, on_time INTEGER NOT NULL, reworked INTEGER NOT NULL, "
            "rebound INTEGER NOT NULL, overdue INTEGER NOT NULL, open_end INTEGER NOT NULL)"
        )
        self.cursor.execute(
            f"{temporary} {self.PEERS} (unit_id BIGINT NOT NULL, peer_id BIGINT NOT NULL, "
            "peer_group VARCHAR(12) NOT NULL)"
        )

    def _drop_tables(self) -> None:
        for name in (self.AREAS, self.PROBLEMS, self.PEERS):
            self.cursor.execute(f"DROP TABLE IF EXISTS {name}")

    def _analyze(self, name: str) -> None:
        if connection.vendor == "postgresql":  # temporary tables get no statistics otherwise
            self.cursor.execute(f"ANALYZE {name}")

    # --- problems at the cut-off ---------------------------------------------------------------
    def _problems(self) -> None:
        events = table(ProblemEvent)

        # the batch's problems' steps after the cut-off (an old month re-run must not read every
        # county's history since)
        after = (
            f"{events} e JOIN {table(Problem)} ep ON ep.id = e.problem_id "
            f"JOIN {self.AREAS} ea ON ea.area_id = ep.area_id WHERE e.at >= %(end)s"
        )

        def first_after_cutoff(column: str, actions) -> str:
            """Each problem's first step after the cut-off among ``actions``, with ``column``."""
            return (
                f"SELECT problem_id, {column} FROM (SELECT e.problem_id, e.{column}, ROW_NUMBER() OVER "
                f"(PARTITION BY e.problem_id ORDER BY e.at, e.id) AS k FROM {after} "
                f"AND e.action IN ({in_list(actions)})) AS x WHERE k = 1"
            )

        unit_changes = (Action.ASSIGN, Action.REASSIGN, Action.RETURN)
        deadline_changes = (Action.ASSIGN, Action.REASSIGN, Action.RETURN, Action.EXTEND)
        not_closed_before = "(s.closed_at IS NULL OR s.closed_at >= %(start)s)"
        open_at_end = "(s.closed_at IS NULL OR s.closed_at >= %(end)s)"
        due = f"(s.deadline < %(end)s AND {not_closed_before})"
        closed = f"({due} AND s.closed_at < %(end)s)"
        self.execute(
            f"""
            INSERT INTO {self.PROBLEMS} (evaluation_id, area_id, point_id, unit_id, live, due, closed,
                on_time, reworked, rebound, overdue, open_end)
            SELECT s.evaluation_id, s.area_id, s.point_id, s.unit_id,
                {flag(not_closed_before)}, {flag(due)}, {flag(closed)},
                {flag(f"{closed} AND s.rectified_on_time")}, {flag(f"{due} AND s.rework > 0")},
                {flag("s.is_rebound AND s.found_at >= %(start)s")},
                {flag(f"s.deadline < %(end)s AND {open_at_end}")}, {flag(open_at_end)}
            FROM (
                SELECT m.evaluation_id, p.area_id, p.point_id, p.found_at, p.closed_at,
                    p.rectified_on_time, p.is_rebound,
                    CASE WHEN u.problem_id IS NULL THEN p.responsible_unit_id ELSE u.from_unit_id END
                        AS unit_id,
                    CASE WHEN d.problem_id IS NULL THEN p.deadline ELSE d.old_deadline END AS deadline,
                    p.rework_count - COALESCE(r.n, 0) AS rework
                FROM {table(Problem)} p
                JOIN {self.AREAS} m ON m.area_id = p.area_id
                LEFT JOIN ({first_after_cutoff("from_unit_id", unit_changes)}) AS u ON u.problem_id = p.id
                LEFT JOIN ({first_after_cutoff("old_deadline", deadline_changes)}) AS d
                    ON d.problem_id = p.id
                LEFT JOIN (SELECT e.problem_id, COUNT(*) AS n FROM {after}
                    AND e.action = %(send_back)s GROUP BY e.problem_id) AS r
                    ON r.problem_id = p.id
                WHERE p.found_at < %(end)s
                    -- rejected problems never count, unless rejected only after the cut-off
                    AND (p.status <> %(rejected)s OR EXISTS (SELECT 1 FROM {events} rj
                        WHERE rj.problem_id = p.id AND rj.action = %(reject)s AND rj.at >= %(end)s))
                    -- closed before the month began: it counts for nothing in it
                    AND (p.closed_at IS NULL OR p.closed_at >= %(start)s)
            ) AS s
            """,
            {"send_back": Action.SEND_BACK, "rejected": ProblemStatus.REJECTED, "reject": Action.REJECT},
        )
        self._analyze(self.PROBLEMS)
        if any(not g.by_area for g in self.groups):
            # every unit → each township/street or department whose tree it is in (itself included)
            kinds = {g.peer_group: g.kinds for g in self.groups if not g.by_area}
            anchors = " UNION ALL ".join(
                f"SELECT id, id, '{group}' FROM {table(OrgUnit)} WHERE kind IN ({in_list(k)})"
                for group, k in kinds.items()
            )
            self.execute(
                f"""
                WITH RECURSIVE tree (unit_id, peer_id, peer_group) AS (
                    {anchors}
                    UNION ALL
                    SELECT c.id, t.peer_id, t.peer_group FROM {table(OrgUnit)} c
                    JOIN tree t ON c.parent_id = t.unit_id
                )
                INSERT INTO {self.PEERS} (unit_id, peer_id, peer_group)
                SELECT unit_id, peer_id, peer_group FROM tree
                """
            )
            self._analyze(self.PEERS)

    # --- points --------------------------------------------------------------------------------
    def _points(self) -> None:
        pass_line = int(self.rules.pass_line * 100)
        mean_h = div("a.cents * 2 + a.n", "a.n * 2")
        inspections = (
            f"{table(Inspection)} i JOIN {self.AREAS} m ON m.area_id = i.area_id "
            "WHERE i.submitted_at >= %(start)s AND i.submitted_at < %(end)s AND i.kind <> %(self)s"
        )
        self.execute(
            f"""
            INSERT INTO {table(PointResult)} (evaluation_id, point_id, responsible_unit_id, township_id,
                point_leader_id, inspections, passed_inspections, mean_score, pass_rate, veto_failed,
                passed, open_problems, overdue_problems, failing_rank, months_failing)
            SELECT b.evaluation_id, b.point_id, w.responsible_unit_id, w.township_id, w.point_leader_id,
                b.n, b.passed_n, {rate_sql("b.mean_h")}, {rate_sql(hundredths_sql("b.passed_n", "b.n"))},
                {boolean("b.vetoes > 0")}, {boolean("b.ok = 1")},
                COALESCE(pp.open_n, 0), COALESCE(pp.overdue_n, 0),
                CASE WHEN b.ok = 0
                    THEN RANK() OVER (PARTITION BY b.evaluation_id, b.ok ORDER BY b.mean_h) END,
                CASE WHEN b.ok = 0 THEN 1 + COALESCE(prev.months_failing, 0) ELSE 0 END
            FROM (
                SELECT a.*, {mean_h} AS mean_h,
                    {flag(f"{mean_h} >= {pass_line} AND a.vetoes = 0")} AS ok
                FROM (
                    SELECT m.evaluation_id, m.previous_id, i.point_id, COUNT(*) AS n,
                        SUM({flag("i.passed")}) AS passed_n, SUM({flag("i.veto_failed")}) AS vetoes,
                        CAST(ROUND(SUM(i.score) * 100) AS BIGINT) AS cents
                    FROM {inspections}
                    GROUP BY m.evaluation_id, m.previous_id, i.point_id
                ) AS a
            ) AS b
            -- who answered for the point: as its month's last inspection recorded it
            JOIN (
                SELECT evaluation_id, point_id, responsible_unit_id, township_id, point_leader_id FROM (
                    SELECT m.evaluation_id, i.point_id, i.responsible_unit_id, i.township_id,
                        i.point_leader_id, ROW_NUMBER() OVER (PARTITION BY m.evaluation_id, i.point_id
                        ORDER BY i.submitted_at DESC, i.id DESC) AS k
                    FROM {inspections}
                ) AS x WHERE k = 1
            ) AS w ON w.evaluation_id = b.evaluation_id AND w.point_id = b.point_id
            LEFT JOIN (
                SELECT evaluation_id, point_id, SUM(open_end) AS open_n, SUM(overdue) AS overdue_n
                FROM {self.PROBLEMS} WHERE point_id IS NOT NULL GROUP BY evaluation_id, point_id
            ) AS pp ON pp.evaluation_id = b.evaluation_id AND pp.point_id = b.point_id
            LEFT JOIN {table(PointResult)} prev
                ON prev.evaluation_id = b.previous_id AND prev.point_id = b.point_id AND prev.passed = FALSE
            """,
            {"self": InspectionKind.SELF},
        )

    # --- units ---------------------------------------------------------------------------------
    def _units(self, group: Grouping) -> None:
        """A row per unit of ``group`` with inspected points (their figures), then one per unit
        with problems in the month but no inspected point, then every row's problem figures."""
        units, results, params = table(OrgUnit), table(UnitResult), {"group": group.peer_group}
        batch = ", ".join(str(int(i)) for i in self.ids)
        if group.by_area:
            point_unit, point_join = "pt.area_id", f"JOIN {table(Point)} pt ON pt.id = r.point_id"
            problem_unit, problem_join = "q.area_id", ""
        else:
            point_unit, point_join = f"r.{group.point_column}", ""
            problem_unit = "c.peer_id"
            problem_join = f"JOIN {self.PEERS} c ON c.unit_id = q.unit_id AND c.peer_group = %(group)s"
        kind_filter = f"AND o.kind IN ({in_list(group.kind_filter)})" if group.kind_filter else ""
        passed = f"SUM({flag('r.passed')})"
        self.execute(
            f"""
            INSERT INTO {results} (evaluation_id, unit_id, unit_path, peer_group, points, points_passed,
                inspections, point_pass_rate)
            SELECT r.evaluation_id, o.id, o.path, %(group)s, COUNT(*), {passed}, SUM(r.inspections),
                {rate_sql(hundredths_sql(passed, "COUNT(*)"))}
            FROM {table(PointResult)} r {point_join}
            JOIN {units} o ON o.id = {point_unit} {kind_filter}
            WHERE r.evaluation_id IN ({batch})
            GROUP BY r.evaluation_id, o.id, o.path
            """,
            params,
        )
        self.execute(
            f"""
            INSERT INTO {results} (evaluation_id, unit_id, unit_path, peer_group)
            SELECT DISTINCT q.evaluation_id, o.id, o.path, %(group)s
            FROM {self.PROBLEMS} q {problem_join}
            JOIN {units} o ON o.id = {problem_unit}
            WHERE q.live = 1 AND NOT EXISTS (
                SELECT 1 FROM {results} x WHERE x.evaluation_id = q.evaluation_id AND x.unit_id = o.id)
            """,
            params,
        )
        self.execute(
            f"""
            UPDATE {results} AS u SET problems = a.due, closed = a.closed, closed_on_time = a.on_time,
                reworked = a.reworked, rebounds = a.rebound, overdue = a.overdue
            FROM (
                SELECT q.evaluation_id, {problem_unit} AS unit_id, SUM(q.due) AS due,
                    SUM(q.closed) AS closed, SUM(q.on_time) AS on_time, SUM(q.reworked) AS reworked,
                    SUM(q.rebound) AS rebound, SUM(q.overdue) AS overdue
                FROM {self.PROBLEMS} q {problem_join}
                GROUP BY q.evaluation_id, {problem_unit}
            ) AS a
            WHERE u.evaluation_id = a.evaluation_id AND u.unit_id = a.unit_id AND u.peer_group = %(group)s
            """,
            params,
        )


# --- the composite, in the ORM (a few thousand rows at most, one UPDATE each) ------------------
def _int(expression):
    return ExpressionWrapper(expression, output_field=INT)


def hundredths(numerator, denominator):
    """numerator / denominator as a percentage in whole hundredths, rounded half up (integers)."""
    return _int((numerator * Value(20000) + denominator) / (denominator * Value(2)))


def as_rate(hundredths_expression):
    """Whole hundredths → a number with two places (see ``rate_sql``)."""
    return ExpressionWrapper(
        Cast(hundredths_expression, FloatField()) / Value(100.0), output_field=FloatField()
    )


def rate_or_null(numerator, denominator):
    return Case(
        When(**{f"{denominator.name}__gt": 0}, then=as_rate(hundredths(numerator, denominator))), default=None
    )


def stored_hundredths(field: str):
    """A stored rate back in whole hundredths (exact on PostgreSQL; SQLite's float rounded)."""
    return Cast(Round(F(field) * Value(100)), INT)


def composite(ids: list[int], rules: Rules) -> None:
    """Rates, the rectification value, the composite, band and rank of every unit row of the
    evaluations ``ids`` (ranks within each evaluation's peer group)."""
    mine = UnitResult.objects.filter(evaluation_id__in=ids)
    busiest = (
        UnitResult.objects.filter(evaluation=OuterRef("evaluation"), peer_group=OuterRef("peer_group"))
        .order_by()
        .values("peer_group")
        .annotate(m=Max("problems"))
        .values("m")
    )
    mine.update(
        closing_rate=rate_or_null(F("closed"), F("problems")),
        on_time_rate=rate_or_null(F("closed_on_time"), F("problems")),
        rework_rate=rate_or_null(F("reworked"), F("problems")),
    )
    mine.filter(problems__gt=0).update(workload=as_rate(hundredths(F("problems"), Subquery(busiest))))
    # rectification value in whole hundredths: Σ weight × part / Σ weights
    weights = [rules.closing_weight, rules.on_time_weight, rules.rework_weight, rules.workload_weight]
    w = [int(x * 100) for x in weights]
    total = sum(w) or 1
    parts = (
        Value(w[0]) * stored_hundredths("closing_rate")
        + Value(w[1]) * stored_hundredths("on_time_rate")
        + Value(w[2]) * (Value(10000) - stored_hundredths("rework_rate"))
        + Value(w[3]) * stored_hundredths("workload")
    )
    mine.filter(problems__gt=0).update(
        rectification=as_rate(_int((parts * Value(2) + Value(total)) / Value(2 * total)))
    )
    # composite: the weighted mean of the parts a unit has, less deductions, floored at 0. The
    # deductions (per rebound, per overdue problem) count per DEDUCTION_BASE problems due, a unit
    # with fewer counting as that many: the same rule for a township of 8 problems (each rebound
    # costs the full deduction) and a county of 400 (the rate is what costs).
    pw, rw = int(rules.points_weight * 100), int(rules.rectification_weight * 100)
    lost = Value(int(rules.rebound_deduction * 100)) * F("rebounds") + Value(
        int(rules.overdue_deduction * 100)
    ) * F("overdue")
    base = Greatest(F("problems"), Value(DEDUCTION_BASE))
    deduction = _int((lost * Value(2 * DEDUCTION_BASE) + base) / (base * Value(2)))
    both = _int(
        (
            (
                Value(pw) * stored_hundredths("point_pass_rate")
                + Value(rw) * stored_hundredths("rectification")
            )
            * Value(2)
            + Value(pw + rw)
        )
        / Value(2 * (pw + rw))
    )
    value = Case(
        When(Q(point_pass_rate__isnull=False) & Q(rectification__isnull=False), then=both),
        When(point_pass_rate__isnull=False, then=stored_hundredths("point_pass_rate")),
        When(rectification__isnull=False, then=stored_hundredths("rectification")),
        default=None,
        output_field=INT,
    )
    net = _int(value - deduction)
    floored = Case(When(GreaterThan(net, Value(0)), then=net), default=Value(0), output_field=INT)
    mine.filter(Q(point_pass_rate__isnull=False) | Q(rectification__isnull=False)).update(
        composite=as_rate(floored)
    )
    mine.update(
        band=Case(
            When(composite__gte=rules.band_a, then=Value("A")),
            When(composite__gte=rules.band_b, then=Value("B")),
            When(composite__gte=rules.band_c, then=Value("C")),
            When(composite__gte=rules.band_d, then=Value("D")),
            When(composite__isnull=False, then=Value("E")),
            default=Value(""),
        ),
        insufficient_sample=Case(
            When(composite__isnull=True, then=Value(True)),
            When(LessThan(F("inspections") + F("problems"), Value(rules.min_observations)), then=Value(True)),
            default=Value(False),
        ),
    )
    mine.filter(insufficient_sample=True).update(band="")  # no band without a rank
    better = (
        UnitResult.objects.filter(
            evaluation=OuterRef("evaluation"),
            peer_group=OuterRef("peer_group"),
            insufficient_sample=False,
            composite__gt=OuterRef("composite"),
        )
        .order_by()
        .values("peer_group")
        .annotate(c=Count("pk"))
        .values("c")
    )
    mine.filter(insufficient_sample=False).update(rank=Coalesce(Subquery(better), 0) + 1)
