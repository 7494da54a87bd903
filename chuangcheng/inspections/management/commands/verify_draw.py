"""``manage.py verify_draw PLAN_ID [PLAN_ID…]`` or ``--all``: re-run each revealed plan's draw
from its seed, pool and rules and compare it with the stored assignments. ``--bundle FILE``
checks an exported bundle (``export_draw``) without the database. Exits 1 on any mismatch
(or when a named plan cannot be verified yet)."""

import json

from django.core.management.base import BaseCommand, CommandError

from chuangcheng.inspections.actions import verify_bundle, verify_plan
from chuangcheng.inspections.models import Plan


class Command(BaseCommand):
    help = "Verify that plans' assignments are exactly the draw from their revealed seeds."

    def add_arguments(self, parser):
        parser.add_argument("plan_ids", nargs="*", type=int, metavar="PLAN_ID")
        parser.add_argument("--all", action="store_true", help="every plan whose seed is revealed")
        parser.add_argument("--bundle", help="a JSON bundle written by export_draw (no database needed)")

    def handle(self, *args, plan_ids, all, bundle=None, **options):
        if bundle:
            return self._bundle(bundle)
        if all:
            plans = list(Plan.objects.filter(seed_revealed_at__isnull=False).order_by("pk"))
        elif plan_ids:
            plans = list(Plan.objects.filter(pk__in=plan_ids).order_by("pk"))
            missing = sorted(set(plan_ids) - {p.pk for p in plans})
            if missing:
                raise CommandError(f"no plan with id {', '.join(map(str, missing))}")
        else:
            raise CommandError("give PLAN_ID(s) or --all")
        failed = 0
        for plan in plans:
            result = verify_plan(plan)
            if result.ok:
                self.stdout.write(
                    f"plan {plan.pk} {plan.name}: OK, {result.checked} assignments match the draw"
                )
            else:
                failed += 1
                self.stdout.write(f"plan {plan.pk} {plan.name}: FAILED")
                for problem in result.problems:
                    self.stdout.write(f"  - {problem}")
        self.stdout.write(f"{len(plans) - failed} of {len(plans)} plan(s) verified")
        if failed:
            raise SystemExit(1)

    def _bundle(self, path):
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        checked, problems = verify_bundle(data)
        name = f"plan {data.get('plan')} {data.get('name', '')}".strip()
        if problems:
            self.stdout.write(f"{name}: FAILED")
            for problem in problems:
                self.stdout.write(f"  - {problem}")
            raise SystemExit(1)
        self.stdout.write(f"{name}: OK, {checked} assignments match the draw")
