"""The contract financing API. A plain list: config/api_urls.py adds it to its own
(``urlpatterns += api_urls_financing.urlpatterns``), so the paths sit under /api/."""

from django.urls import path

from . import apis_financing as api

urlpatterns = [
    path("financing/offers/", api.OfferListApi.as_view(), name="financing-offer-list"),
    path("financing/offers/<int:pk>/", api.OfferDetailApi.as_view(),
         name="financing-offer-detail"),
    path("financing/contracts/<int:pk>/", api.ContractFinancingApi.as_view(),
         name="financing-contract"),
    path("financing/applications/", api.ApplicationListApi.as_view(),
         name="financing-application-list"),
    path("financing/applications/<int:pk>/", api.ApplicationDetailApi.as_view(),
         name="financing-application-detail"),
    path("financing/applications/<int:pk>/decide/", api.DecideApi.as_view(),
         name="financing-decide"),
    path("financing/applications/<int:pk>/disburse/", api.DisburseApi.as_view(),
         name="financing-disburse"),
    path("financing/applications/<int:pk>/repayments/<int:repayment_pk>/repay/",
         api.RepayApi.as_view(), name="financing-repay"),
    path("financing/applications/<int:pk>/rate/", api.RateApi.as_view(),
         name="financing-rate"),
    path("financing/applications/<int:pk>/contract.pdf", api.ContractPdfApi.as_view(),
         name="financing-contract-pdf"),
    path("financing/applications/<int:pk>/award-notice.pdf", api.AwardNoticePdfApi.as_view(),
         name="financing-award-notice-pdf"),
]
