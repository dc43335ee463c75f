"""The contract financing API. A plain list: config/api_urls.py adds it to its own
(``urlpatterns += financing.api_urls.urlpatterns``), so the paths sit under /api/ in its
"api" namespace."""

from django.urls import path

from . import apis

urlpatterns = [
    path("financing/offers/", apis.OfferListApi.as_view(), name="financing-offer-list"),
    path("financing/offers/<int:pk>/", apis.OfferUpdateApi.as_view(),
         name="financing-offer-detail"),
    path("financing/contracts/<int:pk>/", apis.ContractFinancingApi.as_view(),
         name="financing-contract"),
    path("financing/applications/", apis.ApplicationListApi.as_view(),
         name="financing-application-list"),
    path("financing/applications/<int:pk>/", apis.ApplicationDetailApi.as_view(),
         name="financing-application-detail"),
    path("financing/applications/<int:pk>/decide/", apis.ApplicationDecideApi.as_view(),
         name="financing-decide"),
    path("financing/applications/<int:pk>/disburse/", apis.ApplicationDisburseApi.as_view(),
         name="financing-disburse"),
    path("financing/applications/<int:pk>/repayments/<int:repayment_pk>/repay/",
         apis.RepaymentRepayApi.as_view(), name="financing-repay"),
    path("financing/applications/<int:pk>/rate/", apis.ApplicationRateApi.as_view(),
         name="financing-rate"),
    path("financing/applications/<int:pk>/contract.pdf",
         apis.ApplicationContractPdfApi.as_view(), name="financing-contract-pdf"),
    path("financing/applications/<int:pk>/award-notice.pdf",
         apis.ApplicationAwardNoticePdfApi.as_view(), name="financing-award-notice-pdf"),
]
