"""What the complaints app does when another app's event arrives: credit records.

Every signal here is sent on commit (``core.events.send_on_commit``), so each receiver
runs after the sender's transaction, in its own (``credit_record`` is atomic): a
receiver that fails is logged — by ``core.events`` and here — and never undoes what the
sender did. ``credit_record`` writes once per (event, source, subject), so a signal
received twice writes one record.

Connected by ``complaints.services.credit.register()`` (``ComplaintsConfig.ready``).
"""

import logging

from django.utils import timezone

from contracts.signals import acceptance_recorded
from deadlines.signals import deadline_overdue

from .signals import complaint_decided, penalty_decided

logger = logging.getLogger(__name__)

LATE_PAYMENT_CLOCK = "payment.after_invoice"


def _record(**kwargs) -> None:
    from .services.credit import credit_record

    try:
        credit_record(now=timezone.now(), **kwargs)
    except Exception:
        logger.exception("Credit record %s for %s not written", kwargs.get("event"),
                         kwargs.get("source"))
        raise


def on_deadline_overdue(sender, deadline, **kwargs) -> None:
    """The purchaser let an invoice's payment clock run out: a late-payment record against
    the purchaser (the clock's organisation: the invoice's contract's purchaser)."""
    if deadline.clock != LATE_PAYMENT_CLOCK:
        return
    invoice = deadline.subject
    purchaser = deadline.organization or invoice.contract.purchaser
    contract = invoice.contract
    _record(subject=purchaser, event="late_payment", source=deadline,
            detail=f"合同“{contract.title}”的发票{invoice.number}"
                   f"（{invoice.amount:,.2f}元）未在"
                   f"{timezone.localtime(deadline.due_at):%Y-%m-%d %H:%M}前付款。")


def on_acceptance_recorded(sender, acceptance, passed, **kwargs) -> None:
    """The contract passed acceptance (good performance for the supplier) or failed it
    (a breach)."""
    contract = acceptance.contract
    _record(subject=contract.supplier,
            event="good_performance" if passed else "breach", source=acceptance,
            detail=(f"合同“{contract.title}”履约验收合格。" if passed else
                    f"合同“{contract.title}”验收未通过：{acceptance.report}"))


def on_complaint_decided(sender, complaint, **kwargs) -> None:
    """The decision found the complainant's materials false, or the complaint malicious
    (94号令 第37条): a record each, against the complainant."""
    findings = []
    if complaint.false_materials:
        findings.append(("false_materials", "投诉人提供虚假材料"))
    if complaint.malicious:
        findings.append(("malicious_complaint", "恶意投诉"))
    for event, what in findings:
        _record(subject=complaint.complainant, event=event, source=complaint,
                detail=f"投诉{complaint.number}的处理决定认定：{what}。"
                       f"{complaint.decision_text}".strip())


def on_penalty_decided(sender, penalty, **kwargs) -> None:
    """An administrative penalty: its credit record (a debarment lists the subject for the
    penalty's period)."""
    _record(subject=penalty.subject, event="penalty", source=penalty,
            detail=f"行政处罚决定书{penalty.decision_number}（{penalty.get_kind_display()}）："
                   f"{penalty.facts}")


def connect() -> None:
    deadline_overdue.connect(on_deadline_overdue, dispatch_uid="complaints.credit.overdue")
    acceptance_recorded.connect(on_acceptance_recorded,
                                dispatch_uid="complaints.credit.acceptance")
    complaint_decided.connect(on_complaint_decided, dispatch_uid="complaints.credit.decided")
    penalty_decided.connect(on_penalty_decided, dispatch_uid="complaints.credit.penalty")
