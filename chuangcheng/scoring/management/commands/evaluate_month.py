"""``manage.py evaluate_month YYYY-MM [--area ID] [--publish] [--reason …]``: the monthly evaluation
from the command line (or cron). Without ``--area`` every active county is evaluated in one pass
(``actions.run_months``); a county without data, or whose covert visits are still secret, is
reported and skipped, the others are evaluated."""

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
    help = (
        "Evaluate a month (YYYY-MM) as drafts: every county in one pass, or --area ID (a county or a "
        "city); --publish publishes them."
    )

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
        try:
            evaluations, refused = actions.run_months(None, areas, month)
        except actions.ScoringError as exc:
            raise CommandError(exc.message) from exc
        names = {area.pk: area.name for area in areas}
        for area_id, error in refused.items():
            self.stderr.write(f"{names[area_id]}: {error.message}")
        for evaluation in evaluations:
            if options["publish"]:
                try:
                    evaluation = actions.publish(None, evaluation.pk, reason=options["reason"])
                except actions.ScoringError as exc:
                    self.stderr.write(f"{evaluation.area.name}: {exc.message}")
                    continue
            counts, status = evaluation.input_counts, evaluation.get_status_display()
            self.stdout.write(
                f"{evaluation.area.name} {month:%Y-%m} v{evaluation.number} {status}: "
                f"{counts.get('points', 0)} points, {counts.get('units', 0)} units, "
                f"{counts.get('inspections', 0)} inspections, {counts.get('problems', 0)} problems"
            )
        if not evaluations:
            raise CommandError("nothing was evaluated")
