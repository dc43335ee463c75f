"""Administrators cannot become someone else (issue [trust] 3).

The finance bureau's administrator is staff, not superuser, with the permissions
the platform gives it (`seed_demo`'s 财政局管理员 group). Through the admin it must
not grant superuser or permissions it lacks, take over another person's account,
or add members to suppliers and banks — and whatever it may change leaves an
audit event. Every test posts to the real admin URLs.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.forms import MultiWidget
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import ExpertProfile, Membership, Organization, User
from accounts.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    make_credit_code,
)
from audit.models import AuditEvent
from conftest import org_of
from demo.management.commands.seed_demo import Command as SeedDemo
from procurement import services as procurement
from procurement.models import Bid

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% the technical offer\n%%EOF\n"


# --- actors -------------------------------------------------------------------------------

@pytest.fixture
def bureau_admin(finance_org):
    """czj_admin as the platform makes it: staff, in the 财政局管理员 group."""
    user = UserFactory(username="czj_admin", real_name="王建国", is_staff=True)
    MembershipFactory(user=user, organization=finance_org, role=Membership.Role.ADMIN)
    SeedDemo()._finance_admin_group()  # the grant seed_demo gives the bureau's administrator
    user = User.objects.get(pk=user.pk)
    assert not user.is_superuser and user.has_perm("accounts.add_membership")
    assert user.has_perm("accounts.change_user") and not user.has_perm("procurement.change_bid")
    return user


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _perm(label: str) -> Permission:
    app_label, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


# --- posting the admin's own forms ---------------------------------------------------------

def _form_data(response) -> dict:
    """What the browser would post back unchanged: the page's form and inline formsets."""
    assert response.status_code == 200
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        forms += list(formset.forms)
    for form in forms:
        for name, field in form.fields.items():
            if field.disabled:
                continue
            bound = form[name]
            value = bound.value()
            if isinstance(field.widget, MultiWidget):
                parts = value if isinstance(value, list) else field.widget.decompress(value)
                for i, part in enumerate(parts):
                    data[f"{bound.html_name}_{i}"] = "" if part is None else str(part)
            elif isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            elif value is not None:
                data[bound.html_name] = value
    return data


def _change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def _password_url(user) -> str:
    return reverse("admin:auth_user_password_change", args=[user.pk])


def _post_change(client, obj, **changes):
    url = _change_url(obj)
    data = _form_data(client.get(url))
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return client.post(url, data)


def _add_inline_row(data: dict, prefix: str = "memberships", **fields) -> dict:
    n = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(n + 1)
    for key, value in fields.items():
        data[f"{prefix}-{n}-{key}"] = value
    return data


def _error_codes(response) -> set[str]:
    """Codes of the errors the admin page shows (language-independent)."""
    assert response.status_code == 200, response.status_code
    codes = set()
    for errors in response.context["adminform"].form.errors.as_data().values():
        codes |= {e.code for e in errors}
    for inline in response.context["inline_admin_formsets"]:
        codes |= {e.code for e in inline.formset.non_form_errors().as_data()}
        for form in inline.formset.forms:
            if form.errors:  # a read-only row's errors are a plain, empty dict
                for errors in form.errors.as_data().values():
                    codes |= {e.code for e in errors}
    return codes


def _refusals(actor) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="admin.refused", actor=actor))


# --- (a) superuser and flags -------------------------------------------------------------

def test_the_bureau_admin_cannot_make_itself_superuser(bureau_admin):
    client = _client(bureau_admin)
    response = _post_change(client, bureau_admin, is_superuser="on")
    assert "superuser_not_grantable" in _error_codes(response)
    bureau_admin.refresh_from_db()
    assert not bureau_admin.is_superuser
    assert _refusals(bureau_admin)


def test_the_bureau_admin_sees_superuser_status_read_only(bureau_admin, alice):
    response = _client(bureau_admin).get(_change_url(alice))
    assert "is_superuser" not in response.context["adminform"].form.fields


def test_the_bureau_admin_cannot_make_another_user_superuser(bureau_admin, alice):
    response = _post_change(_client(bureau_admin), alice, is_superuser="on", is_staff="on")
    assert "superuser_not_grantable" in _error_codes(response)
    alice.refresh_from_db()
    assert not alice.is_superuser and not alice.is_staff


def test_the_bureau_admin_cannot_change_its_own_permissions(bureau_admin):
    group = Group.objects.create(name="审计改写")
    group.permissions.add(_perm("audit.change_auditevent"))
    client = _client(bureau_admin)
    response = _post_change(client, bureau_admin, groups=[str(group.pk)],
                            user_permissions=[str(_perm("procurement.change_bid").pk)])
    assert "own_flags_not_changeable" in _error_codes(response)
    bureau_admin = User.objects.get(pk=bureau_admin.pk)
    assert not bureau_admin.groups.filter(pk=group.pk).exists()
    assert not bureau_admin.has_perm("procurement.change_bid")


# --- (b) permissions and groups it does not hold --------------------------------------------

def test_the_bureau_admin_cannot_grant_a_permission_it_lacks(bureau_admin, alice):
    response = _post_change(_client(bureau_admin), alice, is_staff="on",
                            user_permissions=[str(_perm("procurement.change_bid").pk)])
    assert "permission_not_held" in _error_codes(response)
    alice = User.objects.get(pk=alice.pk)
    assert not alice.is_staff and not alice.has_perm("procurement.change_bid")
    assert _refusals(bureau_admin)


def test_the_bureau_admin_cannot_grant_a_group_with_permissions_it_lacks(bureau_admin, alice):
    group = Group.objects.create(name="开标员")
    group.permissions.add(_perm("procurement.change_bid"), _perm("accounts.view_user"))
    response = _post_change(_client(bureau_admin), alice, groups=[str(group.pk)])
    assert "permission_not_held" in _error_codes(response)
    assert not alice.groups.exists()


def test_the_bureau_admin_cannot_edit_a_superuser_at_all(bureau_admin, root):
    client = _client(bureau_admin)
    old_hash = root.password
    response = client.post(_change_url(root), {"username": "root", "email": "x@example.cn"})
    assert response.status_code == 403
    response = client.post(_password_url(root), {
        "password1": "Taken-over-2026", "password2": "Taken-over-2026", "usable_password": "true"})
    assert response.status_code == 403
    root.refresh_from_db()
    assert root.password == old_hash and root.email != "x@example.cn"
    assert len(_refusals(bureau_admin)) == 2


def test_the_bureau_admin_cannot_edit_an_account_holding_more_than_it_does(bureau_admin):
    officer = UserFactory(username="kaibiao", is_staff=True)
    officer.user_permissions.add(_perm("procurement.change_bid"))
    client = _client(bureau_admin)
    assert client.post(_change_url(officer), {"username": "kaibiao"}).status_code == 403
    assert client.post(_password_url(officer), {}).status_code == 403


def test_the_bureau_admin_cannot_set_another_persons_password(bureau_admin, bob):
    """Setting bob's password would let the administrator log in as bob and bid for him."""
    old_hash = bob.password
    response = _client(bureau_admin).post(
        _password_url(bob),
        {"password1": "Taken-over-2026", "password2": "Taken-over-2026",
         "usable_password": "true"})
    assert response.status_code == 403
    bob.refresh_from_db()
    assert bob.password == old_hash
    assert _refusals(bureau_admin)


def test_a_password_set_in_the_admin_is_audited(root, alice):
    response = _client(root).post(
        _password_url(alice),
        {"password1": "Reset-by-root-2026", "password2": "Reset-by-root-2026",
         "usable_password": "true"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("Reset-by-root-2026")
    event = AuditEvent.objects.get(action="admin.change", actor=root, object_id=str(alice.pk))
    assert event.detail["fields"] == ["password"]


# --- (c) memberships of suppliers and banks ------------------------------------------------

def test_no_membership_of_a_supplier_via_the_membership_admin(bureau_admin, bob):
    supplier = org_of(bob)
    response = _client(bureau_admin).post(reverse("admin:accounts_membership_add"), {
        "user": bureau_admin.pk, "organization": supplier.pk, "role": "admin",
        "is_active": "on"})
    assert "market_party_membership" in _error_codes(response)
    assert not Membership.objects.filter(organization=supplier, user=bureau_admin).exists()
    refusal = _refusals(bureau_admin)[0]
    assert refusal.detail["model"] == "accounts.Membership"
    assert "market_party_membership" in refusal.detail["reasons"]


def test_a_bank_gets_its_first_administrator_and_then_appoints_its_own_people(bureau_admin):
    bank = OrganizationFactory(kind=Organization.Kind.BANK)
    first, colleague = UserFactory(), UserFactory()
    client = _client(bureau_admin)
    # Onboarding: a bank does not register itself; the bureau gives it its first admin.
    response = client.post(reverse("admin:accounts_membership_add"), {
        "user": first.pk, "organization": bank.pk, "role": "admin", "is_active": "on"})
    assert response.status_code == 302, _error_codes(response)
    assert AuditEvent.objects.filter(action="admin.add", actor=bureau_admin).exists()
    # From then on, nobody is added to the bank in the administration.
    response = client.post(reverse("admin:accounts_membership_add"), {
        "user": colleague.pk, "organization": bank.pk, "role": "officer", "is_active": "on"})
    assert "market_party_membership" in _error_codes(response)
    assert list(bank.memberships.values_list("user", flat=True)) == [first.pk]


def test_an_existing_supplier_membership_cannot_be_moved_or_changed(bureau_admin, bob):
    membership = bob.memberships.get()
    client = _client(bureau_admin)
    assert client.get(_change_url(membership)).status_code == 200  # shown, read-only
    response = client.post(_change_url(membership), {
        "user": bureau_admin.pk, "organization": membership.organization_id, "role": "admin",
        "is_active": "on"})
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.user == bob
    response = client.post(reverse("admin:accounts_membership_delete", args=[membership.pk]),
                           {"post": "yes"})
    assert response.status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_the_organisation_picker_of_a_membership_offers_no_supplier(bureau_admin, bob,
                                                                   purchaser_org):
    response = _client(bureau_admin).get(reverse("admin:autocomplete"), {
        "app_label": "accounts", "model_name": "membership", "field_name": "organization",
        "term": ""})
    offered = {int(row["id"]) for row in response.json()["results"]}
    assert purchaser_org.pk in offered and org_of(bob).pk not in offered


def test_no_membership_of_a_supplier_via_the_user_inline(bureau_admin, bob):
    supplier = org_of(bob)
    puppet = UserFactory(username="puppet")
    client = _client(bureau_admin)
    data = _form_data(client.get(_change_url(puppet)))
    _add_inline_row(data, organization=str(supplier.pk), role="admin", is_active="on")
    response = client.post(_change_url(puppet), data)
    assert "market_party_membership" in _error_codes(response)
    assert not supplier.memberships.filter(user=puppet).exists()
    assert _refusals(bureau_admin)


def test_no_membership_of_a_supplier_via_ones_own_user_inline(bureau_admin, bob):
    supplier = org_of(bob)
    client = _client(bureau_admin)
    data = _form_data(client.get(_change_url(bureau_admin)))
    _add_inline_row(data, organization=str(supplier.pk), role="admin", is_active="on")
    client.post(_change_url(bureau_admin), data)
    assert not supplier.memberships.filter(user=bureau_admin).exists()


def test_no_membership_of_a_supplier_via_the_organisation_inline(bureau_admin, bob):
    supplier = org_of(bob)
    client = _client(bureau_admin)
    data = _form_data(client.get(_change_url(supplier)))
    _add_inline_row(data, user=str(bureau_admin.pk), role="admin", is_active="on")
    client.post(_change_url(supplier), data)
    assert not supplier.memberships.filter(user=bureau_admin).exists()


def test_no_membership_when_a_supplier_is_registered_in_the_admin(bureau_admin):
    client = _client(bureau_admin)
    data = _form_data(client.get(reverse("admin:accounts_organization_add")))
    data.update({"name": "许昌影子供应商有限公司", "kind": "supplier", "scale": "small",
                 "credit_code": make_credit_code(777), "region_code": "411002"})
    _add_inline_row(data, user=str(UserFactory().pk), role="admin", is_active="on")
    response = client.post(reverse("admin:accounts_organization_add"), data)
    assert "market_party_membership" in _error_codes(response)
    assert not Organization.objects.filter(name="许昌影子供应商有限公司").exists()


def test_a_suppliers_kind_cannot_be_changed_to_admit_members(bureau_admin, bob):
    """Supplier → purchaser, add oneself, purchaser → supplier would bypass the rule."""
    supplier = org_of(bob)
    response = _post_change(_client(bureau_admin), supplier, kind="purchaser", scale="")
    assert response.status_code == 302
    supplier.refresh_from_db()
    assert supplier.kind == Organization.Kind.SUPPLIER


def test_the_bureau_admin_cannot_grant_itself_a_role_anywhere(bureau_admin, purchaser_org):
    response = _client(bureau_admin).post(reverse("admin:accounts_membership_add"), {
        "user": bureau_admin.pk, "organization": purchaser_org.pk, "role": "approver",
        "is_active": "on"})
    assert "own_membership" in _error_codes(response)
    assert not purchaser_org.memberships.filter(user=bureau_admin).exists()


def test_the_bureau_admin_cannot_make_itself_an_expert(bureau_admin):
    response = _client(bureau_admin).post(reverse("admin:accounts_expertprofile_add"), {
        "user": bureau_admin.pk, "title": "高级工程师", "employer_name": "许昌学院",
        "is_available": "on"})
    assert "own_expert_profile" in _error_codes(response)
    assert not ExpertProfile.objects.filter(user=bureau_admin).exists()


# --- (d) the attack end to end -------------------------------------------------------------

@pytest.fixture
def bobs_sealed_bid(live_tender, bob):
    return procurement.bid_submit(
        lot=live_tender.lots.get(), supplier=org_of(bob), user=bob, price="551234.56",
        brand="秘密品牌", model="X1", sme_scale="small", sme_items_by_smes=True,
        contact_name="张博", contact_phone="13800000001",
        files=[procurement.Upload("技术方案.pdf", PDF)],
        now=timezone.now() + dt.timedelta(seconds=2))


def test_the_bureau_admin_cannot_join_a_bidder_and_withdraw_its_sealed_bid(
        bureau_admin, bob, bobs_sealed_bid):
    supplier = org_of(bob)
    client = _client(bureau_admin)
    client.post(reverse("admin:accounts_membership_add"), {
        "user": bureau_admin.pk, "organization": supplier.pk, "role": "admin",
        "is_active": "on"})
    switched = client.post(reverse("accounts:organization-switch"),
                           {"organization": supplier.pk})
    client.post(reverse("procurement:bid-withdraw", args=[bobs_sealed_bid.pk]))
    client.post(reverse("api:bid-withdraw", args=[bobs_sealed_bid.pk]))
    bobs_sealed_bid.refresh_from_db()
    assert bobs_sealed_bid.status == Bid.Status.SEALED
    assert switched.status_code == 404
    assert not supplier.memberships.filter(user=bureau_admin).exists()
    assert _refusals(bureau_admin)


# --- (e) what the bureau may do still works, and is audited --------------------------------

def test_the_bureau_admin_adds_a_purchaser_officer_and_it_is_audited(bureau_admin,
                                                                      purchaser_org):
    colleague = UserFactory(username="jyj_new")
    response = _client(bureau_admin).post(reverse("admin:accounts_membership_add"), {
        "user": colleague.pk, "organization": purchaser_org.pk, "role": "officer",
        "is_active": "on"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=colleague, organization=purchaser_org)
    assert AuditEvent.objects.filter(action="admin.add", actor=bureau_admin,
                                     object_id=str(membership.pk)).exists()


def test_memberships_changed_through_an_inline_are_audited(bureau_admin, purchaser_org, alice):
    colleague = UserFactory(username="jyj_new")
    client = _client(bureau_admin)
    data = _form_data(client.get(_change_url(purchaser_org)))
    _add_inline_row(data, user=str(colleague.pk), role="officer", is_active="on")
    officer = alice.memberships.get(role="officer")
    index = next(k.split("-")[1] for k, v in data.items()
                 if k.endswith("-id") and str(v) == str(officer.pk))
    data.pop(f"memberships-{index}-is_active")  # deactivate alice's officer role
    response = client.post(_change_url(purchaser_org), data)
    assert response.status_code == 302, _error_codes(response)
    added = Membership.objects.get(user=colleague, organization=purchaser_org)
    assert AuditEvent.objects.filter(action="admin.add", actor=bureau_admin,
                                     object_id=str(added.pk)).exists()
    # By type too: the organisation's own change event may carry the same id number.
    changed = AuditEvent.objects.get(
        action="admin.change", actor=bureau_admin, object_id=str(officer.pk),
        object_type=ContentType.objects.get_for_model(Membership))
    assert changed.detail["fields"] == ["is_active"]


def test_a_membership_deleted_through_an_inline_is_audited(bureau_admin, purchaser_org, alice):
    officer = alice.memberships.get(role="officer")
    client = _client(bureau_admin)
    data = _form_data(client.get(_change_url(purchaser_org)))
    index = next(k.split("-")[1] for k, v in data.items()
                 if k.endswith("-id") and str(v) == str(officer.pk))
    data[f"memberships-{index}-DELETE"] = "on"
    assert client.post(_change_url(purchaser_org), data).status_code == 302
    assert not Membership.objects.filter(pk=officer.pk).exists()
    event = AuditEvent.objects.get(action="admin.delete", actor=bureau_admin)
    assert event.detail["model"] == "accounts.Membership" and event.detail["pk"] == officer.pk


def test_a_bulk_delete_is_audited_and_cannot_reach_a_supplier(bureau_admin, alice, bob):
    client = _client(bureau_admin)
    officer = alice.memberships.get(role="officer")
    supplier_admin = bob.memberships.get()
    response = client.post(reverse("admin:accounts_membership_changelist"), {
        "action": "delete_selected", "_selected_action": [officer.pk, supplier_admin.pk],
        "post": "yes"})
    assert response.status_code == 403
    assert Membership.objects.filter(pk=supplier_admin.pk).exists()
    assert Membership.objects.filter(pk=officer.pk).exists()
    assert _refusals(bureau_admin)[0].detail["reasons"] == ["permission_denied"]
    client.post(reverse("admin:accounts_membership_changelist"), {
        "action": "delete_selected", "_selected_action": [officer.pk], "post": "yes"})
    assert not Membership.objects.filter(pk=officer.pk).exists()
    assert AuditEvent.objects.filter(action="admin.delete", actor=bureau_admin,
                                     detail__pk=officer.pk).exists()


def test_the_bureau_admin_grants_what_it_holds(bureau_admin, alice):
    response = _post_change(_client(bureau_admin), alice, is_staff="on",
                            user_permissions=[str(_perm("accounts.view_organization").pk)])
    assert response.status_code == 302, _error_codes(response)
    alice = User.objects.get(pk=alice.pk)
    assert alice.is_staff and alice.has_perm("accounts.view_organization")
    event = AuditEvent.objects.get(action="admin.change", actor=bureau_admin,
                                   object_id=str(alice.pk))
    assert {"is_staff", "user_permissions"} <= set(event.detail["fields"])


# --- (f) not even the superuser adds members to a supplier ---------------------------------

def test_the_superuser_cannot_add_members_to_a_supplier_either(root, bob):
    supplier = org_of(bob)
    client = _client(root)
    response = client.post(reverse("admin:accounts_membership_add"), {
        "user": root.pk, "organization": supplier.pk, "role": "admin", "is_active": "on"})
    assert "market_party_membership" in _error_codes(response)
    outsider = UserFactory(username="outsider")
    response = client.post(reverse("admin:accounts_membership_add"), {
        "user": outsider.pk, "organization": supplier.pk, "role": "officer",
        "is_active": "on"})
    assert "market_party_membership" in _error_codes(response)
    data = _form_data(client.get(_change_url(supplier)))
    _add_inline_row(data, user=str(outsider.pk), role="admin", is_active="on")
    client.post(_change_url(supplier), data)
    assert list(supplier.memberships.values_list("user__username", flat=True)) == ["bob"]
    assert _refusals(root)


def test_the_superuser_may_still_make_a_superuser(root, alice):
    response = _post_change(_client(root), alice, is_superuser="on", is_staff="on")
    assert response.status_code == 302, _error_codes(response)
    alice.refresh_from_db()
    assert alice.is_superuser


def test_a_group_cannot_be_given_permissions_its_editor_lacks(db):
    group = Group.objects.create(name="财政局管理员二")
    editor = UserFactory(username="group_editor", is_staff=True)
    editor.user_permissions.add(_perm("auth.change_group"), _perm("auth.view_group"),
                                _perm("accounts.view_user"))
    editor = User.objects.get(pk=editor.pk)
    response = _client(editor).post(_change_url(group), {
        "name": group.name,
        "permissions": [str(_perm("accounts.view_user").pk),
                        str(_perm("procurement.change_bid").pk)]})
    assert "permission_not_held" in _error_codes(response)
    assert not group.permissions.exists()


@pytest.mark.parametrize("name", [
    "admin:accounts_user_changelist", "admin:accounts_user_add",
    "admin:accounts_organization_changelist", "admin:accounts_organization_add",
    "admin:accounts_membership_changelist", "admin:accounts_membership_add",
    "admin:accounts_expertprofile_changelist", "admin:accounts_expertprofile_add",
])
def test_the_bureau_admins_pages_still_open(bureau_admin, alice, bob, name):
    assert _client(bureau_admin).get(reverse(name)).status_code == 200
