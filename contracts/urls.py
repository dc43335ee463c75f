from django.urls import path

from . import views

app_name = "contracts"

urlpatterns = [
    path("", views.contract_list, name="list"),
    path("ledger/", views.ledger, name="ledger"),
    path("awards/<int:award_pk>/draft/", views.contract_draft, name="draft"),
    path("<int:pk>/", views.contract_detail, name="detail"),
    path("<int:pk>/contract.pdf", views.contract_pdf, name="pdf"),
    path("<int:pk>/public.pdf", views.contract_public_pdf, name="public-pdf"),
    path("<int:pk>/invoices/<int:invoice_pk>/file", views.invoice_file, name="invoice-file"),
    # The steps on the contract's page: one POST view each.
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/suspend/", views.suspend, name="suspend"),
    path("<int:pk>/resume/", views.resume, name="resume"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/file/", views.file, name="file"),
    path("<int:pk>/milestone-done/", views.milestone_done, name="milestone-done"),
    path("<int:pk>/acceptance-request/", views.acceptance_request, name="acceptance-request"),
    path("<int:pk>/acceptance-record/", views.acceptance_record, name="acceptance-record"),
    path("<int:pk>/invoice-submit/", views.invoice_submit, name="invoice-submit"),
    path("<int:pk>/payment-record/", views.payment_record, name="payment-record"),
    path("<int:pk>/supplement-propose/", views.supplement_propose, name="supplement-propose"),
    path("<int:pk>/supplement-confirm/", views.supplement_confirm, name="supplement-confirm"),
]
