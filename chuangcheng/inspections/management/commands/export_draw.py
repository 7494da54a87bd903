"""``manage.py export_draw PLAN_ID [-o FILE]``: write a revealed plan's verification bundle
(seed, commitment, frozen pool and rules, digest, drawn assignments) as JSON, so the draw can
be checked away from this server (``verify_draw --bundle FILE``, or an independent
re-implementation of docs/inspections.md)."""

import json

from django.core.management.base import BaseCommand, CommandError

from chuangcheng.inspections.actions import verification_bundle
from chuangcheng.inspections.models import Plan


class Command(BaseCommand):
    help = "Export a revealed plan's draw as a JSON bundle that can be verified without the database."

    def add_arguments(self, parser):
        parser.add_argument("plan_id", type=int, metavar="PLAN_ID")
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def handle(self, *args, plan_id, output=None, **options):
        plan = Plan.objects.filter(pk=plan_id).first()
        if plan is None:
            raise CommandError(f"no plan with id {plan_id}")
        if not plan.is_revealed:
            raise CommandError("the seed of this plan is not revealed yet (after its period)")
        text = json.dumps(verification_bundle(plan), ensure_ascii=False, indent=1)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
        else:
            self.stdout.write(text)
