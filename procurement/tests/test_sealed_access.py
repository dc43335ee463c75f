"""Before opening, no role can read a bid's price or files — through any page, API,
admin screen or export. Afterwards the opening table shows them to those entitled.

Who bid, and who obtained the documents, is as secret as the price: before the lot
opens nobody but the supplier itself learns a bidder's or a document holder's name,
contact person, phone, device or address, or how many there are."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Organization
from accounts.tests.factories import (
    MembershipFactory,
    SupplierFactory,
    UserFactory,
)
from conftest import org_of
from procurement import services
from procurement.models import Bid, BidFile, DocumentDownload
from procurement.services import Upload

pytestmark = pytest.mark.django_db

SECRET_PRICE = "551234.56"
PDF = b"%PDF-1.7\n% the technical offer\n%%EOF\n"


@pytest.fixture
def sealed(live_tender, bob):
    lot = live_tender.lots.get()
    now = timezone.now() + dt.timedelta(seconds=2)
    bid = services.bid_submit(lot=lot, supplier=org_of(bob), user=bob, price=SECRET_PRICE,
                              brand="秘密品牌", model="X1", sme_scale="small",
                              sme_items_by_smes=True, contact_name="张博",
                              contact_phone="13800000001",
                              files=[Upload("技术方案.pdf", PDF)], now=now)
    return bid


def _people(live_tender, supervisor):
    agency_user = UserFactory(username="agent")
    MembershipFactory(user=agency_user, organization=live_tender.agency,
                      role=Membership.Role.OFFICER)
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    return {"purchaser": live_tender.drafted_by, "agency": agency_user,
            "finance": supervisor, "superuser": root}


def _urls(bid):
    lot, project = bid.lot, bid.lot.project
    notice = project.announcements.get(kind="tender")
    return [
        reverse("procurement:project-detail", args=[project.pk]),
        reverse("procurement:opening", args=[lot.pk]),
        reverse("disclosure:notice-detail", args=[notice.pk]),
        reverse("api:project-detail", args=[project.pk]),
        reverse("api:opening", args=[lot.pk]),
        reverse("api:audit-event-list"),
        reverse("audit:event-list"),
        "/admin/procurement/bid/",
        f"/admin/procurement/bid/{bid.pk}/change/",
        "/admin/audit/auditevent/",
        reverse("api-schema"),
    ]


def _file_urls(bid):
    """Where the committee and the organiser read an opened bid: the page with its
    documents, prices and declarations, each file, and the same through the API."""
    record = bid.files.get()
    return [
        reverse("procurement:bid-read", args=[bid.pk]),
        reverse("procurement:bid-file", args=[bid.pk, record.pk]),
        reverse("procurement:bid-file", args=[bid.pk, record.pk]) + "?download=1",
        reverse("api:bid-documents", args=[bid.pk]),
        reverse("api:bid-file", args=[bid.pk, record.pk]),
    ]


@pytest.mark.parametrize("role", ["purchaser", "agency", "finance", "superuser", "bidder",
                                  "other-supplier"])
def test_before_opening_every_bid_file_route_is_404_for_every_role(sealed, supervisor, bob,
                                                                    charlie, role):
    from audit.models import AuditEvent

    people = _people(sealed.lot.project, supervisor) | {"bidder": bob,
                                                         "other-supplier": charlie}
    client = Client()
    client.force_login(people[role])
    events = AuditEvent.objects.count()
    for url in _file_urls(sealed):
        response = client.get(url)
        assert response.status_code == 404, (role, url)
        assert b"the technical offer" not in response.content, (role, url)
    assert not AuditEvent.objects.filter(action="bid.file_access").exists()
    assert AuditEvent.objects.count() == events


def test_after_opening_the_committee_and_organiser_read_the_bids_and_nobody_else(
        sealed, supervisor, bob, charlie, alice):
    from audit.models import AuditEvent
    from procurement.models import Project
    from procurement.tests.fixtures import pool

    lot = sealed.lot
    for i in range(2):
        org = SupplierFactory(name=f"另一家公司{i}")
        user = UserFactory()
        MembershipFactory(user=user, organization=org, role=Membership.Role.ADMIN)
        services.bid_submit(lot=lot, supplier=org, user=user, price="560000", sme_scale="micro",
                            sme_items_by_smes=True, contact_name="李", contact_phone="1",
                            files=[Upload("a.pdf", PDF)],
                            now=timezone.now() + dt.timedelta(seconds=3))
    Project.objects.filter(pk=lot.project_id).update(
        bid_deadline=timezone.now() - dt.timedelta(seconds=1))
    services.lot_open(lot=lot)
    pool(5)
    committee = services.committee_draw(lot=lot, actor=alice)
    people = _people(lot.project, supervisor) | {
        "member": committee.members.exclude(role="chair").first().expert,
        "chair": committee.members.get(role="chair").expert,
        "bidder": bob, "other-supplier": charlie}
    readers = {"purchaser", "agency", "member", "chair"}
    for role, user in people.items():
        client = Client()
        client.force_login(user)
        before = AuditEvent.objects.filter(action="bid.file_access").count()
        for url in _file_urls(sealed):
            response = client.get(url)
            if role in readers:
                assert response.status_code == 200, (role, url)
            else:
                assert response.status_code == 404, (role, url)
                assert b"the technical offer" not in response.content
        accesses = AuditEvent.objects.filter(action="bid.file_access").count() - before
        assert accesses == (len(_file_urls(sealed)) if role in readers else 0), role
        if role in readers:
            # The file decrypted, exactly what was sealed; shown in the page's viewer.
            record = sealed.files.get()
            inline = client.get(reverse("procurement:bid-file", args=[sealed.pk, record.pk]))
            assert inline.content == PDF and inline["Content-Type"] == "application/pdf"
            assert inline["Content-Disposition"].startswith("inline")
            assert inline["X-Frame-Options"] == "SAMEORIGIN"
            # The directives come in no fixed order: compare them as a set.
            directives = {d.strip() for d in inline["Content-Security-Policy"].split(";")}
            assert "frame-ancestors 'self'" in directives
            body = client.get(reverse("procurement:bid-read", args=[sealed.pk])).content
            assert "秘密品牌" in body.decode() and b"<iframe" in body
            data = client.get(reverse("api:bid-documents", args=[sealed.pk])).json()
            assert data["brand"] == "秘密品牌" and data["price"] == SECRET_PRICE
    event = [e for e in AuditEvent.objects.filter(action="bid.file_access").order_by("id")
             if e.detail["file"]][-1]
    assert event.detail["sha256"] == sealed.files.get().sha256 and event.object_id


@pytest.mark.parametrize("role", ["purchaser", "agency", "finance", "superuser"])
def test_nobody_reads_a_price_or_file_before_opening(sealed, supervisor, role):
    user = _people(sealed.lot.project, supervisor)[role]
    client = Client()
    client.force_login(user)
    for url in _urls(sealed):
        response = client.get(url)
        body = response.content.decode(errors="replace")
        assert SECRET_PRICE not in body and "551,234.56" not in body, (role, url)
        assert "秘密品牌" not in body and "the technical offer" not in body, (role, url)
    # Not even the number of bids leaks before opening.
    opening = client.get(reverse("api:opening", args=[sealed.lot.pk]))
    if opening.status_code == 200:
        assert opening.json()["rows"] == []


def test_the_database_holds_no_plaintext_price(sealed):
    bid = Bid.objects.get(pk=sealed.pk)
    assert bid.price is None and bid.opened_payload is None
    assert SECRET_PRICE.encode() not in bytes(bid.sealed_payload)
    assert b"the technical offer" not in bid.files.get().blob.read()


def test_a_supplier_never_sees_another_suppliers_bid(sealed, charlie):
    client = Client()
    client.force_login(charlie)
    assert client.get(reverse("procurement:bid-detail", args=[sealed.pk])).status_code == 404
    assert client.get(reverse("api:bid-detail", args=[sealed.pk])).status_code == 404
    assert client.get(reverse("api:bid-list")).json()["results"] == []
    assert client.get(reverse("procurement:opening", args=[sealed.lot.pk])).status_code == 404
    assert client.post(reverse("api:bid-withdraw", args=[sealed.pk])).status_code == 404


def test_the_bidder_sees_only_its_receipt(sealed, bob):
    client = Client()
    client.force_login(bob)
    body = client.get(reverse("procurement:bid-detail", args=[sealed.pk])).content.decode()
    assert sealed.receipt_sha256 in body and SECRET_PRICE not in body
    data = client.get(reverse("api:bid-detail", args=[sealed.pk])).json()
    assert data["receipt_sha256"] == sealed.receipt_sha256 and "price" not in data


def test_after_the_deadline_the_opening_table_shows_prices(sealed, alice, bob):
    lot = sealed.lot
    for i in range(2):
        org = SupplierFactory(name=f"另一家公司{i}")
        user = UserFactory()
        MembershipFactory(user=user, organization=org, role=Membership.Role.ADMIN)
        services.bid_submit(lot=lot, supplier=org, user=user, price="560000", sme_scale="micro",
                            sme_items_by_smes=True, contact_name="李", contact_phone="1",
                            files=[Upload("a.pdf", PDF)],
                            now=timezone.now() + dt.timedelta(seconds=3))
    from procurement.models import Project

    Project.objects.filter(pk=lot.project_id).update(
        bid_deadline=timezone.now() - dt.timedelta(seconds=1))
    client = Client()
    client.force_login(alice)
    # Past the deadline, before the task scheduled for it has run: still sealed, and said
    # to be opening. A page view never opens the lot.
    body = client.get(reverse("procurement:opening", args=[lot.pk])).content.decode()
    assert 'data-testid="opening-due"' in body and "551,234.56" not in body
    from procurement.tasks import open_project_at_deadline

    assert open_project_at_deadline(lot.project_id) == 1  # what the worker runs at the ETA
    body = client.get(reverse("procurement:opening", args=[lot.pk])).content.decode()
    assert "551,234.56" in body and "秘密品牌" in body
    client.force_login(bob)
    rows = client.get(reverse("api:opening", args=[lot.pk])).json()["rows"]
    assert len(rows) == 3 and {r["price"] for r in rows} == {"551234.56", "560000.00"}


def test_bidding_through_the_api_with_an_idempotency_key(live_tender, bob):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client()
    client.force_login(bob)
    lot = live_tender.lots.get()
    data = {"price": "500000", "sme_scale": "small", "sme_items_by_smes": "true",
            "contact_name": "张博", "contact_phone": "138",
            "files": [SimpleUploadedFile("offer.pdf", PDF, content_type="application/pdf")]}
    first = client.post(reverse("api:bid-submit", args=[lot.pk]), data,
                        HTTP_IDEMPOTENCY_KEY="retry-1")
    assert first.status_code == 201, first.content
    data["files"] = [SimpleUploadedFile("offer.pdf", PDF, content_type="application/pdf")]
    again = client.post(reverse("api:bid-submit", args=[lot.pk]), data,
                        HTTP_IDEMPOTENCY_KEY="retry-1")
    assert again.json()["id"] == first.json()["id"]
    assert Bid.objects.filter(supplier=org_of(bob)).count() == 1
    bad = client.post(reverse("api:bid-submit", args=[lot.pk]), {**data, "price": "999999",
                      "files": [SimpleUploadedFile("offer.pdf", PDF)]})
    assert bad.status_code == 400 and bad.json()["code"] == "over_ceiling"


def test_the_purchaser_cannot_bid_through_the_api(live_tender, alice):
    client = Client()
    client.force_login(alice)
    lot = live_tender.lots.get()
    response = client.post(reverse("api:bid-submit", args=[lot.pk]), {"price": "1"})
    assert response.status_code == 404
    assert Organization.objects.filter(kind="purchaser").exists()


# --- Who bid, and who obtained the documents -----------------------------------------

SECRET_SUPPLIER = "秘密投标人有限公司"
SECRET_PERSON = "秘密联系人甲"  # the bidder's user: its name is the actor in the trail
SECRET_USERNAME = "mimi-bidder"
SECRET_CONTACT = "投标联系人乙"
SECRET_PHONE = "13912345678"
SECRET_DEVICE = "DEVICE-SECRET-42"
SECRET_IP = "10.9.8.7"
HOLDER = "暗中领标有限公司"  # obtained the documents, has not bid
HOLDER_PERSON = "领标人丙"
HOLDER_IP = "10.9.8.6"
SEALED_ACTIONS = ["documents.obtain", "bid.seal", "bid.withdraw", "bid.refused"]
# The people, contacts and devices are known only from the bidding; the suppliers' names
# are also in the register of suppliers (a directory is not a leak).
PEOPLE = [SECRET_PERSON, SECRET_USERNAME, SECRET_CONTACT, SECRET_PHONE, SECRET_DEVICE,
          SECRET_IP, HOLDER_PERSON, HOLDER_IP]
NAMES = [SECRET_SUPPLIER, HOLDER]


def _labels():
    from django.utils import translation

    from audit.actions import action_label

    labels = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            labels += [str(action_label(code)) for code in SEALED_ACTIONS]
    return labels


def _member(org, username, real_name, role=Membership.Role.ADMIN, **user_fields):
    user = UserFactory(username=username, real_name=real_name, **user_fields)
    MembershipFactory(user=user, organization=org, role=role)
    return user


@pytest.fixture
def secret_tender(live_tender, alice):
    """One supplier sealed (and resealed) a bid and had one refused; another only obtained
    the documents; a clarification went to both. Nothing is opened yet."""
    lot = live_tender.lots.get()
    bidder = SupplierFactory(name=SECRET_SUPPLIER)
    user = _member(bidder, SECRET_USERNAME, SECRET_PERSON, mobile=SECRET_PHONE)
    holder = SupplierFactory(name=HOLDER)
    holder_user = _member(holder, "holder", HOLDER_PERSON)
    now = timezone.now() + dt.timedelta(seconds=2)
    services.documents_obtain(project=live_tender, supplier=holder, user=holder_user,
                              ip=HOLDER_IP, now=now)
    for price in ("540000", "530000"):  # the second one withdraws the first
        bid = services.bid_submit(
            lot=lot, supplier=bidder, user=user, price=price, sme_scale="small",
            sme_items_by_smes=True, contact_name=SECRET_CONTACT, contact_phone=SECRET_PHONE,
            files=[Upload("方案.pdf", PDF)], ip=SECRET_IP, device_id=SECRET_DEVICE, now=now)
    # What bid_submit's @records_refusals("bid.refused") records when it refuses a bid.
    from audit.services import audit_record

    audit_record(action="bid.refused", actor=user, organization=bidder, obj=lot,
                 detail={"code": "over_ceiling", "basis": "87号令 第63条"}, ip=SECRET_IP)
    services.announcement_clarify(project=live_tender, actor=alice,
                                  text="第二章技术参数第3项更正为不低于8核。",
                                  affects_bids=False)
    return {"project": live_tender, "lot": lot, "bid": bid, "bidder": bidder, "user": user,
            "holder": holder, "holder_user": holder_user}


def _finance_admin(finance_org):
    """A finance-bureau administrator with the admin rights the demo gives them."""
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    user = _member(finance_org, "czj-admin", "财政局管理员", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(
        Q(content_type__app_label="accounts")
        | Q(content_type__app_label__in=["audit", "procurement", "notifications"],
            codename__startswith="view_")))
    return user


def _everyone(tender, supervisor, charlie):
    project = tender["project"]
    agency_user = _member(project.agency, "agent", "代理经办人", role=Membership.Role.OFFICER)
    return {
        "purchaser": project.drafted_by, "agency": agency_user, "finance": supervisor,
        "finance-admin": _finance_admin(org_of(supervisor)),
        "superuser": UserFactory(username="root", is_staff=True, is_superuser=True),
        "other-supplier": charlie,
    }


def _sealed_events():
    from audit.models import AuditEvent

    return AuditEvent.objects.filter(action__in=SEALED_ACTIONS)


def _identity_urls(tender):
    project, lot, bid = tender["project"], tender["lot"], tender["bid"]
    notice = project.announcements.get(kind="tender")
    seal = _sealed_events().filter(action="bid.seal").first()
    message = tender["user"].messages.first()
    return [
        reverse("workspaces:purchaser"), reverse("workspaces:agency"),
        reverse("workspaces:supervision"), reverse("workspaces:supplier"),
        reverse("procurement:project-detail", args=[project.pk]),
        reverse("procurement:opening", args=[lot.pk]),
        reverse("procurement:evaluation", args=[lot.pk]),
        reverse("disclosure:notice-detail", args=[notice.pk]),
        reverse("api:project-detail", args=[project.pk]),
        reverse("api:opening", args=[lot.pk]),
        reverse("api:evaluation", args=[lot.pk]),
        reverse("audit:event-list"), reverse("audit:event-list") + "?action=bid",
        reverse("audit:event-list") + "?action=documents",
        reverse("api:audit-event-list"), reverse("api:audit-event-list") + "?action=bid.seal",
        reverse("api:audit-event-list") + "?action=documents.obtain",
        reverse("notifications:inbox"), reverse("deadlines:deadline-list"),
        reverse("contracts:ledger") + "?format=csv",
        "/admin/procurement/bid/", f"/admin/procurement/bid/?q={SECRET_SUPPLIER}",
        f"/admin/procurement/bid/{bid.pk}/change/", f"/admin/procurement/bid/{bid.pk}/history/",
        f"/admin/procurement/project/{project.pk}/change/",
        "/admin/audit/auditevent/", f"/admin/audit/auditevent/?q={SECRET_SUPPLIER}",
        f"/admin/audit/auditevent/?q={SECRET_PERSON}", f"/admin/audit/auditevent/?q={HOLDER}",
        "/admin/audit/auditevent/?action__exact=bid.seal",
        f"/admin/audit/auditevent/{seal.pk}/change/",
        "/admin/notifications/message/", f"/admin/notifications/message/?q={SECRET_PERSON}",
        f"/admin/notifications/message/{message.pk}/change/",
        reverse("api-schema"),
    ]


ROLES = ["purchaser", "agency", "finance", "finance-admin", "superuser", "other-supplier"]


@pytest.mark.parametrize("role", ROLES)
def test_nobody_learns_who_bid_or_obtained_the_documents_before_opening(
        secret_tender, supervisor, charlie, role):
    user = _everyone(secret_tender, supervisor, charlie)[role]
    client = Client()
    client.force_login(user)
    forbidden = PEOPLE + NAMES + SEALED_ACTIONS + _labels()
    # The supervision dashboard lists newly registered suppliers: a name there is the
    # register, not the bidding; everything else is checked there too.
    directory = reverse("workspaces:supervision")
    for url in _identity_urls(secret_tender):
        response = client.get(url)
        body = response.content.decode(errors="replace")
        # A search box or a filter shows back what was asked for: that is not a finding.
        echoed = [v for vs in parse_qs(urlsplit(url).query).values() for v in vs]
        leaks = [s for s in forbidden if s in body and s not in echoed
                 and not (url == directory and s in NAMES)]
        assert leaks == [], (role, url, response.status_code)
        context = response.context or {}
        # Not even how many: no sealed row in a list, whatever the page shows of it.
        for key in ("recent_events", "page"):
            if key in context:
                assert not [e for e in context[key]
                            if getattr(e, "action", "") in SEALED_ACTIONS], (role, url)
        if "cl" in context:
            rows = list(context["cl"].result_list)
            assert not [r for r in rows if getattr(r, "action", "") in SEALED_ACTIONS]
            assert not [r for r in rows if r._meta.model_name == "bid"], (role, url)
            assert not [r for r in rows if getattr(r, "category", "")
                        == "procurement.clarification"], (role, url)


@pytest.mark.parametrize("role", ["finance-admin", "superuser"])
def test_the_admin_delete_pages_do_not_list_a_suppliers_bids(secret_tender, supervisor,
                                                              charlie, role):
    """Deleting a user or organisation is refused while records name it; the refusal must
    not list them, or it reads out every bid and document the supplier obtained."""
    user = _everyone(secret_tender, supervisor, charlie)[role]
    client = Client()
    client.force_login(user)
    project = secret_tender["project"]
    for url in (f"/admin/accounts/organization/{secret_tender['bidder'].pk}/delete/",
                f"/admin/accounts/organization/{secret_tender['holder'].pk}/delete/",
                f"/admin/accounts/user/{secret_tender['user'].pk}/delete/",
                f"/admin/accounts/user/{secret_tender['holder_user'].pk}/delete/"):
        response = client.get(url)
        body = response.content.decode(errors="replace")
        for secret in (project.code, project.title, *SEALED_ACTIONS, SECRET_CONTACT,
                       SECRET_DEVICE, SECRET_IP, HOLDER_IP):
            assert secret not in body, (role, url, secret)
        # Nor that a bid or a download exists: the refusal names no kind of record.
        named = {str(x) for x in response.context["perms_lacking"]} | {
            str(x) for x in response.context["protected"]}
        for model in (Bid, BidFile, DocumentDownload):
            for name in (model._meta.verbose_name, model._meta.verbose_name_plural):
                assert str(name) not in named, (role, url, named)
        client.post(url, {"post": "yes"})  # and nothing is deleted
    assert Organization.objects.filter(pk=secret_tender["bidder"].pk).exists()
    assert secret_tender["user"].__class__.objects.filter(pk=secret_tender["user"].pk).exists()


def test_the_trail_is_complete_although_nobody_is_shown_it(secret_tender, supervisor):
    from audit.selectors import audit_chain_verify
    from audit.services import audit_seal

    counts = {a: _sealed_events().filter(action=a).count() for a in SEALED_ACTIONS}
    assert counts == {"documents.obtain": 2, "bid.seal": 2, "bid.withdraw": 1,
                      "bid.refused": 1}
    audit_seal()  # the hidden events are in the chain like any other
    report = audit_chain_verify()
    assert report.ok and report.pending == 0 and report.checked >= sum(counts.values())
    # Only the bidding is hidden: supervision still follows the procedure itself.
    client = Client()
    client.force_login(supervisor)
    actions = {e["action"] for e in client.get(
        reverse("api:audit-event-list") + "?limit=200").json()["results"]}
    assert {"project.announce", "announcement.clarify"} <= actions
    assert not actions & set(SEALED_ACTIONS)


def test_the_supplier_itself_sees_its_own_bidding_and_only_its_own(secret_tender):
    client = Client()
    client.force_login(secret_tender["user"])
    events = client.get(reverse("api:audit-event-list") + "?limit=100").json()["results"]
    assert {e["action"] for e in events} >= set(SEALED_ACTIONS)
    assert all(e["organization"] == secret_tender["bidder"].pk for e in events)
    client.force_login(secret_tender["holder_user"])
    body = client.get(reverse("audit:event-list")).content.decode()
    assert "documents.obtain" in body and "bid.seal" not in body and SECRET_PERSON not in body


def test_after_opening_supervision_sees_who_bid(secret_tender, supervisor, charlie):
    lot, project = secret_tender["lot"], secret_tender["project"]
    for i in range(2):
        org = SupplierFactory(name=f"公开投标人{i}有限公司")
        user = _member(org, f"open{i}", f"公开投标人{i}")
        services.bid_submit(lot=lot, supplier=org, user=user, price="560000", sme_scale="micro",
                            sme_items_by_smes=True, contact_name="李", contact_phone="1",
                            files=[Upload("a.pdf", PDF)],
                            now=timezone.now() + dt.timedelta(seconds=3))
    project.refresh_from_db()
    services.lot_open(lot=lot, now=project.bid_deadline + dt.timedelta(seconds=1))
    people = _everyone(secret_tender, supervisor, charlie)

    client = Client()
    client.force_login(people["finance"])
    body = client.get(reverse("audit:event-list")).content.decode()
    assert "bid.seal" in body and "documents.obtain" in body and SECRET_PERSON in body
    assert HOLDER_PERSON in body
    events = client.get(reverse("api:audit-event-list") + "?limit=200").json()["results"]
    assert {e["action"] for e in events} >= set(SEALED_ACTIONS)

    for role in ("finance-admin", "superuser"):
        client.force_login(people[role])
        bid = secret_tender["bid"]
        body = client.get(f"/admin/procurement/bid/?q={SECRET_SUPPLIER}").content.decode()
        assert SECRET_SUPPLIER in body, role
        body = client.get(f"/admin/procurement/bid/{bid.pk}/change/").content.decode()
        assert SECRET_PHONE in body and SECRET_DEVICE in body, role
        body = client.get(f"/admin/audit/auditevent/?q={SECRET_PERSON}").content.decode()
        assert "bid.seal" in body, role
        body = client.get(f"/admin/notifications/message/?q={HOLDER_PERSON}").content.decode()
        assert HOLDER_PERSON in body, role
    # The other supplier still sees only its own trail.
    client.force_login(charlie)
    body = client.get(reverse("audit:event-list")).content.decode()
    assert SECRET_PERSON not in body and "bid.seal" not in body
