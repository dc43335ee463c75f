from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.anchor import anchor_dir, checkpoint_read, checkpoints_all
from audit.selectors import audit_chain_verify
from audit.services import audit_pending_restore, audit_seal


class Command(BaseCommand):
    help = ("Verify the audit trail's hash chain and report the first broken link; compare "
            "it with the signed checkpoints in AUDIT_ANCHOR_DIR, or with the given files; "
            "report the events not yet sealed into the chain.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor", action="append", metavar="FILE",
            help="verify against this checkpoint file only (e.g. one kept in a backup or "
                 "recorded from the public page); may be given more than once")
        # Verifying only reads, so that it shows the trail as the platform left it (a
        # stopped sealer included) and can run against a restored copy; --seal is for
        # when the pending events should be judged too.
        parser.add_argument(
            "--seal", action="store_true",
            help="first seal the events still pending, as the beat's audit-seal task would, "
                 "after queueing again any that are missing from the sealing queue")

    def handle(self, *args, anchor=None, seal=False, **options):
        if seal:
            # The beat seals only what is queued; an unsealed event missing from the
            # queue was taken out of it by hand (or a seal was removed). Asked
            # explicitly, we put it back and say so: it is worth investigating.
            restored = audit_pending_restore()
            if restored:
                shown = ", ".join(f"#{pk}" for pk in restored[:10])
                more = f" and {len(restored) - 10} more" if len(restored) > 10 else ""
                self.stderr.write(self.style.WARNING(
                    f"{len(restored)} unsealed event{'s were' if len(restored) != 1 else ' was'} "
                    f"missing from the sealing queue ({shown}{more}) and queued again: a "
                    "queue row or a seal was removed, or events were inserted with triggers "
                    "disabled. Find out how."))
            sealed = audit_seal(now=timezone.now())
            self.stdout.write(f"Sealed {sealed} pending event{'s' if sealed != 1 else ''}.")
        if anchor:
            checkpoints = [checkpoint_read(Path(path), name=path) for path in anchor]
        else:
            checkpoints = checkpoints_all()
        report = audit_chain_verify(checkpoints=checkpoints)
        if report.ok:
            message = f"Audit chain intact: {report.checked} events."
            if report.checkpoints:
                latest = max(checkpoints, key=lambda c: c.count)
                message += (f" It holds {report.checkpoints} checkpoint"
                            f"{'s' if report.checkpoints != 1 else ''}, the latest of "
                            f"{latest.count} events up to #{latest.last_id}.")
            self.stdout.write(self.style.SUCCESS(message))
            if report.pending:
                oldest = report.oldest_pending
                self.stdout.write(
                    f"{report.pending} more event{'s' if report.pending != 1 else ''} "
                    f"pending sealing, the oldest #{oldest.pk} recorded at "
                    f"{oldest.at.isoformat(timespec='seconds')} (within "
                    "AUDIT_SEAL_GRACE_SECONDS; not verified yet).")
                if report.unqueued:
                    self.stderr.write(self.style.WARNING(
                        f"{report.unqueued} of them {'are' if report.unqueued != 1 else 'is'} "
                        "missing from the sealing queue (audit_auditpending): the sealer "
                        "will never seal them. Run verify_audit --seal to queue them again."))
            if not report.checkpoints:
                self.stderr.write(self.style.WARNING(
                    f"No checkpoint in {anchor_dir()}: nothing shows that the chain's tail "
                    "is complete (is the beat running, is the anchor folder mounted?)."))
            return
        lines = []
        if report.broken_at is not None:
            lines.append(f"Audit chain broken at event #{report.broken_at}: {report.reason}. "
                         f"{report.checked} events before it verified.")
        if report.problems:
            lines.append(f"Audit chain does not match its checkpoints or is not sealed "
                         f"({report.checked} events verified):")
            lines.extend(f"- {problem}" for problem in report.problems)
        raise CommandError("\n".join(lines))
