"""manage.py import_points FILE.xlsx --area AREA_ID: the same all-or-nothing import as the page."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from chuangcheng.org.choices import AREA_KINDS
from chuangcheng.org.models import OrgUnit
from chuangcheng.points import points_import


def describe(issue) -> str:
    """One problem as a line: row and column when known."""
    if issue.row is None:
        return _("File: {message}").format(message=issue.message)
    if not issue.column:
        return _("Row {row}: {message}").format(row=issue.row, message=issue.message)
    return _("Row {row}, column {column}: {message}").format(
        row=issue.row, column=issue.column, message=issue.message
    )


class Command(BaseCommand):
    help = (
        "Import points from an .xlsx file into a campaign area (upsert by code). Every row is checked "
        "first; if any row is bad, each problem is listed and nothing is imported (exit status 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx file (columns as in the template)")
        parser.add_argument("--area", type=int, required=True, help="id of the county (or city) org unit")
        parser.add_argument("--dry-run", action="store_true", help="check the file only; write nothing")
        parser.add_argument("--language", default="zh-hans", help="language of the problem report")

    def handle(self, *args, **options):
        with translation.override(options["language"]):
            return self._handle(options)

    def _handle(self, options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        area = OrgUnit.objects.filter(pk=options["area"]).first()
        if area is None:
            raise CommandError(f"no org unit with id {options['area']}")
        if area.kind not in AREA_KINDS:
            raise CommandError(f"{area} is not a county or city (kind {area.kind})")
        started = time.monotonic()
        plan = points_import.plan_import(
            path.read_bytes(), area=area, people=points_import.people_in_area(area)
        )
        checked = time.monotonic() - started
        if not plan.ok:
            for issue in plan.issues:
                self.stderr.write(describe(issue))
            raise CommandError(
                _("{n} problem(s) in {file}; nothing was imported.").format(
                    n=len(plan.issues), file=path.name
                )
            )
        if options["dry_run"]:
            self.stdout.write(
                f"{path.name}: OK, {plan.creates} new and {plan.updates} updated points "
                f"(checked in {checked:.2f} s; dry run, nothing written)."
            )
            return
        result = points_import.apply_import(plan, source=path.name)
        self.stdout.write(
            self.style.SUCCESS(
                f"{path.name}: {result.created} points created, {result.updated} updated, "
                f"{result.roles_granted} point-leader roles granted in {area} "
                f"({time.monotonic() - started:.2f} s)."
            )
        )
