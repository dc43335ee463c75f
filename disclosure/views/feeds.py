"""The portal's feeds (disclosure.feeds), each in RSS 2.0 and Atom 1.0, validated by the
portal version (disclosure.caching): a reader polling a feed gets 304 until something
is published."""

from django.urls import path

from ..caching import cached_list
from ..feeds import KindFeed, NoticeFeed, PurchaserFeed, atom

urlpatterns = [
    path("notices/feed/", cached_list(NoticeFeed()), name="feed-rss"),
    path("notices/feed/atom/", cached_list(atom(NoticeFeed)()), name="feed-atom"),
    path("notices/feed/kind/<slug:kind>/", cached_list(KindFeed()), name="feed-kind-rss"),
    path("notices/feed/kind/<slug:kind>/atom/", cached_list(atom(KindFeed)()),
         name="feed-kind-atom"),
    path("notices/feed/purchaser/<int:pk>/", cached_list(PurchaserFeed()),
         name="feed-purchaser-rss"),
    path("notices/feed/purchaser/<int:pk>/atom/", cached_list(atom(PurchaserFeed)()),
         name="feed-purchaser-atom"),
]
