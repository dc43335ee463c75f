from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("supervision/interceptions/", views.interception_list, name="interception-list"),
]
