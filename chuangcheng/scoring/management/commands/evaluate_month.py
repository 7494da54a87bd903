from datetime import date

from django.core.management.base import BaseCommand, CommandError

from chuangcheng.org.choices import AREA_KINDS
from chuangcheng.org.models import OrgUnit
from chuangcheng.scoring import actions


def parse_month(text: str) -> date:
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except ValueError as exc:
        raise CommandError(f"month must be YYYY-MM, not {text!r}") from exc


class Command(BaseCommand):
    help = "Evaluate a month (YYYY-MM) as a draft: every county, or --area ID; --publish publishes it."

    def add_arguments(self, parser):
        parser.add_argument("month", help="YYYY-MM")
        parser.add_argument("--area", type=int, help="one county or city (default: every county)")
        parser.add_argument("--publish", action="store_true", help="publish the draft at once")
        parser.add_argument("--reason", default="", help="why, when this corrects a published month")

    def handle(self, *args, **options):
        month = parse_month(options["month"])
        if options["area"]:
            areas = list(OrgUnit.objects.filter(pk=options["area"], kind__in=AREA_KINDS))
            if not areas:
                raise CommandError(f"no county or city with id {options['area']}")
        else:
            areas = list(OrgUnit.objects.filter(kind="county", is_active=True).order_by("path"))
        failed = 0
        for area in areas:
            try:
                evaluation = actions.run_month(None, area, month)
                if options["publish"]:
                    evaluation = actions.publish(None, evaluation.pk, reason=options["reason"])
            except actions.ScoringError as exc:
                failed += 1
                self.stderr.write(f"{area.name}: {exc.message}")
                continue
            counts = evaluation.input_counts
            self.stdout.write(
                f"{area.name} {month:%Y-%m} v{evaluation.number} {evaluation.get_status_display()}: "
                f"{counts.get('points', 0)} points, {counts.get('units', 0)} units, "
                f"{counts.get('inspections', 0)} inspections, {counts.get('problems', 0)} problems"
            )
        if failed and failed == len(areas):
            raise CommandError("nothing was evaluated")
