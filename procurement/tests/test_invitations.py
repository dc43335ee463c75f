"""邀请招标: the qualification notice, applications, review, the reproducible draw, and
only the invited bidding (法 第34条; 87号令 第14条). Each refusal cites its basis and
saves nothing."""

import datetime as dt
import random

import pytest
from django.urls import reverse

from accounts.models import Membership
from accounts.tests.factories import SupplierFactory
from audit.models import AuditEvent
from core.exceptions import DomainError, RuleViolation
from notifications.models import Message
from procurement import services
from procurement.announcements import missing_fields
from procurement.models import (
    Announcement,
    Invitation,
    InvitationDraw,
    Prequalification,
    Project,
    QualificationApplication,
    QualificationFile,
)
from procurement.selectors import public_notices
from procurement.services.invitations import draw_sample
from procurement.tests.factories import NOW, ProjectFactory, member

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% licence\n%%EOF\n"
UNTIL = NOW + dt.timedelta(days=8)      # Tuesday 10 March: 5 WD after 2 March is 9 March
AFTER = UNTIL + dt.timedelta(hours=1)


def _supplier(n):
    org = SupplierFactory(name=f"邀请供应商{n}")
    return org, member(org, Membership.Role.ADMIN)


def _files():
    return [services.Upload("营业执照.pdf", PDF)]


@pytest.fixture
def invited(purchaser_org, alice):
    """An approved invitational tender below the open-tender threshold (600,000 yuan)."""
    return ProjectFactory(approved=True, method=Project.Method.INVITED, purchaser=purchaser_org)


@pytest.fixture
def noticed(invited, alice):
    services.qualification_notice_publish(project=invited, actor=alice, apply_until=UNTIL,
                                          draw_count=3, now=NOW)
    return invited


def _apply(project, n, *, now=NOW + dt.timedelta(days=1)):
    org, user = _supplier(n)
    services.qualification_apply(project=project, supplier=org, user=user, files=_files(),
                                 declaration=True, now=now)
    return org, user


def _qualified(project, alice, n, *, start=0):
    orgs = []
    for i in range(start, start + n):
        org, _user = _apply(project, i)
        services.qualification_review(application=org.qualification_applications.get(),
                                      actor=alice, qualified=True, now=AFTER)
        orgs.append(org)
    return orgs


def _refused(action):
    return AuditEvent.objects.filter(action=action).count()


# --- the qualification notice -----------------------------------------------------------

def test_the_qualification_notice_is_public_with_conditions_deadline_and_number(noticed):
    notice = noticed.announcements.get(kind=Announcement.Kind.QUALIFICATION)
    assert notice in public_notices()
    assert "资格预审公告" in notice.title
    assert "申请截止时间：2026年03月10日 09:00" in notice.body
    assert "随机抽取3家" in notice.body and "第二十二条" in notice.body
    assert notice.fields["draw_count"] == 3
    assert missing_fields(notice.kind, notice.fields) == []  # the statute's list
    pq = Prequalification.objects.get(project=noticed)
    assert pq.apply_until == UNTIL and pq.announcement == notice
    assert AuditEvent.objects.filter(action="qualification.notice").exists()


def test_a_notice_period_under_five_working_days_is_refused_citing_its_basis(invited, alice):
    with pytest.raises(RuleViolation) as exc:
        services.qualification_notice_publish(project=invited, actor=alice,
                                              apply_until=NOW + dt.timedelta(days=4),
                                              draw_count=3, now=NOW)
    assert exc.value.code == "period_too_short" and "87号令" in exc.value.basis
    assert not Announcement.objects.filter(project=invited).exists()
    assert not Prequalification.objects.exists()
    assert _refused("qualification.notice_refused") == 1


def test_fewer_than_three_to_draw_is_refused_in_the_notice(invited, alice):
    with pytest.raises(RuleViolation) as exc:
        services.qualification_notice_publish(project=invited, actor=alice, apply_until=UNTIL,
                                              draw_count=2, now=NOW)
    assert exc.value.code == "too_few_drawn" and "法 第34条" in exc.value.basis
    assert not Prequalification.objects.exists()


def test_an_open_tender_publishes_no_qualification_notice(purchaser_org, alice):
    project = ProjectFactory(approved=True, purchaser=purchaser_org)
    with pytest.raises(DomainError) as exc:
        services.qualification_notice_publish(project=project, actor=alice, apply_until=UNTIL,
                                              draw_count=3, now=NOW)
    assert exc.value.code == "not_invitational"
    assert not Announcement.objects.exists()


def test_an_outsider_cannot_publish_the_notice(invited, charlie):
    with pytest.raises(DomainError):
        services.qualification_notice_publish(project=invited, actor=charlie,
                                              apply_until=UNTIL, draw_count=3, now=NOW)
    assert not Prequalification.objects.exists()


# --- applications ------------------------------------------------------------------------

def test_a_supplier_applies_once_with_its_documents_checked_and_kept(noticed):
    org, user = _apply(noticed, 1)
    application = QualificationApplication.objects.get(supplier=org)
    assert application.status == "submitted" and application.declaration
    stored = application.files.get()
    assert stored.kind == "pdf" and stored.blob.read() == PDF
    with pytest.raises(DomainError) as exc:
        services.qualification_apply(project=noticed, supplier=org, user=user, files=_files(),
                                     declaration=True, now=NOW + dt.timedelta(days=2))
    assert exc.value.code == "already_applied"
    assert QualificationApplication.objects.count() == 1 and QualificationFile.objects.count() == 1


def test_a_late_application_is_refused_by_the_server_clock(noticed):
    org, user = _supplier(1)
    with pytest.raises(RuleViolation) as exc:
        services.qualification_apply(project=noticed, supplier=org, user=user, files=_files(),
                                     declaration=True, now=UNTIL)
    assert exc.value.code == "late" and "87号令" in exc.value.basis
    assert not QualificationApplication.objects.exists()
    assert _refused("qualification.apply_refused") == 1


def test_an_application_without_the_declaration_is_refused(noticed):
    org, user = _supplier(1)
    with pytest.raises(RuleViolation) as exc:
        services.qualification_apply(project=noticed, supplier=org, user=user, files=_files(),
                                     declaration=False, now=NOW)
    assert exc.value.code == "declaration_missing" and exc.value.basis == "法 第22条"
    assert not QualificationApplication.objects.exists()


def test_a_program_among_the_documents_is_refused_and_nothing_is_kept(noticed):
    org, user = _supplier(1)
    with pytest.raises(DomainError) as exc:
        services.qualification_apply(project=noticed, supplier=org, user=user,
                                     files=[services.Upload("执照.pdf", b"MZ\x90\x00 program")],
                                     declaration=True, now=NOW)
    assert exc.value.field == "files"
    assert not QualificationApplication.objects.exists()


def test_no_application_before_the_notice(invited):
    org, user = _supplier(1)
    with pytest.raises(DomainError):
        services.qualification_apply(project=invited, supplier=org, user=user, files=_files(),
                                     declaration=True, now=NOW)
    assert not QualificationApplication.objects.exists()


# --- review ------------------------------------------------------------------------------

def test_review_waits_for_the_deadline(noticed, alice):
    org, _ = _apply(noticed, 1)
    application = org.qualification_applications.get()
    with pytest.raises(RuleViolation) as exc:
        services.qualification_review(application=application, actor=alice, qualified=True,
                                      now=UNTIL - dt.timedelta(minutes=1))
    assert exc.value.code == "review_before_deadline" and exc.value.basis
    application.refresh_from_db()
    assert application.status == "submitted" and application.reviewed_at is None


def test_a_supplier_not_qualified_is_told_the_reason(noticed, alice):
    org, user = _apply(noticed, 1)
    application = org.qualification_applications.get()
    with pytest.raises(DomainError) as exc:
        services.qualification_review(application=application, actor=alice, qualified=False,
                                      reason="", now=AFTER)
    assert exc.value.code == "reason_required"
    services.qualification_review(application=application, actor=alice, qualified=False,
                                  reason="未提供近三年无重大违法记录声明", now=AFTER)
    application.refresh_from_db()
    assert application.status == "not_qualified"
    message = Message.objects.get(recipient=user, category="procurement.qualification",
                                  channel="inapp")
    assert "未提供近三年无重大违法记录声明" in message.body
    from core.models import StatusChange
    assert StatusChange.of(application, field="status").get().step == "disqualify"


# --- the draw ----------------------------------------------------------------------------

def test_the_draw_is_refused_when_the_pool_is_under_twice_those_drawn(noticed, alice):
    _qualified(noticed, alice, 5)
    with pytest.raises(RuleViolation) as exc:
        services.invitation_draw(project=noticed, actor=alice, count=3, now=AFTER)
    assert exc.value.code == "pool_too_small"
    assert "87号令 第14条" in exc.value.basis and "法 第34条" in exc.value.basis
    assert not InvitationDraw.objects.exists() and not Invitation.objects.exists()
    assert _refused("invitation.draw_refused") == 1


def test_fewer_than_three_drawn_is_refused(noticed, alice):
    _qualified(noticed, alice, 6)
    with pytest.raises(RuleViolation) as exc:
        services.invitation_draw(project=noticed, actor=alice, count=2, now=AFTER)
    assert exc.value.code == "too_few_drawn" and "法 第34条" in exc.value.basis
    assert not Invitation.objects.exists()


def test_the_draw_waits_for_every_application_to_be_reviewed(noticed, alice):
    _qualified(noticed, alice, 6)
    _apply(noticed, 9)
    with pytest.raises(DomainError) as exc:
        services.invitation_draw(project=noticed, actor=alice, count=3, now=AFTER)
    assert exc.value.code == "applications_unreviewed"
    assert not InvitationDraw.objects.exists()


def test_the_draw_is_made_after_the_deadline_only(noticed, alice):
    with pytest.raises(RuleViolation) as exc:
        services.invitation_draw(project=noticed, actor=alice, count=3, now=NOW)
    assert exc.value.code == "draw_before_deadline" and exc.value.basis
    assert not InvitationDraw.objects.exists()


def test_the_draw_invites_at_random_from_the_qualified_and_can_be_run_again(noticed, alice):
    qualified = _qualified(noticed, alice, 7)
    rejected, _ = _apply(noticed, 20)
    services.qualification_review(application=rejected.qualification_applications.get(),
                                  actor=alice, qualified=False, reason="资质证书过期", now=AFTER)
    draw = services.invitation_draw(project=noticed, actor=alice, count=3, now=AFTER)
    assert draw.pool == sorted(o.pk for o in qualified)
    assert rejected.pk not in draw.pool
    assert len(draw.drawn) == 3 and set(draw.drawn) <= set(draw.pool)
    # Reproducible: the recorded seed draws the same suppliers in the same order.
    assert draw_sample(draw.seed, draw.pool, draw.count) == draw.drawn
    assert random.Random(draw.seed).sample(sorted(draw.pool), 3) == draw.drawn
    invitations = Invitation.objects.filter(project=noticed)
    assert sorted(invitations.values_list("supplier_id", flat=True)) == sorted(draw.drawn)
    assert set(invitations.values_list("source", flat=True)) == {"drawn"}
    event = AuditEvent.objects.get(action="invitation.draw")
    assert event.detail["seed"] == str(draw.seed) and event.detail["drawn"] == draw.drawn
    told = set(Message.objects.filter(category="procurement.invitation", channel="inapp")
               .values_list("recipient__memberships__organization", flat=True))
    assert told == set(draw.drawn)
    with pytest.raises(DomainError):
        services.invitation_draw(project=noticed, actor=alice, count=3, now=AFTER)
    assert InvitationDraw.objects.count() == 1 and invitations.count() == 3


def test_the_seed_decides_the_draw(noticed, alice, monkeypatch):
    qualified = _qualified(noticed, alice, 6)
    monkeypatch.setattr("procurement.services.invitations.secrets.randbits", lambda bits: 12345)
    draw = services.invitation_draw(project=noticed, actor=alice, count=3, now=AFTER)
    assert draw.seed == 12345
    assert draw.drawn == random.Random(12345).sample(sorted(o.pk for o in qualified), 3)


# --- the tender invitation and bidding ---------------------------------------------------

def _announce(project, alice, now):
    return services.project_announce(project=project, actor=alice, documents_from=now,
                                     documents_until=now + dt.timedelta(days=7),
                                     bid_deadline=now + dt.timedelta(days=21), now=now)


def test_the_tender_invitation_waits_for_the_draw(noticed, alice):
    with pytest.raises(RuleViolation) as exc:
        _announce(noticed, alice, AFTER)
    assert exc.value.code == "no_draw" and "法 第34条" in exc.value.basis
    noticed.refresh_from_db()
    assert noticed.status == "approved"
    assert not noticed.announcements.filter(kind="tender").exists()
    assert _refused("project.announce_refused") == 1


def test_after_the_draw_only_the_invited_obtain_documents_and_bid(noticed, alice):
    _qualified(noticed, alice, 6)
    draw = services.invitation_draw(project=noticed, actor=alice, count=3, now=AFTER)
    notice = _announce(noticed, alice, AFTER)
    invitation = Message.objects.filter(category="procurement.invitation",
                                        subject__contains="投标邀请书", channel="inapp")
    assert set(invitation.values_list("recipient__memberships__organization", flat=True)) == \
        set(draw.drawn)
    assert notice.kind == "tender"
    inside = QualificationApplication.objects.get(supplier_id=draw.drawn[0]).user
    services.documents_obtain(project=noticed, supplier=inside.memberships.get().organization,
                              user=inside, now=AFTER)
    outsider = QualificationApplication.objects.exclude(
        supplier_id__in=draw.drawn).first()
    with pytest.raises(RuleViolation) as exc:
        services.documents_obtain(project=noticed, supplier=outsider.supplier,
                                  user=outsider.user, now=AFTER)
    assert exc.value.code == "not_invited" and "法 第31、34条" in exc.value.basis
    assert noticed.downloads.count() == 1


def test_the_notice_page_tells_an_uninvited_supplier_why_it_cannot_bid(noticed, alice, client):
    _qualified(noticed, alice, 6)
    draw = services.invitation_draw(project=noticed, actor=alice, count=3, now=AFTER)
    notice = _announce(noticed, alice, AFTER)
    outsider = QualificationApplication.objects.exclude(supplier_id__in=draw.drawn).first()
    client.force_login(outsider.user)
    page = client.get(notice.get_absolute_url()).content.decode()
    assert 'data-testid="not-invited"' in page and "法 第34条" in page
    assert 'data-testid="obtain-documents"' not in page
    inside = QualificationApplication.objects.get(supplier_id=draw.drawn[0]).user
    client.force_login(inside)
    page = client.get(notice.get_absolute_url()).content.decode()
    assert 'data-testid="obtain-documents"' in page and 'data-testid="not-invited"' not in page


def test_the_pages_answer_their_people(noticed, alice, charlie, client):
    client.force_login(alice)
    assert client.get(reverse("procurement:qualification-list", args=[noticed.pk])
                      ).status_code == 200
    assert client.get(reverse("procurement:invitation-draw", args=[noticed.pk])
                      ).status_code == 200
    client.force_login(charlie)  # a supplier: not the organiser's pages
    assert client.get(reverse("procurement:qualification-list", args=[noticed.pk])
                      ).status_code == 404
    assert client.get(reverse("procurement:qualification-apply", args=[noticed.pk])
                      ).status_code == 200


def test_supervision_sees_the_draw(noticed, alice, supervisor, client):
    _qualified(noticed, alice, 6)
    draw = services.invitation_draw(project=noticed, actor=alice, count=3, now=AFTER)
    client.force_login(supervisor)
    page = client.get(reverse("procurement:invitation-draw", args=[noticed.pk]))
    assert page.status_code == 200 and str(draw.seed) in page.content.decode()
    answer = client.get(reverse("api:invitation-draw", args=[noticed.pk]))
    assert answer.json()["seed"] == str(draw.seed) and answer.json()["drawn"] == draw.drawn
    assert 'draw-submit' not in page.content.decode()
