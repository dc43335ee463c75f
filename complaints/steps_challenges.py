"""The allowed status steps of a challenge (质疑).

pending → answered (every objection answered in writing, 法 第53条) | rejected (a typed
reason) | withdrawn (by the challenger). Marking that it may change the result is a dated
step beside the status (条例 第54条), not in the table.
"""

from django.utils.translation import gettext_lazy as _

from core.transitions import StateTable, Step

from .models import Challenge

C = Challenge.Status

CHALLENGE = StateTable("complaints.Challenge", [
    Step("answer", C.PENDING, C.ANSWERED, _("Answer the challenge")),
    Step("reject", C.PENDING, C.REJECTED, _("Reject the challenge")),
    Step("withdraw", C.PENDING, C.WITHDRAWN, _("Withdraw the challenge")),
])

# Whose step each is: the reviewer (purchaser or agency) answers and rejects, the
# challenger withdraws.
REVIEWER_STEPS = ("answer", "reject")
CHALLENGER_STEPS = ("withdraw",)
