import factory
from factory.django import DjangoModelFactory

from accounts.models import ExpertProfile, Membership, Organization, User
from accounts.validators import credit_code_check_char

PASSWORD = "Test-pass-2026"


def make_credit_code(n: int, prefix: str = "91", region: str = "411002") -> str:
    first17 = f"{prefix}{region}{n:09d}"
    return first17 + credit_code_check_char(first17)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    real_name = factory.Sequence(lambda n: f"测试用户{n}")
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.cn")
    password = factory.django.Password(PASSWORD)


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = Organization.Kind.PURCHASER
    credit_code = factory.Sequence(lambda n: make_credit_code(n + 1000))
    region_code = "411002"
    address = "许昌市魏都区测试路 1 号"
    contact_name = "联系人"
    contact_phone = "0374-1234567"


class SupplierFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"测试供应商{n}有限公司")
    kind = Organization.Kind.SUPPLIER
    scale = Organization.Scale.SMALL


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.OFFICER


class ExpertProfileFactory(DjangoModelFactory):
    class Meta:
        model = ExpertProfile

    user = factory.SubFactory(UserFactory)
    title = "高级工程师"
    employer_name = "许昌学院"
