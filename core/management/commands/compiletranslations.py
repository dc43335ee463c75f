from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    """Compile every ``locale/*/LC_MESSAGES/*.po`` to ``.mo`` without GNU gettext.

    Django's ``compilemessages`` needs ``msgfmt``, which a newcomer's machine
    may lack; polib does the same in pure Python so ``make run`` works anywhere.
    """

    help = "Compile the project's .po files to .mo (pure Python, no gettext needed)."

    def handle(self, *args, **options):
        count = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                po = polib.pofile(str(po_path))
                po.save_as_mofile(str(po_path.with_suffix(".mo")))
                count += 1
                self.stdout.write(f"{po_path}: {po.percent_translated()}% translated")
        self.stdout.write(self.style.SUCCESS(f"Compiled {count} catalogues."))
