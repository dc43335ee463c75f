"""The portal's home: the latest publications, a card per group of kinds, for everyone."""

import datetime as dt
import itertools

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disclosure.models import Publication
from disclosure.models import PublicationKind as K
from disclosure.selectors_home import GROUPS, latest_by_group

pytestmark = pytest.mark.django_db
_ids = itertools.count(1)
START = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))


def publish(kind, title, *, days=0):
    at = START + dt.timedelta(days=days)
    return Publication.objects.create(
        kind=kind, title=title, url=f"/notices/{next(_ids)}/", published_at=at, updated_at=at,
        source_type=ContentType.objects.get_for_model(Publication), source_id=next(_ids))


def test_a_logged_out_visitor_sees_the_latest_publications_by_group(client):
    publish(K.TENDER, "教育局计算机采购招标公告", days=1)
    publish(K.INTENTION, "卫健委医疗设备采购意向", days=2)
    publish(K.RESULT, "计算机采购中标结果公告", days=3)
    publish(K.FAILURE, "体育器材采购废标公告", days=4)
    publish(K.COMPLAINT_DECISION, "关于投诉TS-2026-1的处理决定", days=5)
    publish(K.NORMATIVE, "魏都区政府采购内控管理办法（魏财购〔2026〕3号）", days=6)
    response = client.get(reverse("disclosure:home"))
    assert response.status_code == 200
    assert response.resolver_match.view_name == "disclosure:home"
    body = response.content.decode()
    cards = {card.group.key: [row["title"] for row in card.rows]
             for card in response.context["cards"]}
    assert cards["tenders"] == ["卫健委医疗设备采购意向", "教育局计算机采购招标公告"]
    assert cards["results"] == ["计算机采购中标结果公告"]
    assert cards["changes"] == ["体育器材采购废标公告"]
    assert cards["disputes"] == ["关于投诉TS-2026-1的处理决定"]
    assert cards["policies"] == ["魏都区政府采购内控管理办法（魏财购〔2026〕3号）"]
    for titles in cards.values():
        for title in titles:
            assert title in body
    # Each kind links to the notices list filtered by it; the supplier is asked to join.
    assert 'href="/notices/?kind=tender"' in body and 'href="/notices/?kind=normative"' in body
    assert reverse("accounts:supplier-register") in body
    assert reverse("accounts:login") in body


def test_each_card_keeps_only_its_newest_rows_in_one_query():
    for n in range(9):
        publish(K.TENDER, f"招标公告{n}", days=n)
    publish(K.APPROVAL, "采购方式审批结果", days=-30)  # old, rare: still on its card
    with CaptureQueriesContext(connection) as queries:
        cards = {card.group.key: card for card in latest_by_group(per_group=6)}
    # One UNION ALL on PostgreSQL; SQLite allows no LIMIT in a union's parts: one each.
    assert len(queries) == (1 if connection.features.supports_slicing_ordering_in_compound
                            else len(K.values))
    assert [r["title"] for r in cards["tenders"].rows] == [f"招标公告{n}"
                                                           for n in range(8, 2, -1)]
    assert [r["title"] for r in cards["policies"].rows] == ["采购方式审批结果"]
    assert cards["results"].rows == []


def test_every_kind_has_a_card():
    grouped = [kind for group in GROUPS for kind in group.kinds]
    assert sorted(grouped) == sorted(K.values)
    assert len(grouped) == len(set(grouped))


def test_a_logged_in_person_is_offered_the_workspace(client, alice):
    client.force_login(alice)
    body = client.get(reverse("disclosure:home")).content.decode()
    assert 'data-testid="to-workspace"' in body
    assert reverse("accounts:supplier-register") not in body
