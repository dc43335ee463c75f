from django.urls import path

from .views import bidding, budgets, demands, evaluation, notices, projects

app_name = "procurement"

urlpatterns = [
    # Public: everything the law says is public (101号令).
    path("notices/", notices.notice_list, name="notice-list"),
    path("notices/<int:pk>/", notices.notice_detail, name="notice-detail"),
    # Suppliers bid; everyone entitled sees the opening table.
    path("procurement/projects/<int:pk>/documents/", bidding.documents_obtain,
         name="documents-obtain"),
    path("procurement/lots/<int:lot_pk>/bid/", bidding.bid_create, name="bid-create"),
    path("procurement/lots/<int:lot_pk>/opening/", bidding.opening, name="opening"),
    path("procurement/bids/", bidding.bid_list, name="bid-list"),
    path("procurement/bids/<int:pk>/", bidding.bid_detail, name="bid-detail"),
    path("procurement/bids/<int:pk>/withdraw/", bidding.bid_withdraw, name="bid-withdraw"),
    path("procurement/bids/<int:pk>/queries/<int:query_pk>/answer/", bidding.query_answer,
         name="query-answer"),
    path("procurement/awards/<int:pk>/notice.pdf", bidding.award_notice,
         name="award-notice"),
    # Evaluation: organisers and committee members.
    path("procurement/lots/<int:pk>/evaluation/", evaluation.evaluation, name="evaluation"),
    # The committee and the organiser read an opened bid: documents, prices, declarations.
    path("procurement/bids/<int:pk>/documents/", evaluation.bid_read, name="bid-read"),
    path("procurement/bids/<int:pk>/files/<int:file_pk>/", evaluation.bid_file,
         name="bid-file"),
    path("procurement/lots/<int:pk>/committee/", evaluation.evaluation_member,
         name="evaluation-member"),
    path("procurement/lots/<int:pk>/draw/", evaluation.committee_draw, name="committee-draw"),
    path("procurement/lots/<int:pk>/bids/<int:bid_pk>/review/<slug:stage>/", evaluation.review,
         name="bid-review"),
    path("procurement/lots/<int:pk>/bids/<int:bid_pk>/score/", evaluation.score,
         name="bid-score"),
    path("procurement/lots/<int:pk>/bids/<int:bid_pk>/explanation/",
         evaluation.explanation_request, name="explanation-request"),
    path("procurement/lots/<int:pk>/queries/<int:query_pk>/decide/", evaluation.query_decide,
         name="query-decide"),
    path("procurement/lots/<int:pk>/report/", evaluation.report, name="evaluation-report"),
    path("procurement/lots/<int:pk>/bids/<int:bid_pk>/confirm/", evaluation.confirm,
         name="award-confirm"),
    # Purchasers and agencies.
    path("procurement/budgets/", budgets.budget_list, name="budget-list"),
    path("procurement/intentions/", budgets.intention_list, name="intention-list"),
    path("procurement/demands/", demands.demand_list, name="demand-list"),
    path("procurement/demands/create/", demands.demand_create, name="demand-create"),
    path("procurement/demands/<int:pk>/", demands.demand_detail, name="demand-detail"),
    path("procurement/demands/<int:pk>/findings/<int:finding_pk>/override/",
         demands.finding_override, name="finding-override"),
    path("procurement/projects/", projects.project_list, name="project-list"),
    path("procurement/projects/create/", projects.project_create, name="project-create"),
    path("procurement/projects/<int:pk>/", projects.project_detail, name="project-detail"),
    path("procurement/projects/<int:pk>/<slug:action>/", projects.project_action,
         name="project-action"),
]
