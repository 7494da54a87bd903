"""``manage.py seed_demo``: build the fictional county 示范县, the same way every time."""

import time
import unicodedata

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from chuangcheng.demo.builders import MODULES, flush_all, module_name, province, steps_up_to
from chuangcheng.demo.context import DEFAULT_SEED, DemoContext
from chuangcheng.demo.logins import DEMO_LOGINS, DEMO_PASSWORD
from chuangcheng.org.models import OrgUnit, User


def _width(text: str) -> int:
    """Columns a string takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def logins_table() -> list[str]:
    """The demo logins as aligned text lines: role | username | password."""
    rows = [("角色", "用户名", "密码"), *((role, username, DEMO_PASSWORD) for role, username in DEMO_LOGINS)]
    widths = [max(_width(row[i]) for row in rows) for i in range(3)]
    lines = [" | ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return lines


class Command(BaseCommand):
    help = (
        "Build the fictional demo county 示范县 (with its city and a neighbouring county), "
        "deterministically from --seed. Refuses on a database that already holds org data "
        "unless --flush (which deletes ALL org data and users first) or --if-empty (which then "
        "does nothing). Refuses when DEBUG is off unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"Random seed (default {DEFAULT_SEED})."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (but print the demo logins) when org units already exist. `make run` uses this.",
        )
        parser.add_argument(
            "--flush",
            action="store_true",
            help="Delete all org data — visits, pairings, roles, every user, every unit — then seed.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (and --scale province even on SQLite).",
        )
        parser.add_argument(
            "--scale",
            choices=["demo", "province"],
            default="demo",
            help="demo: the demo county (default). province: the evaluation benchmark's province — "
            "--counties counties of --points points, last month's covert inspections and problems "
            "(PostgreSQL; a few minutes).",
        )
        parser.add_argument(
            "--counties",
            type=int,
            default=province.COUNTIES,
            help=f"--scale province: counties ({province.COUNTIES})",
        )
        parser.add_argument(
            "--points",
            type=int,
            default=province.POINTS,
            help=f"--scale province: points per county ({province.POINTS})",
        )
        parser.add_argument(
            "--counties-per-city",
            type=int,
            default=province.COUNTIES_PER_CITY,
            help=f"--scale province: counties under each city ({province.COUNTIES_PER_CITY})",
        )
        parser.add_argument(
            "--up-to",
            choices=[module_name(m) for m in MODULES],
            default=None,
            help="Build only the demo's parts up to this one (default: all).",
        )

    def handle(self, *args, seed, if_empty, flush, force, up_to=None, scale="demo", **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG 已关闭，这看起来像生产环境配置；演示数据含虚构人员和统一密码，不应写入生产库。"
                "确需执行请加 --force。 (DEBUG is off: this looks like a production configuration. "
                "Use --force to seed demo data anyway.)"
            )
        if if_empty and flush:
            raise CommandError(
                "--if-empty 与 --flush 不能同时使用。 (--if-empty and --flush contradict each other.)"
            )

        if scale == "province":
            if up_to:
                raise CommandError("--up-to 只用于示范县。 (--up-to applies to the demo county only.)")
            if connection.vendor != "postgresql" and not force:
                raise CommandError(
                    f"--scale province 是 PostgreSQL 上的基准测试数据（约 {province.COUNTIES} 个县、"
                    f"数百万行），当前数据库为 {connection.vendor}；确需执行请加 --force。 "
                    "(--scale province builds millions of rows for the PostgreSQL benchmark; "
                    "use --force to build it on this database anyway.)"
                )
            try:
                steps = province.steps(options["counties"], options["points"], options["counties_per_city"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        else:
            steps = steps_up_to(up_to)

        if if_empty and OrgUnit.objects.exists():
            self.stdout.write("已有组织数据，跳过演示数据生成。 (Org data already present; nothing changed.)")
            self._print_logins()
            return

        started = time.monotonic()
        with transaction.atomic():
            units, users = OrgUnit.objects.count(), User.objects.count()
            if (units or users) and not flush:
                raise CommandError(
                    f"数据库中已有数据（{units} 个单位，{users} 个账号），未做任何改动。"
                    "如需清空后重建演示数据，请加 --flush（将删除全部组织数据和账号）。 "
                    "(The database already holds org data; nothing was changed. "
                    "Use --flush to delete it and seed again.)"
                )
            if units or users:
                flush_all()
                self.stdout.write(f"已清空原有数据：{units} 个单位，{users} 个账号。")
            ctx = DemoContext(seed=seed, write=self.stdout.write)
            if scale == "province":
                self.stdout.write(
                    f"生成基准数据：示范省 {options['counties']} 个县 × "
                    f"{options['points']} 个点位（seed={seed}）"
                )
            else:
                self.stdout.write(f"生成演示数据：示范县（seed={seed}）")
            for number, step in enumerate(steps, start=1):
                summary = step.build(ctx)
                self.stdout.write(f"[{number}/{len(steps)}] {step.label} … {summary}")
        self.stdout.write(self.style.SUCCESS(f"完成，用时 {time.monotonic() - started:.1f} 秒。"))
        if scale == "province":
            totals = province.counts(ctx)
            self.stdout.write("行数: " + ", ".join(f"{key} {value}" for key, value in sorted(totals.items())))
            self.stdout.write(f"示范省账号的密码均为 {DEMO_PASSWORD}（没有示范县的演示账号）。")
            return
        self._print_logins()

    def _print_logins(self):
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）")
        for line in logins_table():
            self.stdout.write("  " + line)
