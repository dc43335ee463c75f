import pytest
from django.core.management import call_command

from accounts.models import ExpertProfile, Membership, Organization, User
from audit.selectors import audit_chain_verify
from audit.services import audit_seal


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_complete(capsys):
    call_command("seed_demo", force=True)
    counts = (Organization.objects.count(), User.objects.count(), Membership.objects.count(),
              ExpertProfile.objects.count())
    call_command("seed_demo", force=True)
    assert counts == (Organization.objects.count(), User.objects.count(),
                      Membership.objects.count(), ExpertProfile.objects.count())

    suppliers = Organization.objects.filter(kind="supplier")
    assert suppliers.count() >= 8
    assert set(suppliers.values_list("scale", flat=True)) == {"large", "medium", "small", "micro"}
    assert suppliers.filter(is_foreign_invested=True).exists()
    assert ExpertProfile.objects.count() >= 7
    assert Organization.objects.get(kind="finance").name == "许昌市魏都区财政局"
    for kind in ("purchaser", "agency", "central_agency", "bank"):
        assert Organization.objects.filter(kind=kind).exists()
    assert Organization.objects.filter(parent__isnull=False).exists()  # the school under edu

    out = capsys.readouterr().out
    assert "czj_admin" in out and "gys1" in out and "zj1" in out and "Spring#2026" in out
    audit_seal()
    assert audit_chain_verify().ok
    admin = User.objects.get(username="czj_admin")
    assert admin.is_staff and admin.has_perm("accounts.change_organization")
    assert not admin.has_perm("audit.change_auditevent")


@pytest.mark.django_db
def test_seed_demo_refuses_in_production_mode(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("seed_demo")
    assert not User.objects.filter(username="admin").exists()


@pytest.mark.django_db
def test_the_demo_shows_the_contract_stage_with_its_clocks_running(
        django_capture_on_commit_callbacks):
    """The earlier tender: lot 1 accepted, advance paid, final invoice on the payment
    clock, financing applied for; lot 2 awaiting the winner's signature — all from the
    services, so that its clocks, ledger and audit trail are consistent."""
    from contracts.models import Contract, LedgerRow
    from deadlines.models import Deadline
    from financing.models import FinancingApplication

    # The ledger rows and the banks' offers follow each award after its commit.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", force=True)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", force=True)  # still one of each
    accepted, signing = Contract.objects.order_by("number")
    assert accepted.status == Contract.Status.ACCEPTED
    assert accepted.paid_total == accepted.advance_amount > 0
    assert signing.status == Contract.Status.SIGNING
    assert signing.signatures.get().party == "purchaser"
    # Each contract lists its own lot's items, with the winner's unit price.
    assert [(i["name"], i["unit_price"]) for i in accepted.items] == [
        ("学生升降课桌椅（单人套）", "690.00")]
    assert [i["name"] for i in signing.items] == ["A4黑白激光打印机"]
    running = Deadline.objects.filter(status=Deadline.Status.OPEN)
    # (demo.complaints adds the complaint under review's and the mediation's clocks)
    assert sorted(running.values_list("clock", flat=True)) == [
        "complaint.decide", "complaint.reply", "contract.sign", "mediation.accept",
        "payment.after_invoice"]
    assert not Deadline.objects.filter(status=Deadline.Status.OVERDUE).exists()
    assert all(d.met_on_time for d in Deadline.objects.filter(status=Deadline.Status.MET))
    assert FinancingApplication.objects.get().status == "applied"
    assert LedgerRow.objects.count() == 2
    audit_seal()
    assert audit_chain_verify().ok
