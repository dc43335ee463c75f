"""The portal's feeds: valid RSS 2.0 and Atom, Chinese written as is and markup escaped,
each feed of its own notices, 404 for a kind or a purchaser that does not exist."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from accounts.tests.factories import OrganizationFactory
from disclosure.feeds import ITEMS

from .helpers import publication

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def rss_items(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    assert root.tag == "rss" and root.get("version") == "2.0"
    return root.find("channel").findall("item")


def titles(items):
    return [item.findtext("title") for item in items]


def test_the_rss_feed_has_each_notice_with_its_link_kind_date_and_guid(client):
    notice = publication(title="许昌市教育局办公设备采购公开招标公告", kind="tender",
                         body="一" * 250, url="/notices/42/")

    item = rss_items(client.get(reverse("disclosure:feed-rss")))[0]

    assert item.findtext("title") == "许昌市教育局办公设备采购公开招标公告"
    assert item.findtext("link") == "http://testserver/notices/42/"
    assert item.findtext("guid") == "http://testserver/notices/42/"
    assert item.findtext("category") == str(notice.get_kind_display())
    assert item.findtext("pubDate")
    description = item.findtext("description")
    assert description == "一" * 199 + "…"


def test_chinese_is_written_as_is_and_markup_is_escaped(client):
    publication(title="<b>办公&设备</b> “采购”", body="<script>alert(1)</script>正文")

    response = client.get(reverse("disclosure:feed-rss"))

    assert "<b>办公&amp;设备</b>".encode() not in response.content
    assert "&lt;b&gt;办公&amp;设备&lt;/b&gt; “采购”".encode() in response.content
    assert b"<script>" not in response.content
    item = rss_items(response)[0]
    assert item.findtext("title") == "<b>办公&设备</b> “采购”"


def test_the_atom_feed_is_valid_atom_with_the_same_notices(client):
    publication(title="道路维修工程结果公告", kind="result")

    response = client.get(reverse("disclosure:feed-atom"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314
    assert root.tag == f"{ATOM}feed"
    entry = root.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "道路维修工程结果公告"
    assert entry.findtext(f"{ATOM}id") and entry.findtext(f"{ATOM}updated")
    assert entry.find(f"{ATOM}category").get("term")


def test_a_kind_feed_has_that_kind_only(client):
    publication(title="甲项目招标公告", kind="tender")
    publication(title="乙项目结果公告", kind="result")

    items = rss_items(client.get(reverse("disclosure:feed-kind-rss", args=["result"])))

    assert titles(items) == ["乙项目结果公告"]
    atom = client.get(reverse("disclosure:feed-kind-atom", args=["result"]))
    assert atom.status_code == 200 and "乙项目结果公告".encode() in atom.content
    assert "甲项目招标公告".encode() not in atom.content


def test_a_purchaser_feed_has_that_purchaser_only(client):
    mine, other = OrganizationFactory(name="许昌市教育局"), OrganizationFactory()
    publication(title="教育局的公告", purchaser=mine)
    publication(title="别人的公告", purchaser=other)

    items = rss_items(client.get(reverse("disclosure:feed-purchaser-rss", args=[mine.pk])))

    assert titles(items) == ["教育局的公告"]
    root = ET.fromstring(client.get(  # noqa: S314
        reverse("disclosure:feed-purchaser-rss", args=[mine.pk])).content)
    assert "许昌市教育局" in root.find("channel").findtext("title")


def test_a_saved_search_feed_selects_as_the_search_page_does(client):
    publication(title="办公设备采购招标公告", kind="tender")
    publication(title="办公设备采购结果公告", kind="result")
    publication(title="道路维修工程招标公告", kind="tender", body="道路维修")

    words = rss_items(client.get(reverse("disclosure:feed-rss"), {"q": "办公设备"}))
    both = rss_items(client.get(reverse("disclosure:feed-rss"),
                                {"q": "办公设备", "kind": "tender", "page": "3"}))

    assert sorted(titles(words)) == ["办公设备采购招标公告", "办公设备采购结果公告"]
    assert titles(both) == ["办公设备采购招标公告"]


def test_unknown_kinds_and_purchasers_are_404(client):
    assert client.get(reverse("disclosure:feed-kind-rss", args=["nonsense"])).status_code == 404
    assert client.get(reverse("disclosure:feed-kind-atom", args=["nonsense"])).status_code == 404
    assert client.get(reverse("disclosure:feed-purchaser-rss",
                              args=[999_999_999])).status_code == 404
    assert client.get(reverse("disclosure:feed-rss"), {"kind": "nonsense"}).status_code == 404
    # A query string the search page refuses is no feed (the page shows the form error).
    assert client.get(reverse("disclosure:feed-rss"), {"amount_min": "abc"}).status_code == 404


def test_a_feed_has_the_newest_fifty(client):
    for _ in range(ITEMS + 3):
        publication()

    assert len(rss_items(client.get(reverse("disclosure:feed-rss")))) == ITEMS


def test_the_feed_links_partial_carries_the_search_without_the_page(rf):
    from django.template.loader import render_to_string

    request = rf.get("/notices/", {"q": "办公 设备", "kind": "tender", "page": "2"})
    html = render_to_string("disclosure/_feed_links.html", {"feed_kind": "tender"},
                            request=request)

    assert 'type="application/rss+xml"' in html and 'type="application/atom+xml"' in html
    assert "/notices/feed/?q=%E5%8A%9E%E5%85%AC+%E8%AE%BE%E5%A4%87&amp;kind=tender\"" in html
    assert "page=" not in html
    assert reverse("disclosure:feed-kind-atom", args=["tender"]) in html
