"""``manage.py bench_draw``: how long the random draw takes (issue 4's closing note asks for
300 points × 40 inspectors × 4 visits).

By default it times ``draw.draw`` alone on a synthetic pool built in memory (no database):
points spread over point types and townships, a share of them risky, each inspector barred from
the points of one township (their own unit), and last inspectors set, so the draw does the work
it does for a real county. ``--with-db`` also times ``actions.create_plan`` end to end (freezing
the pool from the database, drawing, writing the plan and its assignments) on the current
database — the demo county when present — inside a transaction that is rolled back.
"""

import os
import platform
import random
import statistics
import time
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from chuangcheng.inspections import draw

TOWNSHIPS = 10
POINT_TYPES = 20


def synthetic_pool(points: int, inspectors: int, rng: random.Random) -> draw.Pool:
    inspector_ids = list(range(1, inspectors + 1))
    # each inspector belongs to one township's unit (or to none: office staff)
    home = {i: (rng.randrange(TOWNSHIPS) if rng.random() < 0.6 else None) for i in inspector_ids}
    pool_points = []
    for number in range(points):
        township = number % TOWNSHIPS
        pool_points.append(
            draw.PoolPoint(
                id=1000 + number,
                type_id=1 + rng.randrange(POINT_TYPES),
                township_id=100 + township,
                weight=1 + (2 * rng.randint(1, 3) if rng.random() < 0.15 else 0),
                blocked=tuple(i for i in inspector_ids if home[i] == township),
                last_inspectors=(rng.choice(inspector_ids),),
            )
        )
    return draw.Pool(points=tuple(pool_points), inspectors=tuple(inspector_ids))


def month_rules(visits: int, inspectors_per_visit: int, start: date) -> draw.Rules:
    end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return draw.Rules(
        date_ranges=((start, end),),
        day_parts=("morning", "afternoon"),
        visits_per_point=visits,
        inspectors_per_visit=inspectors_per_visit,
    )


def summary(label: str, seconds: list[float]) -> str:
    return (
        f"{label}: median {statistics.median(seconds):.3f} s, min {min(seconds):.3f} s, "
        f"max {max(seconds):.3f} s over {len(seconds)} runs"
    )


class Command(BaseCommand):
    help = "Time the random draw (synthetic pool in memory; --with-db also create_plan on this database)."

    def add_arguments(self, parser):
        parser.add_argument("--points", type=int, default=300)
        parser.add_argument("--inspectors", type=int, default=40)
        parser.add_argument("--visits", type=int, default=4, help="visits per point")
        parser.add_argument("--inspectors-per-visit", type=int, default=1, choices=[1, 2])
        parser.add_argument("--repeat", type=int, default=7)
        parser.add_argument(
            "--with-db",
            action="store_true",
            help="also time actions.create_plan on this database's county (rolled back)",
        )
        parser.add_argument("--area", default="示范县", help="the county for --with-db (name or id)")

    def handle(
        self, *args, points, inspectors, visits, inspectors_per_visit, repeat, with_db, area, **options
    ):
        if points < 1 or inspectors < 1 or visits < 1 or repeat < 1:
            raise CommandError("--points, --inspectors, --visits and --repeat must be at least 1")
        self.stdout.write(
            f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
        )
        rng = random.Random(20260401)  # noqa: S311 — synthetic data, not secrets
        pool = synthetic_pool(points, inspectors, rng)
        rules = month_rules(visits, inspectors_per_visit, date(2027, 3, 1))
        problems = draw.check(pool, rules)
        if problems:
            raise CommandError("the synthetic rules are infeasible: " + ", ".join(p.code for p in problems))
        seconds, assignments = [], 0
        for _ in range(repeat):
            seed = f"{rng.getrandbits(256):064x}"
            started = time.perf_counter()
            visits_drawn = draw.draw(seed, pool, rules)
            seconds.append(time.perf_counter() - started)
            assignments = len(visits_drawn)
        self.stdout.write(
            f"draw.draw, synthetic: {points} points × {inspectors} inspectors × {visits} visits "
            f"({inspectors_per_visit} per visit, {len(draw.slots_for(rules))} windows) "
            f"= {assignments} assignments"
        )
        self.stdout.write("  " + summary("draw", seconds))
        if with_db:
            self._with_db(area, visits, inspectors_per_visit, repeat)

    def _with_db(self, area_name, visits, inspectors_per_visit, repeat):
        from chuangcheng.inspections import actions
        from chuangcheng.org.choices import Role
        from chuangcheng.org.models import OrgUnit, User

        lookup = {"pk": int(area_name)} if str(area_name).isdigit() else {"name": area_name}
        area = OrgUnit.objects.filter(**lookup).first()
        if area is None:
            raise CommandError(f"no area {area_name!r} in this database (run seed_demo for the demo county)")
        office = (
            User.objects.filter(
                is_active=True,
                role_assignments__role=Role.OFFICE,
                role_assignments__unit__path__startswith=area.path,
            )
            .order_by("pk")
            .first()
        )
        if office is None:
            raise CommandError(f"{area.name} has no campaign office account to plan with")
        inspector_ids = list(actions.eligible_inspectors(area).values_list("pk", flat=True))
        start = date(2099, 1, 1)  # far from any real plan; rolled back anyway
        data = actions.PlanInput(
            area=area,
            name="bench_draw",
            kind="covert",
            period_start=start,
            period_end=date(2099, 1, 31),
            rules=month_rules(visits, inspectors_per_visit, start),
            inspector_ids=inspector_ids,
        )
        seconds, assignments = [], 0
        for _ in range(repeat):
            with transaction.atomic():
                started = time.perf_counter()
                try:
                    plan = actions.create_plan(office, data)
                except actions.ActionError as exc:
                    raise CommandError(f"create_plan refused: {'; '.join(exc.messages)}") from exc
                seconds.append(time.perf_counter() - started)
                assignments = plan.assignments.count()
                points = len(plan.pool["points"])
                transaction.set_rollback(True)
        self.stdout.write(
            f"actions.create_plan on this database ({area.name}): {points} points × {len(inspector_ids)} "
            f"inspectors × {visits} visits = {assignments} assignments, rolled back"
        )
        self.stdout.write("  " + summary("create_plan", seconds))
