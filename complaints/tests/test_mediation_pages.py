"""The mediation pages, each step through its form and service: the contract page's panel
and request link, the lists of the parties and the bureau, the mediation's page with its
step buttons; refusals shown on the form (400) changing nothing; outsiders 404."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from complaints.models import Mediation
from complaints.tests import factories_mediation as f

pytestmark = pytest.mark.django_db

M = Mediation.Status


@pytest.fixture(autouse=True)
def bureau(finance_org):
    return finance_org


@pytest.fixture
def winner(signed):
    return signed.supplier.memberships.get().user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(client, name, *args, lang="en"):
    answer = client.get(reverse(f"complaints:{name}", args=args), HTTP_ACCEPT_LANGUAGE=lang)
    return answer.status_code, answer.content.decode()


def test_request_from_the_contract_page(signed, winner, alice):
    supplier = client_for(winner)
    body = supplier.get(signed.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    link = reverse("complaints:mediation-request", args=[signed.pk])
    assert 'data-testid="mediation-panel"' in body and link in body
    status, body = page(supplier, "mediation-request", signed.pk)
    assert status == 200 and "Request mediation" in body
    answer = supplier.post(link, {"subject": "late_payment", "claim": ""},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400 and "is-invalid" in answer.content.decode()
    answer = supplier.post(link, {"subject": "late_payment", "claim": f.CLAIM, "files": [
        SimpleUploadedFile("假.pdf", b"MZ\x90\x00 a program", content_type="application/pdf")]},
        HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400 and not Mediation.objects.exists()
    answer = supplier.post(link, {"subject": "late_payment", "claim": f.CLAIM, "files": [
        SimpleUploadedFile("催款函.pdf", f.PDF, content_type="application/pdf")]})
    mediation = Mediation.objects.get()
    assert answer.status_code == 302 and answer.url == mediation.get_absolute_url()
    # The contract page now lists it, and offers no second request while it is open.
    body = client_for(alice).get(signed.get_absolute_url()).content.decode()
    assert mediation.number in body and link not in body


def test_not_before_signing_no_link_and_a_refusal(awarded, alice):
    from contracts.tests.factories import SIGNED_AT, ContractFactory

    draft = ContractFactory(award=awarded, drafted_by=alice, drafted_at=SIGNED_AT)
    client = client_for(alice)
    body = client.get(draft.get_absolute_url()).content.decode()
    assert 'data-testid="request-mediation"' not in body
    answer = client.post(reverse("complaints:mediation-request", args=[draft.pk]),
                         {"subject": "acceptance", "claim": f.CLAIM},
                         HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400 and "春风行动 第29条" in answer.content.decode()
    assert AuditEvent.objects.filter(action="mediation.request_refused").exists()


def test_the_bureau_accepts_and_the_mediator_concludes(signed, winner, alice, supervisor):
    mediation = f.request(signed, winner)
    bureau = client_for(supervisor)
    status, body = page(bureau, "mediation-list")
    assert status == 200 and mediation.number in body and "Mediations of all units" in body
    status, body = page(bureau, "mediation-detail", mediation.pk)
    assert 'data-testid="accept-form"' in body and 'data-testid="clock-mediation.accept"' in body
    assert 'data-testid="facts"' in body  # a late-payment dispute shows the contract's facts
    answer = bureau.post(reverse("complaints:mediation-accept", args=[mediation.pk]),
                         {"mediator": supervisor.pk})
    assert answer.status_code == 302
    mediation.refresh_from_db()
    assert mediation.status == M.ACCEPTED and mediation.mediator == supervisor
    answer = bureau.post(reverse("complaints:mediation-opinion", args=[mediation.pk]), {
        "author_kind": "lawyer", "author_name": "王律师", "text": "应当支付逾期利息。",
        "file": SimpleUploadedFile("意见.pdf", f.PDF, content_type="application/pdf")})
    assert answer.status_code == 302
    answer = bureau.post(reverse("complaints:mediation-settle", args=[mediation.pk]),
                         {"terms": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400
    answer = bureau.post(reverse("complaints:mediation-settle", args=[mediation.pk]),
                         {"terms": "采购人于十日内付清货款。"})
    assert answer.status_code == 302
    supplier, purchaser = client_for(winner), client_for(alice)
    status, body = page(purchaser, "mediation-detail", mediation.pk)
    assert 'data-testid="confirm-settlement"' in body and "王律师" in body
    assert purchaser.post(reverse("complaints:mediation-confirm", args=[mediation.pk])
                          ).status_code == 302
    status, body = page(purchaser, "mediation-detail", mediation.pk)
    assert 'data-testid="confirm-settlement"' not in body  # confirmed already
    assert supplier.post(reverse("complaints:mediation-confirm", args=[mediation.pk])
                         ).status_code == 302
    mediation.refresh_from_db()
    assert mediation.status == M.SETTLED
    status, body = page(supplier, "mediation-detail", mediation.pk)
    assert "Settled on" in body


def test_sessions_are_recorded_once_held(signed, winner, supervisor):
    mediation = f.accept(f.request(signed, winner), supervisor)
    bureau = client_for(supervisor)
    session = reverse("complaints:mediation-session", args=[mediation.pk])
    fields = {"place": "财政局会议室", "attendees": "双方代表", "minutes": "双方同意分期付款。"}
    future = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    answer = bureau.post(session, {**fields, "held_at": future}, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400 and "cannot be in the future" in answer.content.decode()
    held = timezone.localtime(f.ACCEPTED_AT + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    assert bureau.post(session, {**fields, "held_at": held}).status_code == 302
    status, body = page(client_for(winner), "mediation-detail", mediation.pk)
    assert status == 200 and "财政局会议室" in body and 'data-testid="session-form"' not in body


def test_decline_withdraw_and_refer_pages(signed, winner, supervisor):
    bureau, supplier = client_for(supervisor), client_for(winner)
    first = f.request(signed, winner)
    answer = bureau.post(reverse("complaints:mediation-decline", args=[first.pk]),
                         {"reason": ""})
    assert answer.status_code == 400
    answer = supplier.post(reverse("complaints:mediation-withdraw", args=[first.pk]), {})
    assert answer.status_code == 302
    first.refresh_from_db()
    assert first.status == M.WITHDRAWN
    second = f.accept(f.request(signed, winner, now=f.ACCEPTED_AT), supervisor,
                      now=f.ACCEPTED_AT)
    status, body = page(bureau, "mediation-detail", second.pk)
    assert status == 200 and 'data-testid="refer-form"' in body
    answer = bureau.post(reverse("complaints:mediation-refer", args=[second.pk]),
                         {"referred_to": "魏都区人民法院", "reason": "调解不成，诉讼解决。"})
    assert answer.status_code == 302
    second.refresh_from_db()
    assert second.status == M.REFERRED


def test_outsiders_get_404_and_each_party_sees_its_own(signed, winner, charlie, alice):
    mediation = f.request(signed, winner, files=[f.upload("催款函.pdf")])
    outsider = client_for(charlie)
    assert page(outsider, "mediation-detail", mediation.pk)[0] == 404
    document = mediation.documents.get()
    assert outsider.get(reverse("complaints:mediation-file",
                                args=[mediation.pk, document.pk])).status_code == 404
    assert outsider.post(reverse("complaints:mediation-withdraw", args=[mediation.pk])
                         ).status_code == 404
    assert outsider.get(reverse("complaints:mediation-request", args=[signed.pk])
                        ).status_code == 404
    status, body = page(outsider, "mediation-list")
    assert status == 200 and mediation.number not in body
    party = client_for(alice)
    assert party.get(reverse("complaints:mediation-file", args=[mediation.pk, document.pk])
                     ).status_code == 200
    status, body = page(party, "mediation-list")
    assert mediation.number in body


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_pages_in_both_languages(signed, winner, supervisor, lang):
    mediation = f.request(signed, winner)
    for user in (winner, supervisor):
        client = client_for(user)
        for name, args in (("mediation-list", ()), ("mediation-detail", (mediation.pk,))):
            status, body = page(client, name, *args, lang=lang)
            assert status == 200 and f'lang="{lang}"' in body
            assert mediation.number in body
    body = client_for(winner).get(reverse("workspaces:supplier"),
                                  HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert reverse("complaints:mediation-list") in body  # the menu


def test_a_late_payment_dispute_shows_the_overdue_invoice(alice, awarded, supervisor):
    from decimal import Decimal

    from contracts import services as contracts
    from contracts.tests.factories import SIGNED_AT, ContractFactory

    contract = ContractFactory(award=awarded, accepted=True, drafted_by=alice,
                               drafted_at=SIGNED_AT)
    winner = contract.supplier.memberships.get().user
    contracts.invoice_submit(contract=contract, actor=winner, number="FP-001",
                             amount=Decimal("100000.00"), issued_on=SIGNED_AT.date(),
                             file_name="fp.pdf", file_data=f.PDF,
                             now=SIGNED_AT + dt.timedelta(hours=2))
    mediation = f.request(contract, winner)
    for lang in ("en", "zh-hans"):
        status, body = page(client_for(supervisor), "mediation-detail", mediation.pk,
                            lang=lang)
        assert status == 200
        assert 'data-testid="fact-invoice-FP-001"' in body
        assert 'data-testid="overdue-count"' in body
