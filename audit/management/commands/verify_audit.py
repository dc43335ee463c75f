from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.anchor import anchor_dir, checkpoint_read, checkpoints_all
from audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = ("Verify the audit trail's hash chain and report the first broken link; compare "
            "it with the signed checkpoints in AUDIT_ANCHOR_DIR, or with the given files.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor", action="append", metavar="FILE",
            help="verify against this checkpoint file only (e.g. one kept in a backup or "
                 "recorded from the public page); may be given more than once")

    def handle(self, *args, anchor=None, **options):
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
            lines.append(f"Audit chain does not match its checkpoints ({report.checked} "
                         "events verified):")
            lines.extend(f"- {problem}" for problem in report.problems)
        raise CommandError("\n".join(lines))
