"""The Celery application.

All periodic schedules live in one registry, ``BEAT_SCHEDULE`` below, with
kebab-case keys; each entry names the task and says why it runs when it does.
"""

import logging.config
import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("chunfeng")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _django_logging(**_kwargs):
    """Worker and beat log with Django's LOGGING (one format, Asia/Shanghai time) rather
    than Celery's own format in the machine's time zone."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)

BEAT_SCHEDULE = {
    # Workers prove they are alive; /healthz shows the last beat they handled.
    "worker-heartbeat": {"task": "core.tasks.heartbeat", "schedule": 60.0},
    # Statutory clocks: reminders, overdue marks, escalation. Minute resolution
    # is enough for deadlines counted in working days and hours.
    "deadlines-sweep": {"task": "deadlines.tasks.sweep", "schedule": 60.0},
    # Retries of SMS and e-mail that failed, with back-off (the first try is
    # queued on commit by notify()).
    "notifications-deliver": {"task": "notifications.tasks.deliver_due", "schedule": 60.0},
    # Bids are opened at the deadline by the server clock (87号令 第39条): each
    # announcement schedules procurement.tasks.open_project_at_deadline for its
    # deadline; this minute beat is the backstop for a task that was lost.
    "procurement-open-due-lots": {"task": "procurement.tasks.open_due_lots", "schedule": 60.0},
    # Links the audit events requests appended (without a lock) into the hash chain
    # (audit.services.audit_seal). Every 5 s keeps the "sealing pending" window short;
    # each run seals everything committed, so runs left waiting in the queue behind a
    # busy or stopped worker expire instead of piling up. verify_audit fails when an
    # event stays unsealed past AUDIT_SEAL_GRACE_SECONDS (600 s by default).
    "audit-seal": {"task": "audit.tasks.seal", "schedule": 5.0, "options": {"expires": 30.0}},
    # Seals what is pending, then signs the audit chain's head into AUDIT_ANCHOR_DIR
    # (audit.anchor): whatever is deleted or rewritten at the tail after a checkpoint
    # fails verify_audit, so this bounds the unanchored window to ten minutes. Writes
    # nothing when the chain has not grown, so a quiet night adds no files.
    "audit-checkpoint": {"task": "audit.tasks.checkpoint", "schedule": 600.0},
    # A credit record counts for rule credit.record_period (years): once a day, the
    # grades of those whose records ran out are recomputed (complaints credit part).
    # The portal (disclosure): bad-behaviour listings leave it when their period ends or
    # they are lifted (hourly); the agencies' practice is counted again and the OCDS bulk
    # export written once a day.
    "disclosure-listings": {"task": "disclosure.tasks.refresh_listings", "schedule": 3600.0},
    "disclosure-agency-practice": {
        "task": "disclosure.tasks_practice.recompute_agency_practice", "schedule": 86400.0},
    "disclosure-ocds-export": {"task": "disclosure.tasks_ocds.ocds_export_daily",
                               "schedule": crontab(hour=2, minute=30)},
    "complaints-credit-grades": {"task": "complaints.tasks_credit.refresh_grades",
                                 "schedule": 86400.0},
    # A suspension of the procurement during a complaint lasts at most rule
    # complaint.suspend_max: once an hour, those whose period has run out are lifted.
    "complaints-suspensions": {"task": "complaints.tasks_complaints.lift_suspensions",
                               "schedule": 3600.0},
}
app.conf.beat_schedule = BEAT_SCHEDULE
