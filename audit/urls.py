from django.urls import path

from . import views, views_anchors

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="event-list"),
    path("anchors/", views_anchors.anchor_list, name="anchor-list"),  # public
]
