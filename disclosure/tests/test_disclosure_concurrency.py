"""Twice at once, on PostgreSQL with real connections: a double-clicked draft is saved
once, a document is published once, and two recounts of the agencies' practice leave
one set of rows."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from core.exceptions import InvalidTransition
from core.tests.concurrency import at_once
from disclosure import services
from disclosure.models import AgencyPractice, NormativeDocument

pytestmark = pytest.mark.django_db(transaction=True)

FORM = {"title": "关于进一步优化政府采购营商环境的通知", "number": "魏财购〔2026〕9号",
        "issuer": "许昌市魏都区财政局", "issued_on": "2026-03-01",
        "effective_on": "2026-04-01", "body": "第一条 为规范政府采购行为，制定本办法。"}


def test_a_double_clicked_draft_is_saved_once(supervisor, password):
    def post():
        client = Client()
        client.force_login(supervisor)
        return client.post(reverse("disclosure:normative-manage"),
                           {**FORM, "idempotency_key": "draft-1"}).status_code

    assert at_once(post, post) == [302, 302]
    assert NormativeDocument.objects.count() == 1


def test_a_document_is_published_once(supervisor):
    document = services.normative_create(
        **{**FORM, "issued_on": dt.date(2026, 3, 1), "effective_on": dt.date(2026, 4, 1)},
        user=supervisor)

    def publish():
        return services.normative_publish(document=document, user=supervisor)

    results = at_once(publish, publish)
    assert sum(isinstance(r, InvalidTransition) for r in results) == 1
    assert sum(isinstance(r, NormativeDocument) for r in results) == 1
    document.refresh_from_db()
    assert document.status == "in_force"


def test_two_recounts_at_once_leave_one_set_of_rows(supervisor):
    from accounts.tests.factories import OrganizationFactory
    from procurement.tests.factories import ProjectFactory

    agency = OrganizationFactory(kind="agency", name="并发代理机构")
    ProjectFactory(announced=True, agency=agency)
    results = at_once(services.agency_practice_recompute, services.agency_practice_recompute)
    assert not any(isinstance(r, Exception) for r in results), results
    assert AgencyPractice.objects.filter(agency=agency).count() == 1
