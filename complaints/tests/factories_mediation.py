"""Mediations in the states the services leave them, built through the services (a
mediation is a handful of rows, and its clocks and audit come with them)."""

import datetime as dt

from complaints.services import mediation as services
from contracts.tests.factories import SIGNED_AT

REQUESTED_AT = SIGNED_AT + dt.timedelta(days=30)
ACCEPTED_AT = REQUESTED_AT + dt.timedelta(days=1)
PDF = b"%PDF-1.7\n%%EOF\n"
CLAIM = "采购人验收合格后逾期未付款，请求支付货款及逾期利息。"


def request(contract, user, *, applicant=None, subject="late_payment", now=REQUESTED_AT,
            files=()):
    return services.mediation_request(
        contract=contract, applicant=applicant or contract.supplier, subject=subject,
        claim=CLAIM, files=list(files), user=user, now=now)


def accept(mediation, supervisor, *, mediator=None, now=ACCEPTED_AT):
    bureau = supervisor.memberships.get().organization
    return services.mediation_accept(mediation=mediation, user=supervisor,
                                     organization=bureau, mediator=mediator or supervisor,
                                     now=now)


def upload(name="意见.pdf", data=PDF):
    return services.Upload(name, data)
