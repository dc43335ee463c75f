from django.urls import path

from . import views

app_name = "deadlines"

urlpatterns = [
    path("", views.deadline_list, name="deadline-list"),
    path("<int:pk>/", views.deadline_detail, name="deadline-detail"),
    path("ranking/", views.ranking, name="ranking"),
]
