"""The allowed status steps of a financing application (春风行动 第26条).

The table is read three times: the services guard each step with
``core.transitions.transition`` (a step it does not allow is refused, 409, and every
step taken leaves a ``StatusChange`` row), the bank's page draws its forms and buttons
from ``APPLICATION.actions(application)``, and the API gives the same names in each
application's ``actions`` field.

Application: applied → approved → disbursed → repaid, or applied → refused. Every step
is the bank's; the supplier's rating changes no status, so it is not in the table.
"""

from django.utils.translation import gettext_lazy as _

from core.transitions import StateTable, Step

from .models import FinancingApplication

S = FinancingApplication.Status

APPLICATION = StateTable("financing.FinancingApplication", [
    # The bank approves: amount, rate and the collection account the purchaser pays into.
    Step("approve", S.APPLIED, S.APPROVED, _("Approve")),
    # The bank refuses, with its reason; the supplier may apply to another bank.
    Step("refuse", S.APPLIED, S.REFUSED, _("Refuse")),
    # The bank pays out the approved loan against a repayment schedule.
    Step("disburse", S.APPROVED, S.DISBURSED, _("Disburse")),
    # The last scheduled repayment is recorded as received: the loan is repaid, and the
    # contract is paid into its own account again.
    Step("repay", S.DISBURSED, S.REPAID, _("Repaid in full")),
])

# While one of these stands, the contract has a financing application in progress (one
# at a time: the database's ``contracts_one_live_financing``).
LIVE = (S.APPLIED, S.APPROVED, S.DISBURSED)
# While one of these stands, the purchaser pays into the bank's collection account.
COLLECTING = (S.APPROVED, S.DISBURSED)
# Once the money is out, the supplier may rate the bank's service (once).
RATEABLE = (S.DISBURSED, S.REPAID)
