"""邀请招标 in the browser: the purchaser publishes the qualification notice, suppliers
apply (one in the browser), the purchaser reviews and draws at random, an invited
supplier bids, and an uninvited one is refused with the reason shown
(法 第34条; 87号令 第14条)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Membership
from accounts.tests.factories import PASSWORD, SupplierFactory
from procurement import services
from procurement.models import Award, Bid, InvitationDraw, Prequalification, Project
from procurement.tests import factories
from procurement.tests.factories import ProjectFactory, member
from tests.conftest import login, logout, restore_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer\n%%EOF\n"


def test_invitational_tender_with_the_draw_and_an_uninvited_supplier_refused(
        live_server, page, screenshot, purchaser_org, alice):
    restore_reference_data()
    url = live_server.url
    project = ProjectFactory(approved=True, method=Project.Method.INVITED,
                             purchaser=purchaser_org, title="魏都区实验中学实验室设备采购")
    users = {}
    for n in range(8):
        org = SupplierFactory(name=f"许昌邀请供应商{n}有限公司")
        users[org.pk] = member(org, Membership.Role.ADMIN, username=f"gys{n}")

    # 1. The purchaser publishes the qualification notice from the project page.
    login(page, live_server, "alice", PASSWORD)
    page.goto(f"{url}{project.get_absolute_url()}")
    page.get_by_test_id("invitation-qualification").click()
    until = timezone.localtime() + dt.timedelta(days=10)
    page.fill("#id_apply_until", until.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_draw_count", "3")
    screenshot("1-notice-form")
    page.get_by_test_id("publish-qualification-notice").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("qualification-summary").is_visible()
    pq = Prequalification.objects.get(project=project)
    logout(page)

    # 2. One supplier finds the notice among the public notices and applies online.
    login(page, live_server, "gys0", PASSWORD)
    page.goto(f"{url}/notices/")
    page.get_by_text(pq.announcement.title).first.click()
    page.wait_for_load_state("networkidle")
    assert "资格预审公告" in page.get_by_test_id("notice-title").inner_text()
    screenshot("2-qualification-notice")
    page.get_by_test_id("apply").click()
    page.set_input_files("#id_files", files=[
        {"name": "营业执照.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.check("#id_declaration")
    screenshot("3-apply-form")
    page.get_by_test_id("apply-submit").click()
    page.wait_for_load_state("networkidle")
    assert "awaiting review" in page.get_by_test_id("my-application").inner_text().lower() or \
        "待审查" in page.get_by_test_id("my-application").inner_text()
    logout(page)
    # The others apply through the service; then the deadline passes (moved, since the
    # world's clock cannot be).
    for user in list(users.values())[1:]:
        services.qualification_apply(project=project, supplier=user.memberships.get()
                                     .organization, user=user, declaration=True,
                                     files=[services.Upload("营业执照.pdf", PDF)])
    Prequalification.objects.filter(pk=pq.pk).update(
        apply_until=timezone.now() - dt.timedelta(minutes=1))

    # 3. The purchaser reviews: seven qualified, one not (with the reason), then draws.
    login(page, live_server, "alice", PASSWORD)
    page.goto(f"{url}/procurement/projects/{project.pk}/qualification/")
    pks = list(users)
    rejected = pks[-1]
    for pk in pks[:-1]:
        page.get_by_test_id(f"qualify-{pk}").click()
        page.wait_for_load_state("networkidle")
    page.fill(f"[data-testid=reason-{rejected}]", "营业执照经营范围不含实验室设备")
    page.get_by_test_id(f"disqualify-{rejected}").click()
    page.wait_for_load_state("networkidle")
    assert "营业执照经营范围不含实验室设备" in page.get_by_test_id("applications").inner_text()
    screenshot("4-review-list")
    page.get_by_test_id("go-draw").click()
    page.fill("#id_count", "3")
    screenshot("5-draw-form")
    page.get_by_test_id("draw-submit").click()
    page.wait_for_load_state("networkidle")
    draw = InvitationDraw.objects.get(project=project)
    assert page.get_by_test_id("draw-seed").inner_text() == str(draw.seed)
    drawn_names = page.get_by_test_id("drawn").inner_text()
    for pk in draw.drawn:
        assert users[pk].memberships.get().organization.name in drawn_names
    assert rejected not in draw.pool
    screenshot("6-draw-result")
    logout(page)

    # 4. The tender invitation goes out and bidding opens (by the server clock).
    now = timezone.now()
    notice = services.project_announce(project=project, actor=alice, documents_from=now,
                                       documents_until=now + dt.timedelta(days=10),
                                       bid_deadline=now + dt.timedelta(days=25), now=now)
    lot = project.lots.get()

    # 5. An invited supplier obtains the documents and bids in the browser.
    invited = users[draw.drawn[0]]
    login(page, live_server, invited.username, PASSWORD)
    page.goto(f"{url}{notice.get_absolute_url()}")
    page.get_by_test_id("obtain-documents").click()
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("bid-lot-1").click()
    page.fill("#id_price", "560000.00")
    page.select_option("#id_sme_scale", "small")
    page.check("#id_sme_items_by_smes")
    page.fill("#id_contact_name", "王受邀")
    page.fill("#id_contact_phone", "13800000011")
    page.set_input_files("#id_files", files=[
        {"name": "投标文件.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_test_id("bid-submit").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("receipt-hash").inner_text() == \
        Bid.objects.get(lot=lot, supplier_id=draw.drawn[0]).receipt_sha256
    screenshot("7-invited-bid-receipt")
    logout(page)

    # 6. A qualified supplier not drawn sees why it cannot bid, and is refused if it tries.
    outsider_pk = next(pk for pk in draw.pool if pk not in draw.drawn)
    login(page, live_server, users[outsider_pk].username, PASSWORD)
    page.goto(f"{url}{notice.get_absolute_url()}")
    reason = page.get_by_test_id("not-invited").inner_text()
    assert "法 第34条" in reason
    assert page.get_by_test_id("obtain-documents").count() == 0
    screenshot("8-uninvited-notice")
    page.goto(f"{url}/procurement/lots/{lot.pk}/bid/")
    page.fill("#id_price", "550000.00")
    page.select_option("#id_sme_scale", "small")
    page.fill("#id_contact_name", "李未邀")
    page.fill("#id_contact_phone", "13800000012")
    page.set_input_files("#id_files", files=[
        {"name": "投标文件.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_test_id("bid-submit").click()
    page.wait_for_load_state("networkidle")
    assert "法 第31、34条" in page.get_by_test_id("form-errors").inner_text()
    assert not Bid.objects.filter(supplier_id=outsider_pk).exists()
    screenshot("9-uninvited-bid-refused")
    logout(page)

    # 7. The supplier found not qualified reads the reason on the notice.
    login(page, live_server, users[rejected].username, PASSWORD)
    page.goto(f"{url}{pq.announcement.get_absolute_url()}")
    assert "营业执照经营范围不含实验室设备" in page.get_by_test_id("my-application").inner_text()
    screenshot("10-not-qualified-reason")
    logout(page)

    # 8. The other two invited bid (through the service); the deadline passes (moved), the
    # platform opens the lot with its three bids, the committee reports, and the purchaser
    # confirms the winner in the browser: the invitational tender ends in an award.
    for i, pk in enumerate(draw.drawn[1:], start=1):
        user = users[pk]
        supplier = user.memberships.get().organization
        services.documents_obtain(project=project, supplier=supplier, user=user)
        services.bid_submit(lot=lot, supplier=supplier, user=user,
                            price=Decimal("570000") + i * 1000, sme_scale="small",
                            sme_items_by_smes=True, contact_name="受邀联系人",
                            contact_phone="13800000012",
                            files=[services.Upload("投标文件.pdf", PDF)])
    Project.objects.filter(pk=project.pk).update(
        bid_deadline=timezone.now() - dt.timedelta(seconds=1))
    services.lot_open(lot=lot)
    lot.refresh_from_db()
    assert lot.status == "opened" and lot.bids.filter(status="opened").count() == 3
    factories.evaluate(lot, at=timezone.now())
    login(page, live_server, "alice", PASSWORD)
    page.goto(f"{url}/procurement/lots/{lot.pk}/evaluation/")
    page.get_by_test_id("confirm-winner").click()
    page.wait_for_load_state("networkidle")
    award = Award.objects.get(lot=lot)
    assert award.bid.supplier_id == draw.drawn[0]  # the lowest of the three invited
    screenshot("11-awarded")
