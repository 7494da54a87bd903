from django.core.management.base import BaseCommand

from chuangcheng.problems import actions


class Command(BaseCommand):
    help = "Release covert findings whose embargo ended, remind before deadlines, escalate overdue problems."

    def handle(self, *args, **options):
        counts = actions.housekeeping()
        self.stdout.write("released {released}, reminded {reminded}, escalated {escalated}".format(**counts))
