"""The rules in force are public, with their bases: the page and the API list them all."""

import pytest
from django.urls import reverse

from rules.registry import rules_in_force

pytestmark = pytest.mark.django_db


def test_the_page_lists_every_rule_with_its_basis(client):
    body = client.get(reverse("rules:rule-list")).content.decode()  # anonymous: public
    for r in rules_in_force().values():
        assert r.code in body
    assert "春风行动 第18条" in body and "87号令 第47条" in body


def test_the_page_compares_the_national_profile(client, settings):
    settings.RULE_PROFILE = "xuchang"
    response = client.get(reverse("rules:rule-list"), {"profile": "national"},
                          HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = response.content.decode()
    assert "法 第46条" in body  # contract.sign: 30 days under the national law
    assert 'class="alert alert-info small"' in body  # "not in force here"
    # An unknown profile shows the one in force.
    body = client.get(reverse("rules:rule-list"), {"profile": "beijing"}).content.decode()
    assert "春风行动 第18条" in body and 'class="alert alert-info small"' not in body


def test_an_override_is_marked_on_the_page(client, settings):
    settings.RULE_OVERRIDES = {"contract.sign": 3}
    body = client.get(reverse("rules:rule-list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "set locally" in body


def test_the_api_lists_every_rule_in_force(client, settings):
    settings.RULE_OVERRIDES = {"contract.sign": 3}
    data = client.get(reverse("api:rule-list")).json()
    assert data["profile"] == settings.RULE_PROFILE
    by_code = {r["code"]: r for r in data["rules"]}
    assert set(by_code) == set(rules_in_force())
    assert all(r["basis"] for r in data["rules"])
    sign = by_code["contract.sign"]
    assert (sign["amount"], sign["unit"], sign["overridden"]) == ("3", "workdays", True)
    assert by_code["committee.min_members"]["amount"] == "5"
