"""What procurement tells the apps above it, after the commit (``core.events``).

Receivers subscribe from their own ``AppConfig.ready``; procurement never
imports them.
"""

from django.dispatch import Signal

# A winner was confirmed and told (services.award.award_confirm): ``award``.
award_confirmed = Signal()

# A lot was opened, or failed at opening (services.opening.lot_open): ``lot``.
lot_opened = Signal()

# An award was revoked before both parties signed (services.award.award_revoke):
# ``award`` (its ``revoked_*`` fields say when, why, on what basis). Contracts voids the
# unsigned contract.
award_revoked = Signal()
