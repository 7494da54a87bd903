"""Import an assessment system from an xlsx workbook: ``manage.py import_standards FILE --area ID``.

Everything is checked first; with any bad row every problem is printed (sheet, row, column:
reason) and nothing is imported, and the command exits non-zero.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from chuangcheng.indicators import spreadsheet
from chuangcheng.org.models import OrgUnit


class Command(BaseCommand):
    help = "Import an assessment system (测评体系) from an xlsx workbook into a campaign area."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx workbook (format: docs/spreadsheets.md)")
        parser.add_argument(
            "--area", type=int, required=True, help="id of the campaign area (county or city unit)"
        )
        parser.add_argument(
            "--activate",
            action="store_true",
            help="make the system active, archiving the active one of the same title and level",
        )

    def handle(self, *args, file, area, activate, **options):
        area_unit = OrgUnit.objects.filter(pk=area).first()
        if area_unit is None:
            raise CommandError(_("There is no org unit with id {id}.").format(id=area))
        quiet = options["verbosity"] == 0

        def progress(message):
            if not quiet:
                self.stdout.write(message)

        try:
            with open(file, "rb") as handle:
                plan = spreadsheet.prepare_import(handle, area_unit, progress=progress)
                if not plan.is_valid:
                    self._fail(plan.problems)
                for warning in plan.warnings:
                    self.stdout.write(self.style.WARNING(_("Warning: {w}").format(w=warning)))
                system = spreadsheet.import_system(plan, activate=activate, progress=progress)
        except FileNotFoundError:
            raise CommandError(_("The file {name} does not exist.").format(name=file)) from None
        except spreadsheet.WorkbookInvalid as exc:
            self._fail(exc.problems)
        self.stdout.write(
            self.style.SUCCESS(
                _("Imported system {id}: {name} ({edition}), {n} indicators, status {status}.").format(
                    id=system.pk,
                    name=system.name,
                    edition=system.edition,
                    n=len(plan.parsed.indicators),
                    status=system.get_status_display(),
                )
            )
        )

    def _fail(self, problems):
        for problem in problems:
            self.stderr.write(str(problem))
        raise CommandError(_("Nothing was imported: {n} problems in the workbook.").format(n=len(problems)))
