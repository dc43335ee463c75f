"""The baseline endpoint exists only under bench.settings, and there it asks what the bid
endpoint asks: a logged-in supplier's session and the CSRF token."""

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client

from bench.bids import FILE, login_session
from bench.client import BASELINE_PATH


def upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("offer.pdf", FILE, content_type="application/pdf")


@pytest.fixture
def bench_settings(settings, db):
    """What bench.settings adds to config.settings, with the bench app's table made inside
    the test's transaction (PostgreSQL rolls the DDL back with it): the test database is
    built from config.settings, which never installs the app."""
    from bench import settings as bench

    settings.INSTALLED_APPS = bench.INSTALLED_APPS
    settings.ROOT_URLCONF = bench.ROOT_URLCONF
    from bench.models import BaselineUpload

    with connection.schema_editor() as editor:
        editor.create_model(BaselineUpload)
    return BaselineUpload


def csrf_client(user=None) -> Client:
    """A client that is checked for CSRF as a browser is; its token from the login page."""
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    if user is not None:
        client.force_login(user)
    return client


def post(client, **extra):
    return client.post(BASELINE_PATH, {"file": upload()}, **extra)


def test_production_settings_do_not_mount_the_baseline(bob):
    client = csrf_client(bob)
    token = client.cookies[django_settings.CSRF_COOKIE_NAME].value
    assert "bench" not in django_settings.INSTALLED_APPS
    assert django_settings.ROOT_URLCONF == "config.urls"
    assert post(client, HTTP_X_CSRFTOKEN=token).status_code == 404


def test_bench_settings_mount_the_baseline_for_a_logged_in_supplier(bench_settings, bob):
    client = csrf_client(bob)
    token = client.cookies[django_settings.CSRF_COOKIE_NAME].value

    response = post(client, HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 201, response.content
    row = bench_settings.objects.get(pk=response.json()["id"])
    assert row.user == bob and row.size == len(FILE)
    assert row.blob.name.startswith("bench/") and row.blob.read() == FILE


def test_the_baseline_refuses_a_post_without_the_csrf_token(bench_settings, bob):
    response = post(csrf_client(bob))

    assert response.status_code == 403
    assert not bench_settings.objects.exists()


def test_the_baseline_refuses_anonymous_and_non_suppliers(bench_settings, alice):
    anonymous = csrf_client()
    token = anonymous.cookies[django_settings.CSRF_COOKIE_NAME].value
    assert post(anonymous, HTTP_X_CSRFTOKEN=token).status_code == 403

    purchaser = csrf_client(alice)
    token = purchaser.cookies[django_settings.CSRF_COOKIE_NAME].value
    assert post(purchaser, HTTP_X_CSRFTOKEN=token).status_code == 404
    assert not bench_settings.objects.exists()


def test_a_session_made_as_login_makes_it_is_accepted(bench_settings, bob):
    """The bench's clients carry sessions from bench.bids.login_session, not from a
    password posted to the login page: the server must take them as its own."""
    client = csrf_client()
    token = client.cookies[django_settings.CSRF_COOKIE_NAME].value
    client.cookies[django_settings.SESSION_COOKIE_NAME] = login_session(bob)

    assert post(client, HTTP_X_CSRFTOKEN=token).status_code == 201

    bob.set_password("changed")  # login()'s hash check: a changed password ends it
    bob.save()
    assert post(client, HTTP_X_CSRFTOKEN=token).status_code == 403
