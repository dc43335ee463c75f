"""Outsiders get 404, never 403 and never the data (DESIGN.md, security model)."""

import pytest
from django.urls import reverse

from conftest import org_of


@pytest.mark.django_db
class TestOrganizationPages:
    def test_member_sees_own_organisation(self, client, bob):
        client.force_login(bob)
        org = org_of(bob)
        response = client.get(reverse("accounts:organization-detail", args=[org.pk]))
        assert response.status_code == 200
        assert org.credit_code in response.content.decode()

    @pytest.mark.parametrize("name", ["organization-detail", "organization-edit", "member-add"])
    def test_outsider_gets_404_for_another_organisations_pages(self, client, bob, charlie, name):
        client.force_login(charlie)
        response = client.get(reverse(f"accounts:{name}", args=[org_of(bob).pk]))
        assert response.status_code == 404

    def test_outsider_cannot_revoke_a_membership_elsewhere(self, client, bob, charlie):
        client.force_login(charlie)
        membership = bob.memberships.first()
        response = client.post(reverse("accounts:member-revoke",
                                       args=[membership.organization_id, membership.pk]))
        assert response.status_code == 404
        membership.refresh_from_db()
        assert membership.is_active

    def test_outsider_list_shows_only_own_organisation(self, client, bob, charlie):
        client.force_login(charlie)
        body = client.get(reverse("accounts:organization-list")).content.decode()
        assert org_of(charlie).name in body
        assert org_of(bob).name not in body

    def test_finance_bureau_supervises_every_organisation(self, client, bob, supervisor):
        client.force_login(supervisor)
        response = client.get(reverse("accounts:organization-detail", args=[org_of(bob).pk]))
        assert response.status_code == 200

    def test_member_without_admin_role_cannot_edit(self, client, supervisor):
        client.force_login(supervisor)  # an officer, not the admin
        org = org_of(supervisor)
        response = client.get(reverse("accounts:organization-edit", args=[org.pk]))
        assert response.status_code == 403


@pytest.mark.django_db
class TestOrganizationApi:
    def test_outsider_gets_404_from_the_api(self, client, bob, charlie):
        client.force_login(charlie)
        response = client.get(reverse("api:organization-detail", args=[org_of(bob).pk]))
        assert response.status_code == 404

    def test_list_is_scoped(self, client, bob, charlie):
        client.force_login(charlie)
        data = client.get(reverse("api:organization-list")).json()
        assert [o["id"] for o in data["results"]] == [org_of(charlie).pk]

    def test_anonymous_is_refused(self, client, bob):
        response = client.get(reverse("api:organization-list"))
        assert response.status_code == 403

    def test_me_lists_memberships(self, client, alice):
        client.force_login(alice)
        data = client.get(reverse("api:me")).json()
        assert data["username"] == "alice"
        assert {m["role"] for m in data["memberships"]} == {"officer", "admin"}


@pytest.mark.django_db
class TestWorkspaces:
    @pytest.mark.parametrize("space", ["purchaser", "agency", "expert", "supervision", "bank"])
    def test_supplier_gets_404_in_other_workspaces(self, client, bob, space):
        client.force_login(bob)
        assert client.get(reverse(f"workspaces:{space}")).status_code == 404

    def test_home_sends_each_person_to_their_workspace(self, client, alice, bob, supervisor):
        for user, space in [(alice, "purchaser"), (bob, "supplier"),
                            (supervisor, "supervision")]:
            client.force_login(user)
            response = client.get(reverse("workspaces:home"))
            assert response["Location"] == reverse(f"workspaces:{space}")

    def test_workspace_shows_the_organisations_real_data(self, client, alice):
        client.force_login(alice)
        body = client.get(reverse("workspaces:purchaser")).content.decode()
        org = org_of(alice)
        assert org.name in body and org.credit_code in body and "李爱丽" in body

    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(reverse("workspaces:supplier"))
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]
