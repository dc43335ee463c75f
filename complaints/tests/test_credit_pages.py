"""The credit pages in both languages: an organisation's own credit (and nobody else's),
the finance bureau's desk, the public penalties and bad-behaviour list."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from complaints.models import BadBehaviourListing, Complaint, CreditRecord, CreditRepair, Penalty
from complaints.services import credit as services
from complaints.signals import complaint_decided
from complaints.tests.factories_credit import decided_complaint
from conftest import org_of
from core.events import send_on_commit

pytestmark = pytest.mark.django_db


def client_for(user, lang="zh-hans"):
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def listed(live_tender, bob, django_capture_on_commit_callbacks):
    complaint = decided_complaint(project=live_tender, complainant=org_of(bob), user=bob,
                                  false_materials=True)
    with django_capture_on_commit_callbacks(execute=True):
        send_on_commit(complaint_decided, sender=Complaint, complaint=complaint)
    return CreditRecord.objects.get()


# The Chinese catalogue is merged by the lead (var/po/credit.po): the page's language.
@pytest.mark.parametrize(("lang", "words"), [("zh-hans", '<html lang="zh-hans">'),
                                             ("en", "Credit records")])
def test_the_supplier_sees_its_credit_and_applies_for_repair(listed, bob, lang, words):
    client = client_for(bob, lang)
    page = client.get(reverse("complaints:credit-mine"), follow=True)
    assert page.status_code == 200
    body = page.content.decode()
    assert words in body and 'data-testid="listing-in-force"' in body
    assert 'data-testid="credit-score">60<' in body and "repair-form" in body

    url = reverse("complaints:credit-repair-apply", args=[listed.pk])
    refused = client.post(url, {f"r{listed.pk}-statement": "短"})
    assert refused.status_code == 400 and not CreditRepair.objects.exists()
    done = client.post(url, {f"r{listed.pk}-statement": "已撤回虚假材料并完成整改，责任人已处理。"})
    assert done.status_code == 302 and CreditRepair.objects.get().status == "submitted"


def test_another_supplier_gets_404_for_someone_elses_credit(listed, bob, charlie):
    client = client_for(charlie)
    assert client.get(reverse("complaints:credit-organization",
                              args=[org_of(bob).pk])).status_code == 404
    assert client.post(reverse("complaints:credit-repair-apply", args=[listed.pk]),
                       {f"r{listed.pk}-statement": "我们想修复别人的记录。。。"}).status_code == 404
    assert client.get(reverse("complaints:credit-overview")).status_code == 404
    assert client.get(reverse("complaints:credit-repairs")).status_code == 404


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_finance_bureau_reviews_repairs_and_the_listing_drops_off_the_public_list(
        listed, bob, supervisor, lang):
    supplier = org_of(bob)
    public = client_for(None, lang)
    assert supplier.name in public.get(reverse("complaints:credit-bad-behaviour-public")
                                       ).content.decode()
    repair = services.credit_repair_apply(record=listed, user=bob, organization=supplier,
                                          statement="已撤回虚假材料并完成整改，责任人已处理。")
    client = client_for(supervisor, lang)
    overview = client.get(reverse("complaints:credit-overview"))
    assert overview.status_code == 200 and supplier.name in overview.content.decode()
    queue = client.get(reverse("complaints:credit-repairs"))
    assert "已撤回虚假材料" in queue.content.decode()
    url = reverse("complaints:credit-repair-review", args=[repair.pk])
    assert client.post(url, {f"v{repair.pk}-approve": "refuse"}).status_code == 400
    assert client.post(url, {f"v{repair.pk}-approve": "approve",
                             f"v{repair.pk}-note": "整改到位"}).status_code == 302
    assert BadBehaviourListing.objects.get().lifted_at is not None
    assert supplier.name not in public.get(reverse("complaints:credit-bad-behaviour-public")
                                           ).content.decode()
    assert client.get(reverse("complaints:credit-organization", args=[supplier.pk])
                      ).status_code == 200


def test_the_penalty_form_refuses_a_short_debarment_and_publishes_a_valid_one(
        bob, supervisor, django_capture_on_commit_callbacks):
    client = client_for(supervisor)
    supplier = org_of(bob)
    now = timezone.localtime()
    fmt = "%Y-%m-%dT%H:%M"
    data = {"subject": supplier.pk, "kind": "debarment", "decision_number": "许财罚〔2026〕7号",
            "facts": "提供虚假材料谋取中标。", "basis": "法 第77条",
            "decided_at": now.strftime(fmt), "effective_from": now.strftime(fmt),
            "effective_until": (now + dt.timedelta(days=100)).strftime(fmt)}
    refused = client.post(reverse("complaints:credit-penalties"), data)
    assert refused.status_code == 400 and "法 第77条" in refused.content.decode()
    assert not Penalty.objects.exists()
    data["effective_until"] = (now + dt.timedelta(days=730)).strftime(fmt)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("complaints:credit-penalties"), data).status_code == 302
    public = client_for(None, "en").get(reverse("complaints:credit-penalties-public"))
    assert "许财罚〔2026〕7号" in public.content.decode()
    assert BadBehaviourListing.objects.get().penalty.decision_number == "许财罚〔2026〕7号"


def test_spot_check_page_draws_and_records(supervisor, bob):
    client = client_for(supervisor, "en")
    page = client.get(reverse("complaints:credit-spot-checks"))
    assert page.status_code == 200 and 'data-testid="spot-check-rates"' in page.content.decode()
    assert client.post(reverse("complaints:credit-spot-checks-draw"),
                       {"period": "bad"}).status_code == 400
    assert client.post(reverse("complaints:credit-spot-checks-draw"),
                       {"period": "2026-Q4"}).status_code == 302
    assert client.post(reverse("complaints:credit-spot-checks-draw"),
                       {"period": "2026-Q4"}).status_code == 400


def test_the_menu_links_credit(bob, supervisor):
    assert reverse("complaints:credit-mine") in client_for(bob).get(
        reverse("workspaces:supplier")).content.decode()
    assert reverse("complaints:credit-overview") in client_for(supervisor).get(
        reverse("workspaces:supervision")).content.decode()


def test_an_officer_sees_the_credit_but_only_the_administrator_applies_for_repair(listed, bob):
    from accounts.tests.factories import MembershipFactory, UserFactory

    officer = UserFactory(username="bob_officer")
    MembershipFactory(user=officer, organization=org_of(bob), role="officer")
    page = client_for(officer, "en").get(reverse("complaints:credit-organization",
                                                 args=[org_of(bob).pk]))
    assert page.status_code == 200 and "repair-form" not in page.content.decode()
    refused = client_for(officer).post(reverse("complaints:credit-repair-apply",
                                               args=[listed.pk]),
                                       {f"r{listed.pk}-statement": "已完成整改，请予修复。。"})
    assert refused.status_code == 400 and not CreditRepair.objects.exists()
