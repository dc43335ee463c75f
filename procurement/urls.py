from django.urls import path

from . import views, views_bidding
from . import views_evaluation as ev

app_name = "procurement"

urlpatterns = [
    # Public: everything the law says is public (101号令).
    path("notices/", views.notice_list, name="notice-list"),
    path("notices/<int:pk>/", views.notice_detail, name="notice-detail"),
    # Suppliers bid; everyone entitled sees the opening table.
    path("procurement/projects/<int:pk>/documents/", views_bidding.documents_obtain,
         name="documents-obtain"),
    path("procurement/lots/<int:lot_pk>/bid/", views_bidding.bid_create, name="bid-create"),
    path("procurement/lots/<int:lot_pk>/opening/", views_bidding.opening, name="opening"),
    path("procurement/bids/", views_bidding.bid_list, name="bid-list"),
    path("procurement/bids/<int:pk>/", views_bidding.bid_detail, name="bid-detail"),
    path("procurement/bids/<int:pk>/withdraw/", views_bidding.bid_withdraw,
         name="bid-withdraw"),
    path("procurement/bids/<int:pk>/queries/<int:query_pk>/answer/", views_bidding.query_answer,
         name="query-answer"),
    path("procurement/awards/<int:pk>/notice.pdf", views_bidding.award_notice,
         name="award-notice"),
    # Evaluation: organisers and committee members.
    path("procurement/lots/<int:pk>/evaluation/", ev.evaluation, name="evaluation"),
    path("procurement/lots/<int:pk>/committee/", ev.evaluation_member,
         name="evaluation-member"),
    path("procurement/lots/<int:pk>/draw/", ev.committee_draw, name="committee-draw"),
    path("procurement/lots/<int:pk>/bids/<int:bid_pk>/review/<slug:stage>/", ev.review,
         name="bid-review"),
    path("procurement/lots/<int:pk>/bids/<int:bid_pk>/score/", ev.score, name="bid-score"),
    path("procurement/lots/<int:pk>/bids/<int:bid_pk>/explanation/", ev.explanation_request,
         name="explanation-request"),
    path("procurement/lots/<int:pk>/queries/<int:query_pk>/decide/", ev.query_decide,
         name="query-decide"),
    path("procurement/lots/<int:pk>/report/", ev.report, name="evaluation-report"),
    path("procurement/lots/<int:pk>/bids/<int:bid_pk>/confirm/", ev.confirm,
         name="award-confirm"),
    # Purchasers and agencies.
    path("procurement/budgets/", views.budget_list, name="budget-list"),
    path("procurement/intentions/", views.intention_list, name="intention-list"),
    path("procurement/demands/", views.demand_list, name="demand-list"),
    path("procurement/demands/create/", views.demand_create, name="demand-create"),
    path("procurement/demands/<int:pk>/", views.demand_detail, name="demand-detail"),
    path("procurement/demands/<int:pk>/findings/<int:finding_pk>/override/",
         views.finding_override,
         name="finding-override"),
    path("procurement/projects/", views.project_list, name="project-list"),
    path("procurement/projects/create/", views.project_create, name="project-create"),
    path("procurement/projects/<int:pk>/", views.project_detail, name="project-detail"),
    path("procurement/projects/<int:pk>/<slug:action>/", views.project_action,
         name="project-action"),
]
