"""The finance bureau's normative documents: only its staff draft, publish and repeal them;
a bad PDF is refused and nothing is kept; a published document is on the portal and a
repealed one shows repealed. The bureau's decided method approvals are published too."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Membership, Organization
from accounts.tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from audit.models import AuditEvent
from core.exceptions import PermissionDenied
from disclosure import services
from disclosure.models import NormativeDocument, Publication
from procurement.models import MethodApproval, Project
from procurement.tests.factories import ProjectFactory, simple_pdf

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}

FORM = {"title": "魏都区政府采购内部控制管理办法", "number": "魏财购〔2026〕3号",
        "issuer": "许昌市魏都区财政局", "issued_on": "2026-03-01",
        "effective_on": "2026-04-01", "body": "第一条 为规范政府采购行为，制定本办法。"}


def draft(user, **overrides):
    data = {**FORM, "issued_on": dt.date(2026, 3, 1), "effective_on": dt.date(2026, 4, 1),
            **overrides}
    return services.normative_create(user=user, **data)


@pytest.fixture
def agency_officer(db):
    org = OrganizationFactory(name="河南正信招标代理有限公司", kind=Organization.Kind.AGENCY)
    user = UserFactory(username="agnes")
    MembershipFactory(user=user, organization=org, role=Membership.Role.OFFICER)
    return user


def test_the_bureau_drafts_publishes_and_repeals_through_its_pages(
        client, supervisor, django_capture_on_commit_callbacks):
    client.force_login(supervisor)
    pdf = simple_pdf("weidu rules")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("disclosure:normative-manage"), {
            **FORM, "attachment": SimpleUploadedFile("办法.pdf", pdf, "application/pdf")})
    document = NormativeDocument.objects.get()
    assert response.status_code == 302 and response.url == document.get_absolute_url()
    assert document.status == NormativeDocument.Status.DRAFT
    assert document.attachment_name == "办法.pdf" and len(document.attachment_sha256) == 64
    # A draft is not public: no publication, and 404 for anyone but the bureau.
    assert not Publication.objects.filter(kind="normative").exists()
    client.logout()
    assert client.get(document.get_absolute_url()).status_code == 404
    assert client.get(reverse("disclosure:normative-attachment", args=[document.pk])) \
        .status_code == 404

    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("disclosure:normative-publish", args=[document.pk]))
    document.refresh_from_db()
    assert document.status == NormativeDocument.Status.IN_FORCE
    assert document.published_by == supervisor and document.published_at
    publication = Publication.objects.get(kind="normative")
    assert publication.url == document.get_absolute_url()
    assert "魏财购〔2026〕3号" in publication.title
    client.logout()
    listing = client.get(reverse("disclosure:normative-list"), **ZH).content.decode()
    assert FORM["title"] in listing
    page = client.get(document.get_absolute_url(), **ZH).content.decode()
    assert FORM["body"] in page and 'data-testid="normative-status"' in page
    attachment = client.get(reverse("disclosure:normative-attachment", args=[document.pk]))
    assert attachment.status_code == 200 and b"".join(attachment.streaming_content) == pdf
    assert AuditEvent.objects.filter(action="normative.publish").count() == 1

    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("disclosure:normative-repeal", args=[document.pk]),
                    {"reason": "已被魏财购〔2026〕9号文件替代。"})
    document.refresh_from_db()
    assert document.status == NormativeDocument.Status.REPEALED
    publication.refresh_from_db()
    assert publication.title.endswith("（已废止）")
    client.logout()
    page = client.get(document.get_absolute_url(), **ZH).content.decode()
    assert 'data-testid="normative-repealed"' in page and "已被魏财购〔2026〕9号文件替代" in page
    in_force = client.get(reverse("disclosure:normative-list"), {"status": "in_force"})
    assert FORM["title"] not in in_force.content.decode()


def test_only_the_bureau_staff_may_draft_publish_or_repeal(client, supervisor, alice, bob,
                                                            agency_officer):
    document = draft(supervisor)
    for outsider in (alice, bob, agency_officer):
        client.force_login(outsider)
        assert client.get(reverse("disclosure:normative-manage")).status_code == 404
        assert client.post(reverse("disclosure:normative-manage"), FORM).status_code == 404
        assert client.post(reverse("disclosure:normative-publish", args=[document.pk])) \
            .status_code == 404
        with pytest.raises(PermissionDenied):
            services.normative_publish(document=document, user=outsider)
        with pytest.raises(PermissionDenied):
            draft(outsider)
    document.refresh_from_db()
    assert document.status == NormativeDocument.Status.DRAFT
    assert NormativeDocument.objects.count() == 1
    assert AuditEvent.objects.filter(action="normative.publish_refused").count() == 3
    # Logged out: to the log-in page, nothing published.
    client.logout()
    response = client.post(reverse("disclosure:normative-publish", args=[document.pk]))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_a_bad_pdf_is_refused_with_a_translated_error_and_nothing_is_saved(client,
                                                                           supervisor):
    client.force_login(supervisor)
    fake = SimpleUploadedFile("办法.pdf", b"MZ\x90\x00 this is no pdf at all",
                              "application/pdf")
    response = client.post(reverse("disclosure:normative-manage"),
                           {**FORM, "attachment": fake}, **ZH)
    assert response.status_code == 400
    assert not NormativeDocument.objects.exists()
    errors = response.context["form"].errors["attachment"]
    with translation.override("zh-hans"):
        assert "办法.pdf" in errors[0] and "不是" in errors[0]
    # A real PNG named .png is a good file, but not a PDF.
    png = (b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + b"\x00" * 13 + b"\x00" * 4
           + b"\x00\x00\x00\x00IEND\xaeB`\x82")
    response = client.post(reverse("disclosure:normative-manage"), {
        **FORM, "attachment": SimpleUploadedFile("scan.png", png, "image/png")}, **EN)
    assert response.status_code == 400
    assert "is not a PDF file" in response.context["form"].errors["attachment"][0]
    assert not NormativeDocument.objects.exists()


def test_a_document_takes_effect_after_it_is_issued(supervisor):
    from core.exceptions import DomainError

    with pytest.raises(DomainError) as refused:
        draft(supervisor, effective_on=dt.date(2026, 2, 1))
    assert refused.value.field == "effective_on"
    assert not NormativeDocument.objects.exists()


def test_a_second_published_document_may_not_reuse_a_number(supervisor):
    from core.exceptions import DomainError

    services.normative_publish(document=draft(supervisor), user=supervisor)
    second = draft(supervisor, title="另一份文件")
    with pytest.raises(DomainError) as refused:
        services.normative_publish(document=second, user=supervisor)
    assert refused.value.code == "duplicate_number"
    second.refresh_from_db()
    assert second.status == NormativeDocument.Status.DRAFT


def test_a_decided_method_approval_is_published_as_an_approval(
        client, supervisor, django_capture_on_commit_callbacks):
    project = ProjectFactory(method=Project.Method.CONSULTATION)
    with django_capture_on_commit_callbacks(execute=True):
        approval = MethodApproval.objects.create(
            project=project, kind=MethodApproval.Kind.METHOD, method=project.method,
            basis="条例 第23条", reasons="技术复杂，不能确定详细规格。",
            requested_by=project.drafted_by, requested_at=timezone.now())
    assert not Publication.objects.filter(kind="approval").exists()  # pending: not public
    assert client.get(reverse("disclosure:approval-detail", args=[approval.pk])) \
        .status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        approval.status = MethodApproval.Status.APPROVED
        approval.decided_by, approval.decided_at = supervisor, timezone.now()
        approval.save()
    publication = Publication.objects.get(kind="approval")
    assert "竞争性磋商" in publication.title and "批准" in publication.title
    assert publication.project_code == project.code
    page = client.get(publication.url, **ZH).content.decode()
    assert project.code in page and "技术复杂" in page
