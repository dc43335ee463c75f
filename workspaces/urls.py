from django.urls import path

from . import views

app_name = "workspaces"

urlpatterns = [
    path("home/", views.home, name="home"),
    path("purchaser/", views.purchaser, name="purchaser"),
    path("agency/", views.agency, name="agency"),
    path("supplier/", views.supplier, name="supplier"),
    path("expert/", views.expert, name="expert"),
    path("supervision/", views.supervision, name="supervision"),
    path("bank/", views.bank, name="bank"),
]
