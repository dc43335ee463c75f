"""require_role answers from the roles the request's middleware read only when they grant
the step; anything else is asked of the database, as before."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Membership
from accounts.permissions import has_role, remember_roles, require_role
from accounts.tests.factories import MembershipFactory, SupplierFactory, UserFactory
from conftest import org_of
from core.exceptions import PermissionDenied
from procurement.models import Bid
from procurement.tests.fixtures import PDF

pytestmark = pytest.mark.django_db

R = Membership.Role


def test_a_role_the_middleware_read_is_not_read_again(bob, django_assert_num_queries):
    supplier = org_of(bob)
    remember_roles(bob, supplier, [R.ADMIN])
    with django_assert_num_queries(0):
        require_role(bob, supplier, R.ADMIN, R.OFFICER)


def test_a_role_the_middleware_did_not_read_is_refused_by_the_database(
        bob, django_assert_num_queries):
    supplier = org_of(bob)
    Membership.objects.filter(user=bob).update(role=R.APPROVER)
    remember_roles(bob, supplier, [R.APPROVER])
    with django_assert_num_queries(1), pytest.raises(PermissionDenied):
        require_role(bob, supplier, R.ADMIN, R.OFFICER)


def test_roles_read_for_one_organisation_grant_nothing_in_another(bob, charlie):
    remember_roles(bob, org_of(bob), [R.ADMIN])
    assert not has_role(bob, org_of(charlie), R.ADMIN)


def test_an_approver_of_a_supplier_cannot_seal_a_bid_over_http(client, live_tender):
    """The middleware reads the approver's role; the bid needs an administrator or an
    officer, so bid_submit asks the database, which refuses."""
    supplier = SupplierFactory(name="许昌审批角色有限公司")
    approver = UserFactory()
    MembershipFactory(user=approver, organization=supplier, role=R.APPROVER)
    client.force_login(approver)
    lot = live_tender.lots.get()
    response = client.post(reverse("api:bid-submit", args=[lot.pk]), {
        "price": "500000", "sme_scale": "small", "sme_items_by_smes": "true",
        "contact_name": "x", "contact_phone": "1",
        "files": [SimpleUploadedFile("offer.pdf", PDF, content_type="application/pdf")]})
    assert response.status_code == 403, response.content
    assert not Bid.objects.filter(supplier=supplier).exists()
