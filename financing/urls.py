from django.urls import path

from . import views

app_name = "financing"

urlpatterns = [
    path("", views.index, name="index"),
    # The supplier, per contract.
    path("contracts/<int:pk>/", views.contract_financing_page, name="contract"),
    path("contracts/<int:pk>/apply/", views.apply, name="apply"),
    path("applications/<int:pk>/rate/", views.rate, name="rate"),
    # The bank: only the applications made to it.
    path("bank/", views.bank_list, name="bank-list"),
    path("bank/offers/", views.offer_list, name="offer-list"),
    path("bank/offers/<int:pk>/", views.offer_edit, name="offer-edit"),
    path("bank/<int:pk>/", views.bank_detail, name="bank-detail"),
    path("bank/<int:pk>/contract.pdf", views.bank_contract_pdf, name="bank-contract-pdf"),
    path("bank/<int:pk>/award-notice.pdf", views.bank_award_notice, name="bank-award-notice"),
    path("bank/<int:pk>/decide/", views.decide, name="decide"),
    path("bank/<int:pk>/disburse/", views.disburse, name="disburse"),
    path("bank/<int:pk>/repayments/<int:repayment_pk>/repay/", views.repay, name="repay"),
]
