"""The deadline sweep over a decade of clocks: 3 million rows, 10,000 due."""

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Organization
from accounts.tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from audit.services import audit_seal
from deadlines.models import Deadline
from deadlines.services import claim_queryset, deadlines_sweep

from .harness import measured

TOTAL = 3_000_000
DUE = 10_000
FUTURE = 50_000
# The goals for 10,000 due among 3,000,000 on the bench machine.
GOAL_SECONDS = 10.0
GOAL_QUERIES_PER_CLOCK = 1.0


def _orgs():
    purchaser = Organization.objects.filter(name="基准测试采购单位").first() or \
        OrganizationFactory(name="基准测试采购单位")
    finance = Organization.objects.filter(kind="finance").first() or \
        OrganizationFactory(name="基准测试财政局", kind="finance")
    if not purchaser.memberships.exists():
        for i in range(2):
            MembershipFactory(user=UserFactory(username=f"bench_officer{i}"),
                              organization=purchaser, role=Membership.Role.OFFICER)
        MembershipFactory(user=UserFactory(username="bench_leader"), organization=purchaser,
                          role=Membership.Role.LEADER)
        for i in range(2):
            MembershipFactory(user=UserFactory(username=f"bench_finance{i}"),
                              organization=finance, role=Membership.Role.OFFICER)
    return purchaser


def seed(*, total=TOTAL, due=DUE, now=None, out=print) -> None:
    """Insert the rows server-side with generate_series: minutes, not hours."""
    now = now or timezone.now()
    have = Deadline.objects.count()
    if have == total:
        out(f"  deadlines: {have:,} rows already seeded; vacuuming what earlier runs rolled "
            "back …")
        # Each run's sweep is rolled back: its dead row versions would slow the next run.
        with connection.cursor() as cur:
            for table in ("deadlines_deadline", "deadlines_reminder", "notifications_message",
                          "core_statuschange", "audit_auditevent", "audit_auditpending"):
                cur.execute(f"VACUUM (ANALYZE) {table}")
        return
    if have:
        out(f"  {have:,} rows of another size: reseeding")
        with connection.cursor() as cur:
            cur.execute("TRUNCATE deadlines_reminder, deadlines_deadline_responsible_users, "
                        "deadlines_deadline")
    org = _orgs()
    ct = ContentType.objects.get_for_model(Organization)
    out(f"  seeding {total:,} deadline rows …")
    future = min(FUTURE, max(0, total - due))
    history = max(0, total - due - future)
    with connection.cursor() as cur, transaction.atomic():
        # Ten years of met clocks (history), up to 50,000 open in the future, `due`
        # ready now.
        for prefix, label, started, due_at, status, met_at, next_action, n in (
            ("h", "历史项目", "{now} - (g || ' minutes')::interval",
             "{now} - (g || ' minutes')::interval + interval '3 days'", "met",
             "{now} - (g || ' minutes')::interval + interval '1 day'", "NULL", history),
            ("f", "在办项目", "{now}", "{now} + interval '10 days'", "open", "NULL",
             "{now} + interval '9 days'", future),
            ("d", "到期项目", "{now} - interval '3 days'", "{now} - interval '1 minute'", "open",
             "NULL", "{now} - interval '1 minute'", due),
        ):
            times = {k: v.format(now="%(now)s") for k, v in
                     {"s": started, "d": due_at, "m": met_at, "n": next_action}.items()}
            cur.execute(f"""
                INSERT INTO deadlines_deadline (subject_type_id, subject_id, subject_repr,
                    clock, organization_id, amount, unit, basis, started_at, due_at, status,
                    met_at, provisional, pause_reason, next_action_at, waive_reason, created_at)
                SELECT %(ct)s, '{prefix}' || g, '{label} ' || g, 'contract.sign', %(org)s, 2,
                       'workdays', '春风行动 第18条', {times["s"]}, {times["d"]}, '{status}',
                       {times["m"]}, false, '', {times["n"]}, '', %(now)s
                FROM generate_series(1, %(n)s) AS g
            """, {"ct": ct.pk, "org": org.pk, "now": now, "n": n})  # noqa: S608 (constants)
    with connection.cursor() as cur:
        cur.execute("ANALYZE deadlines_deadline")
    out(f"  deadlines: {Deadline.objects.count():,} rows")


def explain_batch(now) -> str:
    """The plan of the sweep's own claim statement (FOR UPDATE SKIP LOCKED, LIMIT 500)."""
    return claim_queryset(now)[:500].explain()


def run(now=None, out=print):
    """Sweep the due rows inside a transaction that is rolled back, so runs repeat.

    Measured: the sweep itself (claim, plan, write, digest) with its query count; then,
    apart, the sealing of the audit events it recorded — off the hot path (the beat's
    ``audit-seal``), but it must keep up.
    """
    now = now or timezone.now()
    due = Deadline.objects.filter(next_action_at__lte=now).count()
    # A worker sweeps every minute for as long as it lives: its URL resolver is loaded
    # (the clocks' links), as it is not in this fresh process. Load it before timing.
    reverse("deadlines:deadline-list")
    with transaction.atomic():
        plan = explain_batch(now)
        with measured("deadline sweep (per due clock)", operations=due) as m:
            result = deadlines_sweep(now=now)
        m.notes = {"examined": result.examined, "overdue": result.overdue,
                   "messages": result.messages, "digest messages": result.digests,
                   "batches": result.batches, "failed": len(result.failed),
                   "queries per clock": round(m.queries / max(1, due), 4),
                   "messages per clock": round(result.messages / max(1, due), 2)}
        with measured("audit sealing of the sweep's events", operations=result.overdue) as s:
            s.notes = {"sealed": audit_seal(now=now)}
        transaction.set_rollback(True)
    return m, s, plan
