"""Every status change of an application goes through ``steps.APPLICATION`` and leaves a
``StatusChange`` row; the bank's page and the API read their steps from the same table."""

import pytest

from core.exceptions import InvalidTransition
from core.models import StatusChange
from financing import services, steps
from financing.models import FinancingApplication

from .fixtures import SCHEDULE, T0, S, acting, api, apply, approve, disburse

pytestmark = pytest.mark.django_db


def history(application):
    return [(c.old, c.new, c.step, c.actor) for c in StatusChange.of(application)]


def test_the_table_holds_every_status_and_only_the_banks_steps():
    assert steps.APPLICATION.statuses() == set(S.values)
    assert [s.name for s in steps.APPLICATION.steps] == ["approve", "refuse", "disburse",
                                                         "repay"]
    assert steps.APPLICATION.targets(S.APPLIED) == {S.APPROVED, S.REFUSED}
    assert steps.APPLICATION.targets(S.REFUSED) == set()
    assert steps.APPLICATION.targets(S.REPAID) == set()


def test_walking_the_table_from_applied_to_repaid_leaves_a_row_per_step(
        signed, offer, icbc, winner_user):
    bank, banker = icbc
    application = apply(signed, offer, winner_user)
    assert steps.APPLICATION.actions(application) == ["approve", "refuse"]
    assert history(application) == []

    approve(application, banker, reason="资料齐全")
    application.refresh_from_db()
    assert steps.APPLICATION.actions(application) == ["disburse"]
    disburse(application, banker)
    application.refresh_from_db()
    assert steps.APPLICATION.actions(application) == ["repay"]
    for repayment in application.repayments.all():
        services.financing_repay(repayment=repayment, bank=bank, actor=banker, now=T0)
    application.refresh_from_db()
    assert application.status == S.REPAID and steps.APPLICATION.actions(application) == []
    assert history(application) == [
        (S.APPLIED, S.APPROVED, "approve", banker),
        (S.APPROVED, S.DISBURSED, "disburse", banker),
        (S.DISBURSED, S.REPAID, "repay", banker),  # with the last repayment only
    ]
    assert StatusChange.of(application).first().reason == "资料齐全"


def test_a_refusal_is_a_step_with_its_reason_and_ends_the_application(
        signed, offer, icbc, winner_user):
    bank, banker = icbc
    application = apply(signed, offer, winner_user)
    services.financing_decide(application=application, bank=bank, actor=banker,
                              approved=False, reason="经营年限不足一年", now=T0)
    application.refresh_from_db()
    assert history(application) == [(S.APPLIED, S.REFUSED, "refuse", banker)]
    assert StatusChange.of(application).get().reason == "经营年限不足一年"
    for step in (lambda: approve(application, banker),
                 lambda: disburse(application, banker)):
        with pytest.raises(InvalidTransition):
            step()
    application.refresh_from_db()
    assert application.status == S.REFUSED and len(history(application)) == 1


def test_a_step_out_of_order_is_refused_and_changes_nothing(signed, offer, icbc,
                                                            winner_user):
    _bank, banker = icbc
    application = apply(signed, offer, winner_user)
    with pytest.raises(InvalidTransition):  # not approved yet
        disburse(application, banker)
    approve(application, banker)
    with pytest.raises(InvalidTransition):  # decided already
        approve(application, banker)
    application.refresh_from_db()
    assert application.status == S.APPROVED and not application.repayments.exists()
    assert len(history(application)) == 1


def test_the_banks_page_and_the_api_show_the_steps_the_table_allows(
        signed, offer, icbc, winner_user, client):
    bank, banker = icbc
    application = apply(signed, offer, winner_user)
    client.force_login(banker)
    url = f"/financing/bank/{application.pk}/"
    page = client.get(url)
    assert page.context["actions"] == ["approve", "refuse"]
    html = page.content.decode()
    assert 'data-testid="decide-form"' in html and 'data-testid="disburse-form"' not in html
    assert api(banker).get(f"/api/financing/applications/{application.pk}/").json()[
        "actions"] == ["approve", "refuse"]

    approve(application, banker)
    html = client.get(url).content.decode()
    assert 'data-testid="decide-form"' not in html and 'data-testid="disburse-form"' in html
    assert api(winner_user).get(f"/api/financing/applications/{application.pk}/").json()[
        "actions"] == ["disburse"]

    disburse(application, banker, schedule=SCHEDULE)
    page = client.get(url)
    assert page.context["actions"] == ["repay"] and page.context["can_repay"]
    first = FinancingApplication.objects.get().repayments.first()
    assert f'data-testid="repay-{first.pk}"' in page.content.decode()
    assert acting(banker) == bank
