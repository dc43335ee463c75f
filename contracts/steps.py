"""The allowed status steps of a contract, an acceptance round and an invoice.

Each table is read three times: the service guards its step with
``core.transitions.transition`` (a step the table does not allow is refused, 409,
and every step taken leaves a ``StatusChange`` row), the contract page draws its
buttons from ``table.actions(obj)``, and the API gives the same names in each
object's ``actions`` field.

Contract: drafted → signing → signed → (acceptance requested ⇄ rectifying) →
accepted → paid. Publication and filing are dated steps beside the status (each on
its own clock), and so is a suspension during a challenge (条例 第54条): they
change no status, so they are not in the table.
"""

from django.utils.translation import gettext_lazy as _

from core.transitions import StateTable, Step

from .models import Acceptance, Contract, Invoice

C = Contract.Status

# Where a contract may be paid, invoiced and supplemented: signed by both, not yet
# paid in full.
IN_FORCE = (C.SIGNED, C.ACCEPTANCE, C.RECTIFYING, C.ACCEPTED)

CONTRACT = StateTable("contracts.Contract", [
    # One party signs; the contract waits for the other.
    Step("sign", C.DRAFT, C.SIGNING, _("Signed by one party")),
    # The second party signs: the contract is concluded, the signing clock met.
    Step("countersign", C.SIGNING, C.SIGNED, _("Signed by both parties")),
    Step("request_acceptance", (C.SIGNED, C.RECTIFYING), C.ACCEPTANCE,
         _("Acceptance requested")),
    Step("accept", C.ACCEPTANCE, C.ACCEPTED, _("Accepted")),
    Step("rectify", C.ACCEPTANCE, C.RECTIFYING, _("Acceptance failed: rectify")),
    # Paid in full, whether or not accepted yet (an advance and invoices may cover it).
    Step("pay", IN_FORCE, C.PAID, _("Paid in full")),
    # A confirmed supplementary contract is owed again: the contract goes back to where
    # it stood before it was paid in full (acceptance done, pending, failed, or not yet).
    Step("reopen", C.PAID, C.ACCEPTED, _("Supplement owed after acceptance")),
    Step("reopen_in_acceptance", C.PAID, C.ACCEPTANCE,
         _("Supplement owed during acceptance")),
    Step("reopen_rectifying", C.PAID, C.RECTIFYING, _("Supplement owed while rectifying")),
    Step("reopen_before_acceptance", C.PAID, C.SIGNED,
         _("Supplement owed before acceptance")),
    # The award was revoked before both signed (procurement's ``award_revoked``;
    # 94号令 第16条, verify): the unsigned contract is void (``contract_void``).
    Step("void", (C.DRAFT, C.SIGNING), C.VOID, _("Void: the award was revoked")),
])

# The steps that sign (the first signature or the second).
SIGNING_STEPS = ("sign", "countersign")
# Taken by supplement_confirm as a consequence, one of them as the acceptance rounds
# say: not an action anyone asks for.
REOPEN_STEPS = ("reopen", "reopen_in_acceptance", "reopen_rectifying",
                "reopen_before_acceptance")
# Taken by the platform when procurement revokes the award: nobody asks for it.
PLATFORM_STEPS = ("void",)

R = Acceptance.Result

ACCEPTANCE = StateTable("contracts.Acceptance", [
    Step("pass", R.PENDING, R.PASSED, _("Acceptance passed")),
    Step("fail", R.PENDING, R.FAILED, _("Acceptance failed")),
], field="result")

I = Invoice.Status  # noqa: E741 — the table's alphabet, as C and R above

INVOICE = StateTable("contracts.Invoice", [
    Step("pay_part", I.RECEIVED, I.PARTLY_PAID, _("Partly paid")),
    # Paid in full — or nothing more owed on it because the contract is paid in full
    # (an advance payment covered the rest).
    Step("pay", (I.RECEIVED, I.PARTLY_PAID), I.PAID, _("Paid")),
])


def contract_actions(contract: Contract) -> list[str]:
    """The contract's status steps allowed now that someone may ask for: the table's,
    except that nobody signs while signing is suspended during a challenge (条例 第54条),
    and without the reopening a confirmed supplement brings about."""
    held = SIGNING_STEPS if contract.suspended_reason else ()
    return [a for a in CONTRACT.actions(contract)
            if a not in held + REOPEN_STEPS + PLATFORM_STEPS]


def status_before_payment(contract: Contract) -> str:
    """Where a contract paid in full stands once a supplement is owed again: as its
    acceptance rounds say."""
    if contract.accepted_at is not None:
        return C.ACCEPTED
    last = contract.acceptances.order_by("-requested_at", "-id").first()
    if last is None:
        return C.SIGNED
    return {R.PENDING: C.ACCEPTANCE, R.FAILED: C.RECTIFYING}.get(last.result, C.ACCEPTED)
