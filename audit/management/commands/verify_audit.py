from django.core.management.base import BaseCommand, CommandError

from audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain and report the first broken link."

    def handle(self, *args, **options):
        report = audit_chain_verify()
        if report.ok:
            self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.checked} events."))
            return
        raise CommandError(
            f"Audit chain broken at event #{report.broken_at}: {report.reason}. "
            f"{report.checked} events before it verified."
        )
