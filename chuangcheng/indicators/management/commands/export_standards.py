"""Write an assessment system to an xlsx workbook: ``manage.py export_standards SYSTEM_ID FILE``."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from chuangcheng.indicators import spreadsheet
from chuangcheng.indicators.models import AssessmentSystem


class Command(BaseCommand):
    help = "Export an assessment system (测评体系) to an xlsx workbook in the import format."

    def add_arguments(self, parser):
        parser.add_argument("system_id", type=int)
        parser.add_argument("file", help="the .xlsx file to write")

    def handle(self, *args, system_id, file, **options):
        system = AssessmentSystem.objects.select_related("area").filter(pk=system_id).first()
        if system is None:
            raise CommandError(_("There is no assessment system with id {id}.").format(id=system_id))
        book = spreadsheet.export_workbook(system)
        try:
            book.save(file)
        except OSError as exc:
            raise CommandError(_("Cannot write {name}: {reason}").format(name=file, reason=exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Wrote {name} ({edition}) to {file}.").format(
                    name=system.name, edition=system.edition, file=file
                )
            )
        )
