"""The portal's seeding at a tiny size: the rows are made as indexing makes them (words,
a search vector the GIN index finds), the index is back after the insert, and a second
run keeps what is there."""

import pytest
from django.db import connection

from bench import portal
from disclosure.feeds import search_publications
from disclosure.models import Publication

pytestmark = pytest.mark.django_db


def test_a_tiny_seed_is_searchable_and_kept_between_runs():
    info = portal.seed(total=300, templates_n=40, out=lambda *a: None)

    rows = Publication.objects.filter(source_type=portal.source_type())
    assert rows.count() == 300 and info["seed_seconds"] is not None
    assert rows.values("purchaser").distinct().count() > 5
    assert rows.values("kind").distinct().count() > 3
    newest = rows.order_by("-published_at").first()
    assert newest.search_title.endswith(newest.project_code.lower())
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM disclosure_publication WHERE source_type_id = %s "
                       "AND search_vector IS NULL", [portal.source_type().pk])
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [portal.GIN_INDEX])
        assert cursor.fetchone()

    word, share = info["words"][0]
    found = search_publications({"q": word}).filter(source_type=portal.source_type())
    assert found.exists() and 0 < share <= 1
    assert search_publications({"q": newest.project_code}).get() == newest

    again = portal.seed(total=300, templates_n=40, out=lambda *a: None)
    assert again["seed_seconds"] is None and rows.count() == 300


def test_the_search_words_spread_from_common_to_rare():
    words = portal.search_words(portal.templates(400))

    shares = [share for _word, share in words]
    assert len(words) >= 3 and shares == sorted(shares, reverse=True)
    assert shares[0] > 0.2 and shares[-1] < 0.02
