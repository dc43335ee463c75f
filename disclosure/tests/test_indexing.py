"""The portal's index follows the records it publishes: a notice is indexed when its
transaction commits, not before and not when it rolls back, and its words are searchable
in Chinese."""

import pytest
from django.db import connection, transaction

from disclosure import indexing
from disclosure.models import Publication
from procurement.models import Announcement
from procurement.tests.factories import IntentionFactory, ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_tender_is_indexed_after_commit_with_its_words():
    project = ProjectFactory(announced=True)
    notice = Announcement.objects.get(project=project, kind=Announcement.Kind.TENDER)
    publication = Publication.objects.get(source_id=notice.pk, kind="tender")
    assert publication.url == f"/notices/{notice.pk}/"
    assert publication.project_code == project.code
    assert publication.purchaser_id == project.purchaser_id
    assert publication.amount == project.budget
    assert publication.search_title and publication.search_text
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT search_vector IS NOT NULL FROM disclosure_publication "
                           "WHERE id = %s", [publication.pk])
            assert cursor.fetchone()[0]


def test_nothing_is_indexed_when_the_step_rolls_back():
    before = Publication.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        IntentionFactory()
        raise RuntimeError
    assert Publication.objects.count() == before


def test_reindex_rebuilds_every_row():
    IntentionFactory()
    ProjectFactory(announced=True)
    published = Publication.objects.count()
    Publication.objects.all().delete()
    assert indexing.reindex() == published
    assert Publication.objects.count() == published
