"""The public notice list (procurement's /notices/) links to the complaints app's public
pages, in both languages; each link opens to anyone."""

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

TABS = {
    "challenge-answers": ("complaints:challenge-answer-public-list", "质疑答复",
                          "Answers to challenges"),
    "complaint-decisions": ("complaints:complaint-decision-list", "投诉处理决定",
                            "Complaint decisions"),
    "penalties": ("complaints:credit-penalties-public", "行政处罚", "Administrative penalties"),
    "bad-behaviour": ("complaints:credit-bad-behaviour-public", "不良行为记录名单",
                      "Bad-behaviour list"),
}


def _tab(body, key):
    found = re.search(rf'<a class="nav-link" href="([^"]+)" data-testid="tab-{key}">([^<]+)</a>',
                      body)
    assert found, key
    return found.group(1), found.group(2)


@pytest.mark.parametrize("language,column", [("zh-hans", 1), ("en", 2)])
def test_notice_list_links_the_public_complaint_pages(language, column):
    client = Client()
    body = client.get(reverse("disclosure:notice-list"), HTTP_ACCEPT_LANGUAGE=language
                      ).content.decode()
    assert 'data-testid="public-notice-tabs"' in body
    for key, names in TABS.items():
        href, label = _tab(body, key)
        assert href == reverse(names[0])
        assert label == names[column]
        assert client.get(href, HTTP_ACCEPT_LANGUAGE=language).status_code == 200
