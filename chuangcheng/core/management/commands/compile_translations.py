"""Compile the .po catalogues to .mo with polib, so set-up needs no GNU gettext.

Django's own ``compilemessages`` needs ``msgfmt``, which a fresh laptop does not have.
Only catalogues whose .mo is missing or older than the .po are compiled, so re-runs are instant.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/*.po to .mo (without GNU gettext)."

    def handle(self, *args, **options):
        compiled = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                try:
                    catalogue = polib.pofile(str(po_path))
                except (OSError, ValueError) as exc:
                    raise CommandError(f"cannot read {po_path}: {exc}") from exc
                catalogue.save_as_mofile(str(mo_path))
                compiled += 1
                self.stdout.write(
                    f"compiled {po_path.relative_to(settings.BASE_DIR)} ({catalogue.percent_translated()}%)"
                )
        if compiled == 0 and options["verbosity"] > 1:
            self.stdout.write("translations up to date")
