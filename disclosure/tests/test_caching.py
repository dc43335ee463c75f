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


def _language_token(content: bytes) -> str:
    """The CSRF token of the page's language switch."""
    html = content.decode()
    form = html[html.index('class="d-flex cf-language-switch"'):]
    start = form.index('name="csrfmiddlewaretoken" value="') + len(
        'name="csrfmiddlewaretoken" value="')
    return form[start:form.index('"', start)]


def test_a_notice_page_kept_whole_for_anonymous_readers_gives_each_its_own_token(
        django_capture_on_commit_callbacks, django_assert_num_queries, bob):
    """The second anonymous reader of a notice is served from the cache without a
    query; the language switch carries a CSRF token of that reader's own cookie (the
    switch works for them), never the first reader's; the next publication shows at
    once; a person logged in gets the page rendered for them."""
    from django.middleware.csrf import _does_token_match, _unmask_cipher_token
    from django.test import Client

    with django_capture_on_commit_callbacks(execute=True):
        project = ProjectFactory(announced=True)
    notice = Announcement.objects.get(project=project, kind=Announcement.Kind.TENDER)
    url = reverse("disclosure:notice-detail", args=[notice.pk])
    first, second = Client(), Client()
    page = first.get(url)
    assert page.status_code == 200
    with django_assert_num_queries(0):
        again = second.get(url)
    assert again.content.replace(_language_token(again.content).encode(), b"") == \
        page.content.replace(_language_token(page.content).encode(), b"")
    assert caching.CSRF_PLACEHOLDER.encode() not in page.content + again.content
    for client, response in ((first, page), (second, again)):
        secret = client.cookies["csrftoken"].value
        assert _does_token_match(_language_token(response.content), secret)
    assert _unmask_cipher_token(_language_token(again.content)) != \
        first.cookies["csrftoken"].value
    # The switch works for the second reader, with the token its page gave it.
    switched = second.post(reverse("set_language"), {
        "language": "en", "next": url,
        "csrfmiddlewaretoken": _language_token(again.content)})
    assert switched.status_code == 302

    with django_capture_on_commit_callbacks(execute=True):
        Announcement.objects.create(project=project, kind="cancellation",
                                    title="终止公告（整页缓存测试）", body="终止。",
                                    published_at=notice.published_at)
    assert "终止公告（整页缓存测试）" in first.get(url).content.decode()

    logged_in = Client()
    logged_in.force_login(bob)
    assert b'data-testid="user-menu"' in logged_in.get(url).content


def test_the_search_page_kept_whole_is_the_same_page_and_a_new_search_renders_its_own(
        client, published, django_assert_num_queries):
    """The search page for anonymous readers is kept whole per query string; the form
    kept per filters shows each search's own words, escaped."""
    published(title="办公桌椅采购公告", body="办公桌椅")
    url = reverse("disclosure:notice-list")
    first = client.get(url, {"q": "桌椅"})
    assert "<mark>桌椅</mark>采购公告" in first.content.decode()
    with django_assert_num_queries(0):
        again = client.get(url, {"q": "桌椅"})
    assert again.content.replace(_language_token(again.content).encode(), b"") == \
        first.content.replace(_language_token(first.content).encode(), b"")
    words = '桌椅"><script>alert(1)</script>'
    other = client.get(url, {"q": words}).content.decode()
    assert 'value="桌椅&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in other
    assert "<script>alert(1)" not in other
    assert caching.CSRF_PLACEHOLDER not in other
    from disclosure.views.search import WORDS_PLACEHOLDER
    assert WORDS_PLACEHOLDER not in other
    assert 'value="桌椅"' in client.get(url, {"q": "桌椅", "_": "x"}).content.decode()


def test_a_part_holding_the_csrf_placeholder_is_never_kept():
    """A part of a page shared with people logged in (a notice's text, a result list)
    is not kept if it was rendered with the placeholder of a page being kept for
    anonymous readers: they would see a form that cannot be sent."""
    from django.core.cache import cache

    caching.set_part("test:part:plain", "<p>公告</p>", 60)
    caching.set_part("test:part:token", {"article": f'<input value="{caching.CSRF_PLACEHOLDER}">',
                                         "others": ""}, 60)
    assert cache.get("test:part:plain") == "<p>公告</p>"
    assert cache.get("test:part:token") is None
