"""The portal's search (/notices/ and /api/portal/notices/): Chinese words found in the
text or only in the titles, every filter narrowing the list, refused values refused
cleanly, the best match first, the words marked without letting HTML through, and the
GIN index doing the work on PostgreSQL."""

import datetime as dt
import itertools
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import OrganizationFactory
from disclosure import indexing
from disclosure.models import Publication
from disclosure.search import backends
from disclosure.search.backends import LikeBackend, PostgresBackend, get_backend, highlight
from disclosure.search.segment import segmented
from disclosure.selectors import publication_search
from procurement.models import Announcement
from procurement.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOTICES = reverse("disclosure:notice-list")
API = "/api/portal/notices/"
_ids = itertools.count(1)
needs_pg = pytest.mark.skipif("connection.vendor != 'postgresql'",
                              reason="tsvector and GIN are PostgreSQL's")


def publish(title, body="", **fields):
    """A publication as ``indexing.index`` writes it (words, then the tsvector)."""
    values = {"kind": "tender", "url": f"/notices/{next(_ids)}/",
              "published_at": timezone.now(), "updated_at": timezone.now(), **fields}
    publication = Publication.objects.create(
        source_type=ContentType.objects.get_for_model(Publication), source_id=next(_ids),
        title=title, body=body, search_title=segmented(title),
        search_text=segmented(f"{body}\n{fields.get('parties', '')}"), **values)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE disclosure_publication SET search_vector = "
                           f"{indexing.VECTOR_SQL} WHERE id = %s", [publication.pk])
    return publication


def found(filters):
    filterset = publication_search(filters=filters)
    assert filterset.is_valid(), filterset.errors
    return list(filterset.qs)


@pytest.fixture
def desks():
    return publish("许昌市第一中学课桌椅采购项目公开招标公告",
                   "采购学生课桌椅800套，要求环保板材，提供五年质保。")


@pytest.fixture
def cleaning():
    return publish("许昌市人民医院保洁服务采购项目竞争性磋商公告",
                   "医院病区保洁服务，服务期三年；投标人须具备医疗机构保洁经验。")


# --- the words -----------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_a_phrase_of_a_tenders_text_finds_it_on_the_page_and_in_the_api():
    project = ProjectFactory(announced=True)  # the notice is indexed on commit
    notice = Announcement.objects.get(project=project, kind=Announcement.Kind.TENDER)
    assert "原厂质保" not in notice.title and "原厂质保" in notice.body
    page = Client().get(NOTICES, {"q": "三年原厂质保"})
    assert [p.url for p in page.context["page"]] == [notice.get_absolute_url()]
    assert "<mark>原厂</mark>" in page.content.decode() or \
        "<mark>原厂质保</mark>" in page.content.decode()
    data = Client().get(API, {"q": "三年原厂质保"}).json()
    assert [r["url"] for r in data["results"]] == [notice.get_absolute_url()]
    assert "<mark>" in data["results"][0]["snippet"]
    assert Client().get(API, {"q": "三年原厂质保", "mode": "title"}).json()["count"] == 0


def test_a_word_of_the_text_alone_is_not_found_in_titles(desks, cleaning):
    assert found({"q": "环保板材"}) == [desks]
    assert found({"q": "环保板材", "mode": "title"}) == []
    assert found({"q": "课桌椅", "mode": "title"}) == [desks]


def test_every_word_must_be_found(desks, cleaning):
    assert found({"q": "保洁 医院"}) == [cleaning]
    assert found({"q": "保洁 课桌椅"}) == []
    # Punctuation alone is no word: nothing is searched, everything listed.
    assert set(found({"q": "！？"})) == {desks, cleaning}


def test_the_parties_names_are_searched():
    winner = publish("某项目中标结果公告", "中标金额见附件。", kind="result",
                     parties="河南明远教育装备有限公司")
    publish("另一项目中标结果公告", "中标金额见附件。", kind="result")
    assert found({"q": "明远教育"}) == [winner]


def test_a_title_match_ranks_above_a_text_match_even_when_older(desks):
    older = publish("课桌椅维修服务采购公告", "维修学校桌椅。",
                    published_at=timezone.now() - dt.timedelta(days=30))
    newer = publish("教学设备采购公告", "其中包括课桌椅若干套，以及黑板。")
    assert found({"q": "课桌椅"})[-1] == newer
    assert found({"q": "课桌椅"})[0] in (older, desks)
    assert found({"q": "课桌椅", "ordering": "newest"})[0] == newer
    assert found({"q": "课桌椅", "ordering": "oldest"})[0] == older


def test_newest_first_without_words_and_by_amount_when_asked():
    small = publish("甲", amount=Decimal("1000.00"))
    none = publish("乙")
    large = publish("丙", amount=Decimal("900000.00"),
                    published_at=timezone.now() - dt.timedelta(days=1))
    assert found({}) == [none, small, large]
    assert found({"ordering": "relevance"}) == [none, small, large]
    assert found({"ordering": "amount"}) == [large, small, none]
    assert found({"ordering": "amount-asc"}) == [small, large, none]


# --- the filters ---------------------------------------------------------------------

def test_each_filter_narrows_the_list():
    org_a = OrganizationFactory(name="许昌市教育局")
    org_b = OrganizationFactory(name="禹州市卫生健康委员会")
    agency = OrganizationFactory(name="河南中原招标代理有限公司", kind="agency")
    a = publish("甲公告", kind="tender", purchaser=org_a, agency=agency,
                project_code="XC2026-0001", region_code="411002", category="goods",
                catalogue_codes="A02010104 A02010301", method="open",
                amount=Decimal("500000.00"))
    b = publish("乙公告", kind="result", purchaser=org_b, project_code="YZ2026-0042",
                region_code="411081", category="service", catalogue_codes="C16070000",
                method="negotiation", amount=Decimal("80000.00"))
    c = publish("丙公告", kind="intention", region_code="410102")
    everything = {a, b, c}
    assert set(found({})) == everything
    for filters, expected in [
        ({"kind": ["tender"]}, {a}),
        ({"kind": ["tender", "result"]}, {a, b}),
        ({"purchaser": "教育局"}, {a}),
        ({"purchaser": str(org_b.pk)}, {b}),
        ({"agency": "中原招标"}, {a}),
        ({"agency": str(agency.pk)}, {a}),
        ({"project_code": "yz2026"}, {b}),
        ({"region": "411000"}, {a, b}),  # Xuchang: its districts and Yuzhou
        ({"region": "410000"}, everything),  # Henan
        ({"region": "411081"}, {b}),
        ({"region": "4101"}, {c}),
        ({"category": "goods"}, {a}),
        ({"category": "service"}, {b}),
        ({"catalogue": "A0201"}, {a}),
        ({"catalogue": "a02010301"}, {a}),  # the second code of the list
        ({"catalogue": "C"}, {b}),
        ({"catalogue": "02010"}, set()),  # a prefix, not any part
        ({"method": "negotiation"}, {b}),
        ({"amount_min": "100000"}, {a}),
        ({"amount_max": "80,000"}, {b}),
        ({"amount_min": "80000", "amount_max": "500000.00"}, {a, b}),
    ]:
        assert set(found(filters)) == expected, filters


def test_the_days_are_asia_shanghai_days():
    # 23:30 in Shanghai on 1 March is 15:30 UTC: still 1 March for the filters.
    late = publish("晚", published_at=dt.datetime(2026, 3, 1, 23, 30, tzinfo=SHANGHAI))
    early = publish("早", published_at=dt.datetime(2026, 3, 2, 0, 10, tzinfo=SHANGHAI))
    assert found({"published_to": "2026-03-01"}) == [late]
    assert found({"published_from": "2026-03-02"}) == [early]
    assert found({"published_from": "2026-03-01", "published_to": "2026-03-01"}) == [late]
    # Days beyond the platform's years (2000-2100) bound nothing or leave nothing.
    assert found({"published_from": "0001-01-01", "published_to": "9999-12-31"}) == \
        [early, late]
    assert found({"published_from": "9999-12-31"}) == []
    assert found({"published_to": "0001-01-01"}) == []


@pytest.mark.parametrize(("preset", "days_back_found"), [
    ("today", 0), ("3d", 2), ("1w", 6), ("1m", 28), ("3m", 89), ("6m", 180), ("1y", 364)])
def test_the_presets_reach_back_from_today(preset, days_back_found):
    now = dt.datetime(2026, 6, 15, 9, 0, tzinfo=SHANGHAI)
    inside = publish("内", published_at=now.replace(hour=0, minute=1)
                     - dt.timedelta(days=days_back_found))
    publish("外", published_at=now - dt.timedelta(days=400))
    filterset = publication_search(filters={"published": preset}, now=now)
    assert list(filterset.qs) == [inside]


@pytest.mark.parametrize(("filters", "field"), [
    ({"amount_min": "五十万"}, "amount_min"),
    ({"amount_max": "-5"}, "amount_max"),
    ({"amount_min": "1e999"}, "amount_min"),
    ({"amount_min": "NaN"}, "amount_min"),
    ({"amount_min": "900", "amount_max": "100"}, "amount_max"),
    ({"published_from": "2026-03-05", "published_to": "2026-03-01"}, "published_to"),
    ({"published_from": "yesterday"}, "published_from"),
    ({"region": "Henan"}, "region"),
    ({"catalogue": "A02%"}, "catalogue"),
    ({"kind": "tenders"}, "kind"),
    ({"mode": "body"}, "mode"),
    ({"q": "字" * 101}, "q"),
])
def test_a_bad_value_is_a_form_error_on_the_page_and_a_400_in_the_api(filters, field):
    page = Client().get(NOTICES, filters)
    assert page.status_code == 200
    assert f'data-testid="filter-error-{field}"' in page.content.decode()
    answer = Client().get(API, filters)
    assert answer.status_code == 400 and field in answer.json()


def test_a_bad_amount_says_what_an_amount_looks_like():
    page = Client().get(NOTICES, {"amount_min": "五十万"}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.context["filter"].errors["amount_min"] == [
        "Enter an amount in yuan, such as 500000 or 12.50."]


def test_an_organisation_id_too_large_for_the_database_is_a_name():
    assert found({"purchaser": "9" * 30}) == []


# --- the page and the API ------------------------------------------------------------

def test_the_page_lists_each_notice_with_its_kind_purchaser_number_and_amount(desks):
    org = OrganizationFactory(name="许昌市第一中学")
    publish("学生公寓床具采购公告", "采购床具。", purchaser=org, project_code="XC2026-0100",
            amount=Decimal("1234567.80"), kind="result")
    body = Client().get(NOTICES, {"q": "床具"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
                        ).content.decode()
    assert 'data-testid="notice-list"' in body and "中标（成交）结果公告" in body
    assert "许昌市第一中学" in body and "XC2026-0100" in body and "1,234,567.80" in body
    assert "课桌椅" not in body.split('data-testid="notice-list"')[1]


def test_the_results_come_twenty_a_page():
    for n in range(21):
        publish(f"办公用品采购公告{n}", "办公用品")
    first = Client().get(NOTICES, {"q": "办公用品"})
    assert len(first.context["page"]) == 20 and first.context["page"].has_next()
    assert len(Client().get(NOTICES, {"q": "办公用品", "page": 2}).context["page"]) == 1
    assert Client().get(API, {"q": "办公用品", "limit": 5}).json()["count"] == 21


def test_a_notice_that_holds_html_is_shown_as_text():
    publish("<b>加粗</b>的公告", "<script>alert(1)</script>采购办公设备<img src=x onerror=1>")
    body = Client().get(NOTICES, {"q": "办公设备"}).content.decode()
    assert "<script>alert(1)" not in body and "<img src=x" not in body and "<b>加粗" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "&lt;b&gt;加粗" in body
    assert "<mark>办公设备</mark>" in body


def test_the_more_filters_open_when_one_is_used():
    assert 'id="cf-more-filters"' in Client().get(NOTICES).content.decode()
    assert 'collapse show" id="cf-more-filters"' not in Client().get(
        NOTICES, {"q": "设备"}).content.decode()
    assert 'collapse show" id="cf-more-filters"' in Client().get(
        NOTICES, {"kind": "tender"}).content.decode()


def test_every_page_has_the_search_box_sending_its_words_to_the_notices():
    for path in ("/", NOTICES, reverse("rules:rule-list")):
        body = Client().get(path).content.decode()
        assert 'data-testid="search-box"' in body, path
        assert f'action="{NOTICES}"' in body and 'name="q"' in body


def test_the_api_is_public_and_documents_its_parameters(desks):
    client = Client()
    data = client.get(API, {"kind": ["tender", "result"], "q": "课桌椅"}).json()
    assert data["count"] == 1
    result = data["results"][0]
    assert result["title"] == desks.title and result["kind"] == "tender"
    assert result["purchaser"] is None
    schema = client.get("/api/schema/", {"format": "json"}).json()
    parameters = {p["name"]: p for p in schema["paths"][API]["get"]["parameters"]}
    assert {"q", "mode", "kind", "purchaser", "agency", "project_code", "region", "category",
            "catalogue", "method", "published", "published_from", "published_to",
            "amount_min", "amount_max", "ordering"} <= set(parameters)
    assert parameters["kind"]["schema"]["type"] == "array"
    assert "result" in parameters["kind"]["schema"]["items"]["enum"]


# --- highlighting --------------------------------------------------------------------

def test_highlight_marks_the_words_and_escapes_the_rest():
    html = highlight('<script>x</script>"办公设备" & 采购', "办公设备采购")
    assert html == ('&lt;script&gt;x&lt;/script&gt;&quot;<mark>办公设备</mark>&quot; '
                    '&amp; <mark>采购</mark>')


def test_highlight_shows_a_snippet_around_the_first_word():
    text = "甲" * 300 + "保洁服务" + "乙" * 300
    html = highlight(text, "保洁", length=100)
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>保洁</mark>" in html and len(html) < 130
    assert highlight(text, "", length=10) == "甲" * 10 + "…"
    assert highlight("", "保洁") == ""


# --- the engines ---------------------------------------------------------------------

@needs_pg
def test_postgres_searches_through_the_gin_index(desks, cleaning):
    queryset = PostgresBackend().search(Publication.objects.order_by(), "保洁服务")
    assert list(queryset) == [cleaning]
    sql, params = queryset.query.sql_with_params()
    assert "@@" in sql and "to_tsquery" in sql
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "disclosure_pub_search_idx" in plan, plan


@needs_pg
def test_the_page_search_uses_the_gin_index_too(desks, cleaning):
    """Relevance ranks the newest RANK_WINDOW matches: those are found by the search
    predicate, which the GIN index serves (the planner walks the date index instead when
    the word is common, which the plan of a tiny table cannot show: index scans off)."""
    ranked = publication_search(filters={"q": "保洁", "ordering": "relevance"}).qs
    assert isinstance(ranked, backends.RankedWindow)
    backend = PostgresBackend()
    window = backend.window(backend.search(Publication.objects.all(), "保洁"), "保洁")
    assert "ts_rank_cd" in str(window.query)  # ranked as the window is read
    sql, params = window.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "disclosure_pub_search_idx" in plan, plan


def test_the_tsquery_requires_every_word_and_weighs_title_words_a():
    assert backends.tsquery(["办公设备", "采购"]) == "'办公设备' & '采购'"
    assert backends.tsquery(["办公设备", "采购"], mode="title") == \
        "'办公设备':A & '采购':A"
    # segment strips what would break the query: quotes, operators, backslashes.
    assert PostgresBackend().tsquery("o'neil & (x|y):*!\\") == "'o' & 'neil' & 'x' & 'y'"


def test_the_like_fallback_needs_every_word_between_spaces():
    condition = backends.like_condition(["设备", "采购"])
    assert [child for child in condition.children] == [
        ("_words__contains", " 设备 "), ("_words__contains", " 采购 ")]
    sql = str(LikeBackend().search(Publication.objects.all(), "设备采购").query)
    assert sql.count("LIKE") == 2


def test_the_like_fallback_finds_what_postgres_finds(desks, cleaning):
    """The fallback is plain ORM (LIKE on search_title/search_text), so it runs here on
    PostgreSQL as it would on SQLite."""
    like = LikeBackend()
    rows = Publication.objects.all()
    assert list(like.search(rows, "环保板材")) == [desks]
    assert list(like.search(rows, "环保板材", mode="title")) == []
    assert list(like.search(rows, "课桌椅", mode="title")) == [desks]
    assert list(like.search(rows, "保洁 课桌椅")) == []
    assert list(like.search(rows, "100%")) == []  # a LIKE wildcard is a character
    newer = publish("教学设备采购公告", "其中包括课桌椅若干套。")
    ranked = list(like.order_by_relevance(like.search(rows, "课桌椅"), "课桌椅"))
    assert ranked == [desks, newer]


def test_the_backend_is_chosen_by_setting_or_by_database():
    expected = PostgresBackend if connection.vendor == "postgresql" else LikeBackend
    assert type(get_backend()) is expected
    with override_settings(PORTAL_SEARCH_BACKEND="disclosure.search.backends.LikeBackend"):
        assert type(get_backend()) is LikeBackend


def test_an_upside_down_range_is_refused_as_such():
    answer = Client().get(API, {"amount_min": "900", "amount_max": "100"})
    assert answer.status_code == 400 and "amount_max" in answer.json()
    filterset = publication_search(filters={"published_from": "2026-03-05",
                                            "published_to": "2026-03-01"})
    assert not filterset.is_valid()
    assert filterset.form.errors.as_data()["published_to"][0].code == "reversed_range"


def test_procurement_terms_are_words_and_so_are_their_parts(desks, cleaning):
    # disclosure/search/dict.txt: 竞争性磋商 is one word of the query, and the index
    # holds it and the words inside it.
    assert PostgresBackend().tsquery("竞争性磋商") == "'竞争性磋商'"
    assert found({"q": "竞争性磋商", "mode": "title"}) == [cleaning]
    assert found({"q": "磋商", "mode": "title"}) == [cleaning]


def test_a_search_counts_up_to_the_cap_and_says_there_are_more(monkeypatch):
    from disclosure import selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", 5)
    for n in range(7):
        publish(f"桌椅采购公告{n}", "桌椅")
    page = Client().get(NOTICES, {"q": "桌椅"})
    assert page.context["page"].paginator.count == 5
    assert page.context["page"].paginator.capped
    assert "More than 5 notices" in page.content.decode() or "超过5条公告" in \
        page.content.decode()
    assert Client().get(API, {"q": "桌椅"}).json()["count"] == 6  # 6 = "more than 5"
    for n in range(3):  # under the cap: the exact number, nothing said of more
        publish(f"窗帘采购公告{n}", "窗帘")
    fewer = Client().get(NOTICES, {"q": "窗帘"})
    assert fewer.context["page"].paginator.count == 3
    assert not fewer.context["page"].paginator.capped


@needs_pg
def test_relevance_ranks_the_newest_matches_within_the_window(monkeypatch):
    monkeypatch.setattr(backends, "RANK_WINDOW", 2)
    now = timezone.now()
    old_title_match = publish("复印纸采购公告", "复印纸", published_at=now - dt.timedelta(days=9))
    newer = [publish(f"文具采购公告{n}", "附带复印纸", published_at=now - dt.timedelta(days=n))
             for n in range(2)]
    ranked = found({"q": "复印纸"})
    # Only the two newest matches are ranked: the older title match is outside the window.
    assert set(ranked) == set(newer) and old_title_match not in ranked
    # Ordered by date, every match is there.
    assert old_title_match in found({"q": "复印纸", "ordering": "newest"})
