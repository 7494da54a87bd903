from django.core.management.base import BaseCommand

from chuangcheng.inspections.tasks import housekeeping


class Command(BaseCommand):
    help = "Reveal the seeds of plans whose period has ended; mark assignments past their window missed."

    def handle(self, *args, **options):
        result = housekeeping()
        self.stdout.write(f"revealed {result['revealed']} seed(s); {result['missed']} assignment(s) missed")
