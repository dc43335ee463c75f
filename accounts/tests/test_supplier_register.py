import pytest
from django.urls import reverse

from accounts import services
from accounts.models import Membership, Organization, User
from accounts.tests.factories import SupplierFactory
from audit.models import AuditEvent
from audit.selectors import refusals
from core.exceptions import DomainError

# Written out, not derived by the code under test (checked with stdnum.cn.uscc).
VALID_CODE = "91411002000000777G"
OTHER_CODE = "91411002000000778K"


def registration(**overrides):
    data = {
        "name": "许昌新兴软件有限公司",
        "credit_code": VALID_CODE,
        "scale": "micro",
        "address": "许昌市魏都区创业路 8 号",
        "contact_name": "赵新",
        "contact_phone": "13812345678",
        "contact_email": "zx@example.cn",
        "is_foreign_invested": False,
        "username": "xinxing",
        "password": "Strong-pass-2026",
        "real_name": "赵新",
        "mobile": "13812345678",
    }
    data.update(overrides)
    return data


def form_data(**overrides):
    data = registration(**overrides)
    password = data.pop("password")
    data["password1"] = data["password2"] = password
    if not data["is_foreign_invested"]:
        data.pop("is_foreign_invested")
    return data


@pytest.mark.django_db
class TestService:
    def test_registration_creates_supplier_admin_and_audit_event(self):
        membership = services.supplier_register(**registration())

        org = membership.organization
        assert org.kind == Organization.Kind.SUPPLIER
        assert org.credit_code == VALID_CODE
        assert org.region_code == "411002"  # taken from positions 3–8 of the code
        assert org.scale == "micro"
        assert membership.role == Membership.Role.ADMIN
        assert membership.user.check_password("Strong-pass-2026")
        assert AuditEvent.objects.filter(action="supplier.register", organization=org).exists()

    def test_invalid_credit_code_is_refused_and_nothing_saved(self):
        with pytest.raises(DomainError) as exc:
            services.supplier_register(**registration(credit_code=VALID_CODE[:-1] + "X"))
        assert exc.value.field == "credit_code"
        assert not Organization.objects.exists()
        assert not User.objects.exists()

    def test_same_credit_code_twice_is_refused(self):
        SupplierFactory(credit_code=VALID_CODE, name="已注册公司")
        with pytest.raises(DomainError) as exc:
            services.supplier_register(**registration())
        assert exc.value.code == "duplicate_organization"
        assert "已注册公司" in str(exc.value)
        assert Organization.objects.count() == 1

    def test_same_name_under_another_code_is_refused(self):
        SupplierFactory(name="许昌新兴软件 有限公司", credit_code=OTHER_CODE)
        with pytest.raises(DomainError) as exc:
            services.supplier_register(**registration())
        assert exc.value.field == "name"
        assert Organization.objects.count() == 1

    def test_taken_username_rolls_back_the_organisation(self):
        User.objects.create_user("xinxing", password="x")
        with pytest.raises(DomainError) as exc:
            services.supplier_register(**registration())
        assert exc.value.field == "username"
        assert not Organization.objects.exists()

    def test_weak_password_is_refused(self):
        with pytest.raises(DomainError) as exc:
            services.supplier_register(**registration(password="12345678"))
        assert exc.value.field == "password"
        assert not Organization.objects.exists()


@pytest.mark.django_db
class TestPage:
    def test_valid_registration_logs_the_supplier_in(self, client):
        response = client.post(reverse("accounts:supplier-register"), form_data())
        assert response.status_code == 302
        assert response["Location"] == reverse("workspaces:home")
        org = Organization.objects.get(credit_code=VALID_CODE)
        response = client.get(reverse("workspaces:supplier"))
        assert response.status_code == 200
        assert org.name in response.content.decode()

    def test_invalid_code_shows_a_translated_error_and_saves_nothing(self, client):
        bad = VALID_CODE[:-1] + ("0" if VALID_CODE[-1] != "0" else "1")
        response = client.post(reverse("accounts:supplier-register"),
                               form_data(credit_code=bad), HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200
        body = response.content.decode()
        assert "校验码" in body  # the Chinese message naming the check character
        assert not Organization.objects.exists()
        assert not User.objects.exists()
        # What the person typed is kept for correction.
        assert "许昌新兴软件有限公司" in body

    def test_refused_duplicate_is_audited_once(self, client):
        SupplierFactory(credit_code=VALID_CODE)
        client.post(reverse("accounts:supplier-register"), form_data(),
                    REMOTE_ADDR="198.51.100.20")
        [event] = AuditEvent.objects.filter(action="supplier.register_refused")
        assert event.detail["code"] == "duplicate_organization"
        assert VALID_CODE in event.detail["message"] and event.ip == "198.51.100.20"

    def test_english_error_after_switching_language(self, client):
        client.post(reverse("set_language"), {"language": "en", "next": "/"})
        response = client.post(reverse("accounts:supplier-register"),
                               form_data(credit_code="91350100M000100Y44"))
        assert "check character" in response.content.decode()


@pytest.mark.django_db
class TestApi:
    def test_api_registration(self, client):
        response = client.post(reverse("api:supplier-register"), registration(),
                               content_type="application/json")
        assert response.status_code == 201, response.content
        assert response.json()["credit_code"] == VALID_CODE

    def test_api_refuses_invalid_code_with_400_and_saves_nothing(self, client):
        response = client.post(reverse("api:supplier-register"),
                               registration(credit_code="91350100M000100Y44"),
                               content_type="application/json")
        assert response.status_code == 400
        assert "credit_code" in response.json()
        assert not Organization.objects.exists()

    def test_api_refuses_duplicate_with_code(self, client):
        SupplierFactory(credit_code=VALID_CODE)
        response = client.post(reverse("api:supplier-register"), registration(),
                               content_type="application/json")
        assert response.status_code == 400
        assert response.json()["code"] == "duplicate_organization"

    def test_api_refusal_is_recorded_and_counted_for_supervision(self, client):
        """Issue #11: the API's refusals reach the audit trail and the finance bureau's
        count, as the page's do (core.refusals, not the caller)."""
        SupplierFactory(credit_code=VALID_CODE)
        before = refusals().count()
        response = client.post(reverse("api:supplier-register"), registration(),
                               content_type="application/json", REMOTE_ADDR="203.0.113.5")
        assert response.status_code == 400
        assert refusals().count() == before + 1
        event = refusals().get(action="supplier.register_refused")
        assert event.detail["service"] == "supplier_register"
        assert event.detail["code"] == "duplicate_organization"
        assert event.detail["field"] == "credit_code"
        assert event.ip == "203.0.113.5"
        assert not User.objects.filter(username="xinxing").exists()

    def test_a_taken_username_through_the_api_is_recorded_under_the_registration(self, client):
        from accounts.tests.factories import UserFactory

        UserFactory(username="xinxing")
        response = client.post(reverse("api:supplier-register"), registration(),
                               content_type="application/json")
        assert response.status_code == 400
        # The outermost service records it, once: user_create's refusal is the registration's.
        assert [e.action for e in refusals()] == ["supplier.register_refused"]
        assert not Organization.objects.filter(credit_code=VALID_CODE).exists()
