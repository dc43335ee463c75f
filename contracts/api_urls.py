"""The contracts API, for ``config/api_urls.py`` to include inside its "api" namespace:
``path("", include("contracts.api_urls"))`` gives /api/contracts/…, /api/ledger/ and
/api/awards/<pk>/contract/, named api:contract-…"""

from django.urls import path

from . import apis

urlpatterns = [
    path("contracts/", apis.ContractListApi.as_view(), name="contract-list"),
    path("contracts/<int:pk>/", apis.ContractDetailApi.as_view(), name="contract-detail"),
    path("ledger/", apis.LedgerApi.as_view(), name="contract-ledger"),
    path("awards/<int:pk>/contract/", apis.ContractDraftApi.as_view(), name="contract-draft"),
    path("contracts/<int:pk>/sign/", apis.ContractSignApi.as_view(), name="contract-sign"),
    path("contracts/<int:pk>/suspend/", apis.ContractSuspendApi.as_view(),
         name="contract-suspend"),
    path("contracts/<int:pk>/resume/", apis.ContractResumeApi.as_view(),
         name="contract-resume"),
    path("contracts/<int:pk>/publish/", apis.ContractPublishApi.as_view(),
         name="contract-publish"),
    path("contracts/<int:pk>/file/", apis.ContractFileApi.as_view(), name="contract-file"),
    path("contracts/<int:pk>/milestones/<int:milestone_pk>/done/",
         apis.MilestoneDoneApi.as_view(), name="contract-milestone-done"),
    path("contracts/<int:pk>/acceptances/", apis.AcceptanceRequestApi.as_view(),
         name="contract-acceptance-request"),
    path("contracts/<int:pk>/acceptances/<int:acceptance_pk>/record/",
         apis.AcceptanceRecordApi.as_view(), name="contract-acceptance-record"),
    path("contracts/<int:pk>/invoices/", apis.InvoiceSubmitApi.as_view(),
         name="contract-invoice-submit"),
    path("contracts/<int:pk>/payments/", apis.PaymentRecordApi.as_view(),
         name="contract-payment-record"),
    path("contracts/<int:pk>/supplements/", apis.SupplementProposeApi.as_view(),
         name="contract-supplement-propose"),
    path("contracts/<int:pk>/supplements/<int:supplement_pk>/confirm/",
         apis.SupplementConfirmApi.as_view(), name="contract-supplement-confirm"),
]
