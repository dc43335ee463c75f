from django.urls import path

from . import views

app_name = "contracts"

# Each step of a contract has its own name; one view runs them all through the services.
STEPS = ["sign", "suspend", "resume", "publish", "file", "milestone-done",
         "acceptance-request", "acceptance-record", "invoice-submit", "payment-record",
         "supplement-propose", "supplement-confirm"]

urlpatterns = [
    path("", views.contract_list, name="list"),
    path("ledger/", views.ledger, name="ledger"),
    path("awards/<int:award_pk>/draft/", views.contract_draft, name="draft"),
    path("<int:pk>/", views.contract_detail, name="detail"),
    path("<int:pk>/contract.pdf", views.contract_pdf, name="pdf"),
    path("<int:pk>/public.pdf", views.contract_public_pdf, name="public-pdf"),
    path("<int:pk>/invoices/<int:invoice_pk>/file", views.invoice_file, name="invoice-file"),
    *[path(f"<int:pk>/{step}/", views.contract_action, {"action": step}, name=step)
      for step in STEPS],
]
