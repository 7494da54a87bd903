"""``manage.py bench_evaluation [--month YYYY-MM] [--repeat 3] [--area ID]``: how long the monthly
evaluation of a province takes against the cheapest SQL that reads the same month's rows
(issue 6 item 9; build the data with ``seed_demo --scale province``).

The floor is ONE statement: the month's counted inspections (not self-inspections) of every
evaluated county, grouped by point — count, passed count and score sum per point, the per-point
aggregate the evaluation's first step also needs — with only a one-row total sent back. It
reads the rows the evaluation must read and writes nothing, so no evaluation can beat it. For
context the command also times the same month's item results (the full checklists, which the
evaluation does not read) and the problems as they stood at the cut-off (which it does).

The evaluation is ``actions.run_month(None, area, month)`` for every county, then for every city
(its counties as the peer group), each in a transaction rolled back once timed: the command
leaves no evaluation, settings version or audit row behind (it checks). Each figure is the
median of ``--repeat`` runs; the floor gets one untimed warm-up run first.

``--profile`` adds, for one more run, the statements that took the most time in all (grouped by
their SQL) and, on PostgreSQL, ``EXPLAIN (ANALYZE, BUFFERS)`` of the slowest few, taken inside
the run's transaction (an INSERT … SELECT is explained by its SELECT; an UPDATE inside a savepoint
that is rolled back).
"""

import contextlib
import os
import platform
import re
import statistics
import time
from collections import defaultdict
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
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
    """An ``execute_wrapper`` that times every statement: by SQL text, and the slowest ones."""

    def __init__(self, keep: int):
        self.by_sql: dict[str, list[float]] = defaultdict(list)
        self.slowest: list[tuple[float, str, tuple]] = []
        self.keep = keep

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - started
            self.by_sql[sql].append(took)
            self.slowest.append((took, sql, tuple(params or ())))
            self.slowest.sort(key=lambda row: -row[0])
            del self.slowest[self.keep :]


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

        runs = []
        for number in range(1, repeat + 1):
            run = self._evaluate_all(counties, cities, month)
            runs.append(run)
            self.stdout.write(
                f"evaluation run {number}: counties {run['counties']:.3f} s "
                f"(slowest {run['slowest'][1]} {run['slowest'][0]:.3f} s), cities {run['cities']:.3f} s, "
                f"total {run['total']:.3f} s; {run['points']} point results, {run['units']} unit results"
                + (f"; skipped (no data) {run['skipped']}" if run["skipped"] else "")
            )
            self.stdout.flush()
        evaluation = [run["total"] for run in runs]
        floor_median = statistics.median(floor["seconds"])
        evaluation_median = statistics.median(evaluation)
        ratio = evaluation_median / floor_median if floor_median else float("inf")
        self.stdout.write(
            "  " + median_line("evaluation (run_month of every county, then every city)", evaluation)
        )
        self.stdout.write(
            f"  of which counties {statistics.median(r['counties'] for r in runs):.3f} s, "
            f"cities {statistics.median(r['cities'] for r in runs):.3f} s"
        )
        self.stdout.write(
            f"ratio evaluation / floor: {ratio:.1f}×  "
            f"(evaluation {evaluation_median:.3f} s, floor {floor_median:.3f} s)"
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

    def _run_one(self, area, month):
        """One area's run_month, timed, rolled back: (seconds, point results, unit results)."""
        with transaction.atomic():
            started = time.perf_counter()
            try:
                evaluation = actions.run_month(None, area, month)
            except actions.ScoringError as exc:
                transaction.set_rollback(True)
                if exc.code == "no_data":
                    return None
                raise CommandError(f"{area.name}: {exc.message}") from exc
            took = time.perf_counter() - started
            counts = evaluation.input_counts
            transaction.set_rollback(True)
        return took, counts.get("points", 0), counts.get("units", 0)

    def _evaluate_all(self, counties, cities, month):
        run = {"counties": 0.0, "cities": 0.0, "points": 0, "units": 0, "skipped": 0, "slowest": (0.0, "")}
        for kind, areas in (("counties", counties), ("cities", cities)):
            for number, area in enumerate(areas, start=1):
                if number % 30 == 0:
                    self.stderr.write(f"    … {number}/{len(areas)} {kind}, {run[kind]:.1f} s")
                done = self._run_one(area, month)
                if done is None:
                    run["skipped"] += 1
                    continue
                took, points, units = done
                run[kind] += took
                run["points"] += points
                run["units"] += units
                if kind == "counties" and took > run["slowest"][0]:
                    run["slowest"] = (took, area.name)
        run["total"] = run["counties"] + run["cities"]
        return run

    def _profile(self, counties, cities, month, explain):
        self.stdout.write("")
        self.stdout.write("profile: one more run of every area, each statement timed")
        recorder = Recorder(keep=1)
        per_area = {}
        for area in [*counties, *cities]:
            with transaction.atomic(), connection.execute_wrapper(recorder):
                started = time.perf_counter()
                with contextlib.suppress(actions.ScoringError):  # no data: nothing to time
                    actions.run_month(None, area, month)
                per_area[area.pk] = time.perf_counter() - started
                transaction.set_rollback(True)
        grouped = sorted(recorder.by_sql.items(), key=lambda item: -sum(item[1]))
        whole = sum(sum(times) for _sql, times in grouped)
        count = sum(len(times) for _sql, times in grouped)
        self.stdout.write(f"  {count} statements, {whole:.3f} s in all; the 12 that took longest in all:")
        for sql, times in grouped[:12]:
            self.stdout.write(
                f"  {sum(times):8.3f} s {len(times):5d}× max {max(times):.3f} s  {self._shape(sql)[:160]}"
            )
        if connection.vendor != "postgresql" or not explain:
            return
        # plans of the slowest statements of the slowest county and of the slowest city
        for group in (counties, cities):
            if group:
                area = max(group, key=lambda a: per_area.get(a.pk, 0))
                self._explain_area(area, month, explain)

    def _explain_area(self, area, month, explain):
        """Run ``area`` again and, inside its transaction, explain its slowest statements."""
        recorder = Recorder(keep=explain)
        with transaction.atomic():
            with connection.execute_wrapper(recorder):
                actions.run_month(None, area, month)
            for took, sql, params in recorder.slowest:
                statement = sql
                match = re.match(r"\s*INSERT INTO .*?\)\s*(SELECT .*)$", sql, re.S)
                if match:
                    statement = match.group(1)
                elif not re.match(r"\s*(SELECT|UPDATE|DELETE)\b", sql, re.I):
                    continue
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, params)
                    plan = [row[0] for row in cursor.fetchall()]
                    transaction.set_rollback(True)
                self.stdout.write("")
                self.stdout.write(
                    f"EXPLAIN ANALYZE — {area.name}, {took:.3f} s in the run: {self._shape(sql)[:400]}"
                )
                for line in plan:
                    self.stdout.write("    " + line)
            transaction.set_rollback(True)

    @staticmethod
    def _shape(sql: str) -> str:
        return re.sub(r"\s+", " ", sql).strip()
