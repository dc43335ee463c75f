"""Fixtures shared by every app's tests and the cross-app tests in tests/.

Three standing actors, like healthchecks' alice/bob/charlie:
- alice, the purchaser's officer;
- bob, a bidding supplier;
- charlie, an outsider (another supplier) who must be refused.
"""

import os

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
def _fast_password_hashing(settings):
    """Every test user gets a password, and PBKDF2's million rounds cost a quarter of a
    second each: measured, password hashing was a quarter of the suite's time (alice,
    the approver, each bidder and expert). Tests need a password that works, not one
    that resists cracking, so they hash with MD5 as Django's testing guide advises;
    production keeps the default hashers (no setting names them)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Under pytest-xdist (``-n 2``) each worker has its own test database (pytest-django adds
# the worker's name) but the same cache server: each worker keeps its keys under its own
# prefix (or folder) and clears only those, so one worker's clearing never resets
# another's throttle counters mid-test.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def _reference_data_after_flush(sender, **kwargs):
    """A transactional test ends with Django's flush, which empties every table — the
    catalogue and the fair-competition patterns that migrations load too — and then
    sends ``post_migrate`` (pytest-django names no ``available_apps``). Put them back
    at once, so that whatever test runs next finds them: in a serial run the
    transactional tests come last, but an xdist worker takes files in any order, and a
    ``--reuse-db`` run starts from the last run's database."""
    if sender.label != "core":  # sent once per app; the data is loaded once
        return
    from tests.conftest import restore_reference_data

    restore_reference_data()


def pytest_configure(config):
    from django.db.models.signals import post_migrate

    post_migrate.connect(_reference_data_after_flush,
                         dispatch_uid="conftest.reference_data_after_flush")
    if not XDIST_WORKER:
        return
    from django.conf import settings
    from django.test.signals import setting_changed

    for alias in settings.CACHES.values():
        if alias["BACKEND"].endswith("FileBasedCache"):
            alias["LOCATION"] = os.path.join(alias["LOCATION"], XDIST_WORKER)
        else:
            alias["KEY_PREFIX"] = f"{alias.get('KEY_PREFIX', '')}{XDIST_WORKER}"
    # Django's own receiver drops the cache connections made with the old settings.
    setting_changed.send(sender=None, setting="CACHES", value=settings.CACHES, enter=True)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters and cached values must not leak from one test (or run) to the next."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    # caches["default"], not django.core.cache.cache: that is a proxy, never an instance
    # of RedisCache, so the test below was always false and every test flushed the whole
    # Redis database — the other worker's keys too, mid-test.
    cache = caches["default"]
    if XDIST_WORKER and isinstance(cache, RedisCache):
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
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
