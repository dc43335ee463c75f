"""Fixtures shared by every app's tests and the cross-app tests in tests/.

Three standing actors, like healthchecks' alice/bob/charlie:
- alice, the purchaser's officer;
- bob, a bidding supplier;
- charlie, an outsider (another supplier) who must be refused.
"""

import pytest

from accounts.models import Membership, Organization
from accounts.tests.factories import (
    PASSWORD,
    MembershipFactory,
    OrganizationFactory,
    SupplierFactory,
    UserFactory,
)

# Fixtures of the procurement life (budget, intention, demand, project …), shared by
# the read side's tests too.
pytest_plugins = ["procurement.tests.fixtures", "contracts.tests.fixtures",
                  # a test's own anchor folder; the flush past the TRUNCATE trigger
                  "audit.tests.fixtures"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters and cached values must not leak from one test (or run) to the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None}}}


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def purchaser_org(db):
    return OrganizationFactory(name="许昌市魏都区教育局", kind=Organization.Kind.PURCHASER)


@pytest.fixture
def finance_org(db):
    return OrganizationFactory(name="许昌市魏都区财政局", kind=Organization.Kind.FINANCE)


@pytest.fixture
def alice(purchaser_org):
    user = UserFactory(username="alice", real_name="李爱丽")
    MembershipFactory(user=user, organization=purchaser_org, role=Membership.Role.OFFICER)
    MembershipFactory(user=user, organization=purchaser_org, role=Membership.Role.ADMIN)
    return user


@pytest.fixture
def bob(db):
    org = SupplierFactory(name="许昌华信科技有限公司")
    user = UserFactory(username="bob", real_name="张博")
    MembershipFactory(user=user, organization=org, role=Membership.Role.ADMIN)
    return user


@pytest.fixture
def charlie(db):
    org = SupplierFactory(name="外单位供应商有限公司")
    user = UserFactory(username="charlie", real_name="陈查理")
    MembershipFactory(user=user, organization=org, role=Membership.Role.ADMIN)
    return user


@pytest.fixture
def supervisor(finance_org):
    user = UserFactory(username="fiona", real_name="马晓燕")
    MembershipFactory(user=user, organization=finance_org, role=Membership.Role.OFFICER)
    return user


def org_of(user) -> Organization:
    return user.memberships.select_related("organization").first().organization


@pytest.fixture
def eager_celery():
    """Run tasks in-process (for tests of what a task does, not of the worker)."""
    from config.celery import app

    old = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = old
