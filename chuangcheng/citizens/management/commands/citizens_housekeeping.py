from django.core.management.base import BaseCommand

from chuangcheng.citizens import tasks


class Command(BaseCommand):
    help = "Remove reporters' phone numbers past CITIZEN_PHONE_RETENTION_DAYS after their problem closed."

    def handle(self, *args, **options):
        done = tasks.housekeeping()
        self.stdout.write(f"phone numbers removed: {done['phones_removed']}")
