"""HTTP caching of the portal's pages: a browser that has a page is told 304 until
something is published, then gets the new page; a logged-in person's page is never
validated against, nor served from, another's."""

import pytest
from django.urls import reverse

from disclosure import caching, indexing
from disclosure.models import Publication
from procurement.models import Announcement
from procurement.tests.factories import ProjectFactory

from .helpers import publication

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(django_capture_on_commit_callbacks):
    """Publish as indexing does: the version changes when the transaction commits."""

    def publish(**fields):
        with django_capture_on_commit_callbacks(execute=True):
            return publication(**fields)

    return publish


def revalidate(client, url, response, **extra):
    return client.get(url, HTTP_IF_NONE_MATCH=response["ETag"], **extra)


def test_a_feed_is_not_modified_until_something_is_published(client, published):
    published(title="第一份公告")
    url = reverse("disclosure:feed-rss")
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]

    again = revalidate(client, url, first)
    assert again.status_code == 304 and again.content == b""

    published(title="第二份公告")
    after = revalidate(client, url, first)
    assert after.status_code == 200 and "第二份公告".encode() in after.content
    assert after["ETag"] != first["ETag"]


def test_a_removed_publication_changes_the_version_too(client, published,
                                                       django_capture_on_commit_callbacks):
    row = published(title="将撤下的公告")
    url = reverse("disclosure:feed-rss")
    first = client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        Publication.objects.filter(pk=row.pk).delete()

    assert revalidate(client, url, first).status_code == 200


def test_the_etag_varies_with_the_query_and_the_language(client, published):
    published()
    url = reverse("disclosure:feed-rss")
    first = client.get(url, {"q": "办公设备"})

    assert client.get(url, {"q": "办公设备"}, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url, {"q": "道路"}, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
    assert client.get(url, {"q": "办公设备"}, HTTP_IF_NONE_MATCH=first["ETag"],
                      HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    assert "Cookie" in first["Vary"] and "Accept-Language" in first["Vary"]
    assert "no-cache" in first["Cache-Control"] and "private" not in first["Cache-Control"]


def test_a_logged_in_person_never_gets_a_validated_page(client, published, alice, bob):
    published()
    url = reverse("disclosure:feed-rss")
    anonymous = client.get(url)

    client.force_login(alice)
    mine = client.get(url)
    assert "ETag" not in mine and "private" in mine["Cache-Control"]
    assert revalidate(client, url, anonymous).status_code == 200

    client.force_login(bob)
    assert revalidate(client, url, anonymous).status_code == 200


def test_the_notice_page_is_not_modified_until_it_or_the_portal_changes(
        client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        project = ProjectFactory(announced=True)
    notice = Announcement.objects.get(project=project, kind=Announcement.Kind.TENDER)
    url = reverse("disclosure:notice-detail", args=[notice.pk])
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]

    assert revalidate(client, url, first).status_code == 304

    notice.body += "\n补充说明。"
    with django_capture_on_commit_callbacks(execute=True):
        notice.save()  # re-indexed: a new updated_at and a new version
    after = revalidate(client, url, first)
    assert after.status_code == 200 and "补充说明".encode() in after.content


def test_a_logged_in_supplier_gets_the_notice_page_without_validators(
        client, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        project = ProjectFactory(announced=True)
    notice = Announcement.objects.get(project=project, kind=Announcement.Kind.TENDER)
    url = reverse("disclosure:notice-detail", args=[notice.pk])
    anonymous = client.get(url)

    client.force_login(bob)
    page = revalidate(client, url, anonymous)

    assert page.status_code == 200 and "ETag" not in page
    assert "private" in page["Cache-Control"]


def test_the_version_survives_a_lost_cache_by_changing(published):
    from django.core.cache import cache

    before = caching.portal_version()
    cache.delete(caching.VERSION_KEY)

    assert caching.portal_version() != before
    assert caching.portal_version() == caching.portal_version()


def test_indexing_connects_the_version_to_every_publication_write():
    indexing.connect()  # what DisclosureConfig.ready runs; connecting twice is harmless
    from django.db.models.signals import post_save

    assert any(r[0][0] == "disclosure-caching-save" for r in post_save.receivers
               if isinstance(r[0][0], str))


def test_the_cached_parts_of_a_notice_page_follow_what_is_published(
        client, django_capture_on_commit_callbacks):
    """A notice's text and the project's other notices are kept per portal version: the
    next publication of the project shows at once, and an edit of the notice too."""
    with django_capture_on_commit_callbacks(execute=True):
        project = ProjectFactory(announced=True)
    notice = Announcement.objects.get(project=project, kind=Announcement.Kind.TENDER)
    url = reverse("disclosure:notice-detail", args=[notice.pk])
    assert "终止公告（缓存测试）" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        Announcement.objects.create(project=project, kind="cancellation",
                                    title="终止公告（缓存测试）", body="终止。",
                                    published_at=notice.published_at)
    assert "终止公告（缓存测试）" in client.get(url).content.decode()
    notice.body += "\n新增的说明（缓存测试）。"
    with django_capture_on_commit_callbacks(execute=True):
        notice.save()
    assert "新增的说明（缓存测试）" in client.get(url).content.decode()
