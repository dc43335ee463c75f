"""The shared field partial (templates/partials/_field.html) on the registration page:
every id that aria-describedby names exists, help text and errors included, and a group
of radios is a fieldset whose legend is the question."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []  # (tag, attrs)
        self.legends = []
        self._in_legend = False

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._in_legend = tag == "legend" or self._in_legend

    def handle_endtag(self, tag):
        if tag == "legend":
            self._in_legend = False

    def handle_data(self, data):
        if self._in_legend and data.strip():
            self.legends.append(data.strip())

    def by_id(self, id_):
        return next((attrs for _tag, attrs in self.elements if attrs.get("id") == id_), None)

    def described(self):
        return [(tag, attrs) for tag, attrs in self.elements if "aria-describedby" in attrs]


def parse(response) -> Elements:
    parser = Elements()
    parser.feed(response.content.decode())
    return parser


def assert_every_description_exists(page: Elements):
    for tag, attrs in page.described():
        for id_ in attrs["aria-describedby"].split():
            assert page.by_id(id_) is not None, f"<{tag}> names a missing #{id_}"


def test_help_text_has_the_id_the_field_points_at(client):
    page = parse(client.get(reverse("accounts:supplier-register")))
    credit = page.by_id("id_credit_code")
    assert credit["aria-describedby"] == "id_credit_code_helptext"
    assert page.by_id("id_credit_code_helptext") is not None
    assert_every_description_exists(page)


def test_errors_are_named_by_the_field_and_marked_invalid(client):
    with translation.override("zh-hans"):
        response = client.post(reverse("accounts:supplier-register"),
                               {"credit_code": "91350100M000100Y44", "name": "许昌某公司"},
                               HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = parse(response)
    credit = page.by_id("id_credit_code")
    assert credit["aria-describedby"] == "id_credit_code_helptext id_credit_code_error"
    assert credit["aria-invalid"] == "true"
    assert page.by_id("id_credit_code_error") is not None
    assert "校验码" in response.content.decode()
    # A field without help text is described by its error alone.
    assert page.by_id("id_address")["aria-describedby"] == "id_address_error"
    # A valid field is neither invalid nor described by an error.
    name = page.by_id("id_name")
    assert "aria-invalid" not in name and "aria-describedby" not in name
    assert_every_description_exists(page)


def test_the_scale_radios_are_a_fieldset_with_a_legend(client):
    with translation.override("zh-hans"):
        page = parse(client.post(reverse("accounts:supplier-register"), {"name": "许昌某公司"},
                                 HTTP_ACCEPT_LANGUAGE="zh-hans"))
    [fieldset] = [attrs for tag, attrs in page.elements
                  if tag == "fieldset" and attrs.get("data-testid") == "fieldset-scale"]
    # Django puts the group's description on the fieldset, not on each radio.
    assert fieldset["aria-describedby"] == "id_scale_helptext id_scale_error"
    assert any(legend.startswith("企业规模") for legend in page.legends)
    radios = [attrs for tag, attrs in page.elements
              if tag == "input" and attrs.get("name") == "scale"]
    assert [r["value"] for r in radios] == ["large", "medium", "small", "micro"]
    assert all(r["type"] == "radio" and "aria-describedby" not in r for r in radios)
    for radio in radios:  # each radio has its own label
        assert any(tag == "label" and attrs.get("for") == radio["id"]
                   for tag, attrs in page.elements)
    assert_every_description_exists(page)
