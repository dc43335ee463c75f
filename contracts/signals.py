"""What contracts tell the apps above them, after the commit (``core.events``).

Receivers subscribe from their own ``AppConfig.ready``; contracts never imports them.
(What contracts itself hears from procurement is in ``receivers.py``.)
"""

from django.dispatch import Signal

# Both parties have signed (services.signing.contract_sign): ``contract``.
contract_signed = Signal()

# A payment was recorded (services.payments.payment_record): ``payment``; ``settled``
# says whether the contract is now paid in full.
payment_recorded = Signal()

# An acceptance round was recorded (services.performance.acceptance_record):
# ``acceptance``; ``passed`` says whether the contract passed.
acceptance_recorded = Signal()
