"""Time the import of a large workbook: ``manage.py bench_import_standards [--rows 10000] [--repeat 3]``.

The command writes its own workbook in a temporary directory (indicators, point types and check
items: ``--rows`` data rows in all), imports it into a throwaway area created for the run, and
rolls every run back, so the database is left as it was. It prints each run's times (reading
and checking, writing) and the median of the totals.
"""

import statistics
import tempfile
import time
import uuid
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from openpyxl import Workbook

from chuangcheng.indicators import spreadsheet
from chuangcheng.org.choices import UnitKind
from chuangcheng.org.models import OrgUnit

DEPARTMENTS = 30
POINT_TYPES = 20
ROOTS = 10
CONTENTS_PER_ROOT = 10


class Rollback(Exception):
    """Raised to undo a benchmark run."""


def write_bench_workbook(path: Path, rows: int) -> dict:
    """A realistic large workbook: a 3-level tree, lead and cooperating units, point types, and
    check items serving the leaves. Returns the number of rows of each sheet."""
    items = rows // 5
    indicators = max(rows - items - POINT_TYPES, ROOTS * (CONTENTS_PER_ROOT + 1))
    units = [f"测试部门{n:02d}" for n in range(DEPARTMENTS)]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(spreadsheet.SHEET_SYSTEM)
    sheet.append([c.header for c in spreadsheet.SYSTEM_COLUMNS])
    sheet.append(["全国文明城市", "县级", "基准测试版", 2026, "基准测试体系", "否", None, "是", "bench", ""])
    sheet = book.create_sheet(spreadsheet.SHEET_POINT_TYPES)
    sheet.append([c.header for c in spreadsheet.POINT_TYPE_COLUMNS])
    for n in range(POINT_TYPES):
        sheet.append([f"PT{n:02d}", f"点位类型{n}", "沿道路步行500米，观察两侧。", 500, 2, n + 1])
    sheet = book.create_sheet(spreadsheet.SHEET_INDICATORS)
    sheet.append([c.header for c in spreadsheet.INDICATOR_COLUMNS])
    leaves = []
    contents = [(r, c) for r in range(1, ROOTS + 1) for c in range(1, CONTENTS_PER_ROOT + 1)]
    standards = indicators - ROOTS - len(contents)
    written = 0
    for r in range(1, ROOTS + 1):
        sheet.append([str(r), "", 1, f"测评项目{r}", "", 10, None, "", units[r % DEPARTMENTS], "", "", "", r])
        written += 1
    for index, (r, c) in enumerate(contents):
        sheet.append(
            [
                f"{r}.{c}",
                str(r),
                2,
                f"测评内容{r}.{c}",
                "",
                1,
                None,
                "",
                units[index % DEPARTMENTS],
                "",
                "",
                "",
                c,
            ]
        )
        written += 1
    for n in range(standards):
        r, c = contents[n % len(contents)]
        code = f"{r}.{c}.{n // len(contents) + 1}"
        leaves.append(code)
        sheet.append(
            [
                code,
                f"{r}.{c}",
                3,
                f"测评标准{code}：公共场所环境整洁，无乱扔乱吐现象",
                "查看现场，随机抽查。",
                0.01,
                None,
                "实地考察",
                units[n % DEPARTMENTS],
                f"{units[(n + 1) % DEPARTMENTS]}、{units[(n + 2) % DEPARTMENTS]}",
                f"PT{n % POINT_TYPES:02d}",
                "",
                n // len(contents) + 1,
            ]
        )
        written += 1
    sheet = book.create_sheet(spreadsheet.SHEET_CHECK_ITEMS)
    sheet.append([c.header for c in spreadsheet.CHECK_ITEM_COLUMNS])
    for n in range(items):
        served = "、".join(leaves[(n * 3 + k) % len(leaves)] for k in range(2)) if leaves else "1"
        if n % 2:
            sheet.append(
                [
                    f"PT{n % POINT_TYPES:02d}",
                    f"C{n:05d}",
                    "无暴露垃圾、无卫生死角",
                    served,
                    "扣分制",
                    None,
                    2,
                    None,
                    None,
                    None,
                    "是",
                    "否",
                    n,
                ]
            )
        else:
            sheet.append(
                [
                    f"PT{n % POINT_TYPES:02d}",
                    f"C{n:05d}",
                    "摊位整洁、无占道经营",
                    served,
                    "等级制",
                    6,
                    None,
                    1,
                    3,
                    5,
                    "是",
                    "否",
                    n,
                ]
            )
    book.save(path)
    return {"indicators": written, "point_types": POINT_TYPES, "check_items": items}


class Command(BaseCommand):
    help = "Benchmark importing a large assessment-system workbook (rolled back; nothing is kept)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rows", type=int, default=10_000, help="data rows in the workbook (default 10000)"
        )
        parser.add_argument("--repeat", type=int, default=3, help="number of runs (default 3)")

    def handle(self, *args, rows, repeat, **options):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.xlsx"
            started = time.perf_counter()
            counts = write_bench_workbook(path, rows)
            self.stdout.write(
                f"workbook: {counts['indicators']} indicators + {counts['point_types']} point types + "
                f"{counts['check_items']} check items = {sum(counts.values())} rows, "
                f"{path.stat().st_size // 1024} KB, written in {time.perf_counter() - started:.2f} s"
            )
            self.stdout.write(f"database: {connection.vendor}")
            totals = []
            for run in range(1, repeat + 1):
                check_seconds, write_seconds = self._run(path)
                totals.append(check_seconds + write_seconds)
                self.stdout.write(
                    f"run {run}: read+check {check_seconds:.2f} s, write {write_seconds:.2f} s, "
                    f"total {check_seconds + write_seconds:.2f} s"
                )
        self.stdout.write(self.style.SUCCESS(f"median of {repeat}: {statistics.median(totals):.2f} s"))

    def _run(self, path):
        try:
            with transaction.atomic():
                area = OrgUnit.objects.create(name=f"基准测试县{uuid.uuid4().hex[:8]}", kind=UnitKind.COUNTY)
                for n in range(DEPARTMENTS):
                    OrgUnit.objects.create(name=f"测试部门{n:02d}", kind=UnitKind.DEPARTMENT, parent=area)
                started = time.perf_counter()
                with open(path, "rb") as handle:
                    plan = spreadsheet.prepare_import(handle, area)
                checked = time.perf_counter()
                if not plan.is_valid:
                    for problem in plan.problems[:20]:
                        self.stderr.write(str(problem))
                    raise SystemExit(1)
                spreadsheet.import_system(plan)
                written = time.perf_counter()
                raise Rollback
        except Rollback:
            pass
        return checked - started, written - checked
