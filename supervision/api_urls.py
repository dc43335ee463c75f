from django.urls import path

from . import apis

urlpatterns = [
    path("supervision/interceptions/", apis.InterceptionListApi.as_view(),
         name="supervision-interception-list"),
]
