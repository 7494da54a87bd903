"""``manage.py bench_evaluation [--month YYYY-MM] [--repeat 3] [--area ID]``: how long the monthly
evaluation of a province takes against the cheapest SQL that reads the same month's rows
(issue 6 item 9; build the data with ``seed_demo --scale province``).

The floor is ONE statement: the month's counted inspections (not self-inspections) of every
evaluated county, grouped by point — count, passed count and score sum per point, the per-point
aggregate the evaluation's first step also needs — with only a one-row total sent back. It
reads the rows the evaluation must read and writes nothing, so no evaluation can beat it. For
context the command also times the same month's item results (the full checklists, which the
evaluation does not read) and the problems as they stood at the cut-off (which it does).

The evaluation is what ``evaluate_month`` does for the province: ``actions.run_months(None,
counties, month)`` — every county in one pass — then the same for every city (its counties as
the peer group), in a transaction rolled back once timed: the command leaves no evaluation,
settings version or audit row behind (it checks). Each figure is the
median of ``--repeat`` runs; the floor gets one untimed warm-up run first.

``--profile`` adds, for one more run, the statements that took the most time in all (grouped by
their SQL) and, on PostgreSQL, ``EXPLAIN (ANALYZE, BUFFERS)`` of the slowest few, taken inside
the run's transaction (an INSERT … SELECT is explained by its SELECT; an UPDATE inside a savepoint
that is rolled back).
"""

import os
import platform
import re
import statistics
import time
from collections import defaultdict
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from chuangcheng.core.models import AuditLog
from chuangcheng.inspections.choices import InspectionKind
from chuangcheng.inspections.models import Inspection, ItemResult
from chuangcheng.org.choices import AREA_KINDS, UnitKind
from chuangcheng.org.models import OrgUnit
from chuangcheng.problems.choices import ProblemStatus
from chuangcheng.problems.models import Problem
from chuangcheng.scoring import actions, evaluate
from chuangcheng.scoring.management.commands.evaluate_month import parse_month
from chuangcheng.scoring.models import Evaluation, PointResult, ScoringSettings, UnitResult

TARGET_RATIO = 2.0
TARGET_SECONDS = 30.0
LEFT_ALONE = (Evaluation, PointResult, UnitResult, ScoringSettings, AuditLog)


def last_full_month(today: date) -> date:
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def floor_sql(county_ids: list[int]) -> tuple[str, list]:
    """The floor: the month's counted inspections grouped by point, one row of totals returned."""
    table = quote(Inspection._meta.db_table)
    marks = ", ".join(["%s"] * len(county_ids))
    sql = (
        "SELECT COUNT(*), SUM(n), SUM(passed_n), SUM(score_sum) FROM ("  # noqa: S608
        f"SELECT point_id, COUNT(*) AS n, SUM(CASE WHEN passed THEN 1 ELSE 0 END) AS passed_n, "
        f"SUM(score) AS score_sum FROM {table} "
        f"WHERE area_id IN ({marks}) AND submitted_at >= %s AND submitted_at < %s AND kind <> %s "
        "GROUP BY point_id) AS per_point"
    )
    return sql, list(county_ids)


def results_sql(county_ids: list[int]) -> tuple[str, list]:
    """Context: the month's item results (the full checklists) by outcome."""
    marks = ", ".join(["%s"] * len(county_ids))
    sql = (
        "SELECT SUM(r.n), SUM(r.points_lost) FROM ("  # noqa: S608
        f"SELECT r.outcome, COUNT(*) AS n, SUM(r.points_lost) AS points_lost "
        f"FROM {quote(ItemResult._meta.db_table)} r JOIN {quote(Inspection._meta.db_table)} i "
        "ON i.id = r.inspection_id "
        f"WHERE i.area_id IN ({marks}) AND i.submitted_at >= %s AND i.submitted_at < %s AND i.kind <> %s "
        "GROUP BY r.outcome) AS r"
    )
    return sql, list(county_ids)


def problems_sql(county_ids: list[int]) -> tuple[str, list]:
    """Context: the problems as they stood at the cut-off, open and closed per responsible unit."""
    marks = ", ".join(["%s"] * len(county_ids))
    sql = (
        "SELECT COUNT(*), SUM(n), SUM(open_n) FROM ("  # noqa: S608
        "SELECT responsible_unit_id, COUNT(*) AS n, "
        "SUM(CASE WHEN closed_at IS NULL OR closed_at >= %s THEN 1 ELSE 0 END) AS open_n "
        f"FROM {quote(Problem._meta.db_table)} "
        f"WHERE area_id IN ({marks}) AND found_at < %s AND status <> %s "
        "GROUP BY responsible_unit_id) AS per_unit"
    )
    return sql, list(county_ids)


def database_line() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version()")
            version = cursor.fetchone()[0].split(" on ")[0]
            settings_ = []
            for name in ("shared_buffers", "work_mem", "max_parallel_workers_per_gather", "jit"):
                cursor.execute(f"SHOW {name}")
                settings_.append(f"{name}={cursor.fetchone()[0]}")
            return f"{version} ({', '.join(settings_)}), database {connection.settings_dict['NAME']}"
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
    return connection.vendor


def median_line(label: str, seconds: list[float]) -> str:
    return (
        f"{label}: median {statistics.median(seconds):.3f} s "
        f"(min {min(seconds):.3f}, max {max(seconds):.3f}, {len(seconds)} runs)"
    )


class Recorder:
    """An ``execute_wrapper`` that times every statement, by SQL text; on PostgreSQL, each
    statement slower than ``explain_over`` seconds is explained at once — ``EXPLAIN (ANALYZE,
    BUFFERS)`` of its SELECT (an UPDATE in a savepoint rolled back), while the temporary tables
    it reads still exist — up to ``explain`` plans."""

    def __init__(self, explain: int = 0, explain_over: float = 0.1):
        self.by_sql: dict[str, list[float]] = defaultdict(list)
        self.plans: list[tuple[float, str, list[str]]] = []
        self.explain, self.explain_over = explain, explain_over

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - started
            self.by_sql[sql].append(took)
            if took > self.explain_over and len(self.plans) < self.explain and not many:
                plan = self._plan(context["cursor"], sql, params)
                if plan:
                    self.plans.append((took, sql, plan))

    @staticmethod
    def _plan(cursor, sql, params):
        if connection.vendor != "postgresql":
            return None
        statement = sql
        match = re.match(r"\s*INSERT INTO .*?\)\s*(SELECT .*)$", sql, re.S)
        if match:
            statement = match.group(1)
        elif not re.match(r"\s*(SELECT|UPDATE|DELETE)\b", sql, re.I):
            return None
        cursor.execute("SAVEPOINT bench_explain")
        try:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, params)
            return [row[0] for row in cursor.fetchall()]
        except DatabaseError as exc:
            return [f"(not explained: {exc})"]
        finally:
            cursor.execute("ROLLBACK TO SAVEPOINT bench_explain")


class Command(BaseCommand):
    help = (
        "Time the monthly evaluation of every county (and city) against the cheapest SQL aggregate "
        "over the same month's rows; prints both medians and their ratio. Leaves no data behind."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM (default: the last full month)")
        parser.add_argument("--repeat", type=int, default=3, help="timed runs of each (default 3)")
        parser.add_argument(
            "--area", type=int, help="a county or a city (default: every county and every city)"
        )
        parser.add_argument(
            "--profile",
            action="store_true",
            help="one more run: the statements that took longest, and EXPLAIN ANALYZE of the slowest",
        )
        parser.add_argument("--explain", type=int, default=3, help="with --profile: plans to show (3)")

    def handle(self, *args, month=None, repeat, area=None, profile=False, explain=3, **options):
        if repeat < 1:
            raise CommandError("--repeat must be at least 1")
        month = parse_month(month) if month else last_full_month(timezone.localdate())
        counties, cities = self._areas(area)
        start, end = evaluate.month_bounds(month)
        county_ids = [c.pk for c in counties]
        self.stdout.write(
            f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
        )
        self.stdout.write(f"database: {database_line()}")
        before = {model.__name__: model.objects.count() for model in LEFT_ALONE}

        window = [start, end, InspectionKind.SELF]
        floor = self._time_sql(*floor_sql(county_ids), window, repeat, warm=True)
        points, inspections = floor["row"][0], floor["row"][1] or 0
        if not inspections:
            raise CommandError(
                f"no counted inspection in {month:%Y-%m} for these areas (seed_demo --scale province)"
            )
        context_results = self._time_sql(*results_sql(county_ids), window, repeat, warm=True)
        problem_args = [end, *county_ids, end, ProblemStatus.REJECTED]
        sql, _ids = problems_sql(county_ids)
        context_problems = self._time_sql(sql, [], problem_args, repeat, warm=True)
        self.stdout.write(
            f"month {month:%Y-%m}: {len(counties)} counties, {len(cities)} cities; {inspections} counted "
            f"inspections of {points} points with {context_results['row'][0] or 0} item results; "
            f"{context_problems['row'][1] or 0} problems at the cut-off "
            f"({context_problems['row'][2] or 0} open)"
        )
        self.stdout.write(
            "floor = one SELECT … FROM inspections_inspection WHERE area_id IN (the counties) AND the "
            "month AND kind <> 'self' GROUP BY point_id (count, passed, Σ score per point; one row of "
            "totals sent back)"
        )
        self.stdout.write("  " + median_line("floor (inspections per point)", floor["seconds"]))
        self.stdout.write("  " + median_line("context: item results by outcome", context_results["seconds"]))
        self.stdout.write("  " + median_line("context: problems at the cut-off", context_problems["seconds"]))
        writes = [self._write_floor(counties, month) for _ in range(repeat)]
        self.stdout.write(
            "  "
            + median_line(
                "context: storing the floor's rows as point results, once per county (no other work)", writes
            )
        )

        runs = []
        for number in range(1, repeat + 1):
            run = self._evaluate_all(counties, cities, month)
            runs.append(run)
            self.stdout.write(
                f"evaluation run {number}: counties {run['counties']:.3f} s, cities {run['cities']:.3f} s, "
                f"total {run['total']:.3f} s; {run['points']} point results, {run['units']} unit results"
                + (f"; skipped (no data) {run['skipped']}" if run["skipped"] else "")
            )
            self.stdout.flush()
        evaluation = [run["total"] for run in runs]
        floor_median = statistics.median(floor["seconds"])
        evaluation_median = statistics.median(evaluation)
        ratio = evaluation_median / floor_median if floor_median else float("inf")
        write_median = statistics.median(writes)
        self.stdout.write(
            "  " + median_line("evaluation (every county in one pass, then every city)", evaluation)
        )
        self.stdout.write(
            f"  of which counties {statistics.median(r['counties'] for r in runs):.3f} s, "
            f"cities {statistics.median(r['cities'] for r in runs):.3f} s"
        )
        self.stdout.write(
            f"ratio evaluation / floor: {ratio:.1f}×  "
            f"(evaluation {evaluation_median:.3f} s, floor {floor_median:.3f} s)"
        )
        self.stdout.write(
            f"  for comparison: evaluation / (floor + storing the county point results) "
            f"{evaluation_median / (floor_median + write_median):.1f}×; the counties' pass alone / the same "
            f"{statistics.median(r['counties'] for r in runs) / (floor_median + write_median):.1f}×"
        )
        met = ratio <= TARGET_RATIO and evaluation_median <= TARGET_SECONDS
        verdict = self.style.SUCCESS("met") if met else self.style.WARNING("NOT met")
        self.stdout.write(
            f"target (within {TARGET_RATIO:g}× the floor and under {TARGET_SECONDS:g} s): {verdict} — "
            f"{evaluation_median / TARGET_SECONDS:.0%} of the time budget"
        )
        if profile:
            self._profile(counties, cities, month, explain)
        after = {model.__name__: model.objects.count() for model in LEFT_ALONE}
        if after != before:
            raise CommandError(f"the benchmark left rows behind: before {before}, after {after}")
        self.stdout.write("left no data behind: " + ", ".join(f"{k} {v}" for k, v in after.items()))

    # --- the pieces ------------------------------------------------------------------------------
    def _areas(self, area_id):
        if area_id is None:
            counties = list(OrgUnit.objects.filter(kind=UnitKind.COUNTY, is_active=True).order_by("path"))
            cities = list(
                OrgUnit.objects.filter(kind=UnitKind.CITY, is_active=True, children__kind=UnitKind.COUNTY)
                .distinct()
                .order_by("path")
            )
        else:
            area = OrgUnit.objects.filter(pk=area_id, kind__in=AREA_KINDS).first()
            if area is None:
                raise CommandError(f"no county or city with id {area_id}")
            if area.kind == UnitKind.CITY:
                counties = list(
                    area.descendants().filter(kind=UnitKind.COUNTY, is_active=True).order_by("path")
                )
                cities = [area]
            else:
                counties, cities = [area], []
        if not counties:
            raise CommandError("no county to evaluate (seed_demo --scale province builds a province)")
        return counties, cities

    def _time_sql(self, sql, ids, tail, repeat, *, warm):
        params = [*ids, *tail]
        seconds, row = [], None
        with connection.cursor() as cursor:
            for run in range(repeat + (1 if warm else 0)):
                started = time.perf_counter()
                cursor.execute(sql, params)
                row = cursor.fetchone()
                if run or not warm:
                    seconds.append(time.perf_counter() - started)
        return {"seconds": seconds, "row": row}

    def _write_floor(self, counties, month):
        """What storing one result row per inspected point costs by itself: the floor's
        aggregate written into ``scoring_pointresult`` for the counties' drafts (the same indexes
        and foreign keys, checked at once), with nothing else computed; rolled back."""
        self._vacuum()
        start, end = evaluate.month_bounds(month)
        with transaction.atomic():
            settings_rows = actions.current_settings_of(counties)
            drafts = Evaluation.objects.bulk_create(
                Evaluation(
                    area=county, month=month, number=999, peer_level="units", cutoff=end,
                    computed_at=timezone.now(), settings_version=settings_rows[county.pk],
                )
                for county in counties
            )  # fmt: skip
            cases = " ".join(f"WHEN {int(d.area_id)} THEN {int(d.pk)}" for d in drafts)
            marks = ", ".join(["%s"] * len(counties))
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                started = time.perf_counter()
                cursor.execute(
                    f"INSERT INTO {quote(PointResult._meta.db_table)} (evaluation_id, point_id, "  # noqa: S608
                    "responsible_unit_id, township_id, point_leader_id, inspections, passed_inspections, "
                    "mean_score, pass_rate, veto_failed, passed, open_problems, overdue_problems, "
                    f"months_failing) SELECT CASE area_id {cases} END, point_id, "
                    "MAX(responsible_unit_id), MAX(township_id), MAX(point_leader_id), COUNT(*), "
                    "SUM(CASE WHEN passed THEN 1 ELSE 0 END), AVG(score), 0, FALSE, FALSE, 0, 0, 0 "
                    f"FROM {quote(Inspection._meta.db_table)} WHERE area_id IN ({marks}) "
                    "AND submitted_at >= %s AND submitted_at < %s AND kind <> %s GROUP BY area_id, point_id",
                    [*[c.pk for c in counties], start, end, InspectionKind.SELF],
                )
                took = time.perf_counter() - started
            transaction.set_rollback(True)
        return took

    @staticmethod
    def _vacuum():
        """Each run starts from result tables without the dead rows of the runs rolled back
        before it, as a real month's run would (autovacuum is not quick enough between runs)."""
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            return
        with connection.cursor() as cursor:
            for model in (PointResult, UnitResult, Evaluation):
                cursor.execute(f"VACUUM ANALYZE {quote(model._meta.db_table)}")

    def _run_all(self, areas, month):
        """One pass over ``areas`` (run_months), timed: (seconds, point results, unit results,
        areas skipped for want of data)."""
        if not areas:
            return 0.0, 0, 0, 0
        started = time.perf_counter()
        try:
            evaluations, refused = actions.run_months(None, areas, month)
        except actions.ScoringError as exc:
            raise CommandError(exc.message) from exc
        took = time.perf_counter() - started
        bad = {pk: e for pk, e in refused.items() if e.code != "no_data"}
        if bad:
            raise CommandError("; ".join(e.message for e in bad.values()))
        points = sum(e.input_counts.get("points", 0) for e in evaluations)
        units = sum(e.input_counts.get("units", 0) for e in evaluations)
        return took, points, units, len(refused)

    def _evaluate_all(self, counties, cities, month):
        self._vacuum()
        run = {"skipped": 0, "points": 0, "units": 0}
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # foreign keys are checked at commit, which a rolled-back run never reaches: check
                # them as each row is written so that their cost is timed too
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for kind, areas in (("counties", counties), ("cities", cities)):
                took, points, units, skipped = self._run_all(areas, month)
                run[kind] = took
                run["points"] += points
                run["units"] += units
                run["skipped"] += skipped
            transaction.set_rollback(True)
        run["total"] = run["counties"] + run["cities"]
        return run

    def _profile(self, counties, cities, month, explain):
        self.stdout.write("")
        self.stdout.write("profile: one more run of every area, each statement timed")
        recorder = Recorder(explain=explain)
        self._vacuum()
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            with connection.execute_wrapper(recorder):
                for areas in (counties, cities):
                    if areas:
                        actions.run_months(None, areas, month)
            transaction.set_rollback(True)
        grouped = sorted(recorder.by_sql.items(), key=lambda item: -sum(item[1]))
        whole = sum(sum(times) for _sql, times in grouped)
        count = sum(len(times) for _sql, times in grouped)
        self.stdout.write(f"  {count} statements, {whole:.3f} s in all; the 12 that took longest in all:")
        for sql, times in grouped[:12]:
            self.stdout.write(
                f"  {sum(times):8.3f} s {len(times):5d}× max {max(times):.3f} s  {self._shape(sql)[:160]}"
            )
        for took, sql, plan in recorder.plans:
            self.stdout.write("")
            self.stdout.write(f"EXPLAIN ANALYZE — {took:.3f} s in the run: {self._shape(sql)[:400]}")
            for line in plan:
                self.stdout.write("    " + line)

    @staticmethod
    def _shape(sql: str) -> str:
        return re.sub(r"\s+", " ", sql).strip()
