"""The move out of ``contracts`` keeps every old reference: the content type rows of the
three models are re-labelled in place (same ids), so audit events, status changes and
permissions recorded before the move resolve to the moved models, and the hash chain —
over the ids — stays whole."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from audit.models import AuditEvent
from audit.selectors import audit_chain_verify
from audit.services import audit_seal
from financing.models import FinancingApplication

from .fixtures import apply

pytestmark = pytest.mark.django_db

move = importlib.import_module("financing.migrations.0001_initial")


def labels():
    ContentType.objects.clear_cache()
    return dict(ContentType.objects.filter(model__in=move.MOVED)
                .values_list("model", "app_label"))


def test_old_references_resolve_to_the_moved_models(signed, offer, winner_user):
    application = apply(signed, offer, winner_user)
    event = AuditEvent.objects.get(action="financing.apply")
    type_id = event.object_type_id
    perms = set(Permission.objects.filter(content_type_id=type_id).values_list("pk", flat=True))
    # A database from before the move: the same rows, labelled ``contracts``.
    ContentType.objects.filter(model__in=move.MOVED).update(app_label="contracts")
    assert set(labels().values()) == {"contracts"}

    move.content_types_follow(apps, None)

    assert labels() == {m: "financing" for m in move.MOVED}
    event = AuditEvent.objects.select_related("object_type").get(pk=event.pk)
    assert event.object_type_id == type_id  # the same row
    assert event.object_type.model_class() is FinancingApplication
    assert event.object_type.get_object_for_this_type(pk=event.object_id) == application
    assert set(Permission.objects.filter(content_type_id=type_id)
               .values_list("pk", flat=True)) == perms
    audit_seal()
    report = audit_chain_verify()
    assert report.broken_at is None and report.checked >= 1


def test_unapplying_the_move_gives_the_rows_back_to_contracts(db):
    move.content_types_return(apps, None)
    assert labels() == {m: "contracts" for m in move.MOVED}
    move.content_types_follow(apps, None)
    assert labels() == {m: "financing" for m in move.MOVED}
