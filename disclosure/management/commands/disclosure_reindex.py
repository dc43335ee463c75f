"""Rebuild the portal's index from the records it publishes (``disclosure.indexing``).

Run it after restoring a backup of the lifecycle tables without the portal's, after a
source changed what it publishes, or to take expired listings off the portal at once:
``manage.py disclosure_reindex``."""

from django.core.management.base import BaseCommand

from disclosure.indexing import reindex


class Command(BaseCommand):
    help = "Rebuild the public portal's index of publications from their records."

    def handle(self, *args, **options):
        count = reindex()
        self.stdout.write(self.style.SUCCESS(f"{count} publications indexed."))
