from django.urls import include, path

from accounts import apis as accounts_apis
from audit import apis as audit_apis
from audit.apis_anchors import AuditAnchorListApi
from contracts import api_urls_financing
from deadlines import apis as deadline_apis
from procurement import apis as proc
from procurement import apis_evaluation as ev
from rules import apis as rule_apis

urlpatterns = [
    path("me/", accounts_apis.MeApi.as_view(), name="me"),
    path("organizations/", accounts_apis.OrganizationListApi.as_view(), name="organization-list"),
    path("organizations/<int:pk>/", accounts_apis.OrganizationDetailApi.as_view(),
         name="organization-detail"),
    path("suppliers/register/", accounts_apis.SupplierRegisterApi.as_view(),
         name="supplier-register"),
    path("audit-events/", audit_apis.AuditEventListApi.as_view(), name="audit-event-list"),
    path("audit-anchors/", AuditAnchorListApi.as_view(), name="audit-anchor-list"),
    path("rules/", rule_apis.RuleListApi.as_view(), name="rule-list"),
    path("deadlines/", deadline_apis.DeadlineListApi.as_view(), name="deadline-list"),
    path("deadlines/ranking/", deadline_apis.RankingApi.as_view(), name="deadline-ranking"),
    path("deadlines/<int:pk>/", deadline_apis.DeadlineDetailApi.as_view(),
         name="deadline-detail"),
    path("deadlines/<int:pk>/waive/", deadline_apis.DeadlineWaiveApi.as_view(),
         name="deadline-waive"),
    path("budget-lines/", proc.BudgetLineListApi.as_view(), name="budget-line-list"),
    path("intentions/", proc.IntentionListApi.as_view(), name="intention-list"),
    path("demands/", proc.DemandListApi.as_view(), name="demand-list"),
    path("demands/<int:pk>/", proc.DemandDetailApi.as_view(), name="demand-detail"),
    path("demands/<int:pk>/findings/<int:finding_pk>/override/",
         proc.FindingOverrideApi.as_view(), name="finding-override"),
    path("projects/", proc.ProjectListApi.as_view(), name="project-list"),
    path("projects/<int:pk>/", proc.ProjectDetailApi.as_view(), name="project-detail"),
    path("projects/<int:pk>/submit/", proc.ProjectSubmitApi.as_view(), name="project-submit"),
    path("projects/<int:pk>/approve/", proc.ProjectApproveApi.as_view(),
         name="project-approve"),
    path("projects/<int:pk>/return/", proc.ProjectReturnApi.as_view(), name="project-return"),
    path("projects/<int:pk>/cancel/", proc.ProjectCancelApi.as_view(), name="project-cancel"),
    path("projects/<int:pk>/announce/", proc.ProjectAnnounceApi.as_view(),
         name="project-announce"),
    path("projects/<int:pk>/retender/", proc.ProjectRetenderApi.as_view(),
         name="project-retender"),
    path("projects/<int:pk>/assistant/", proc.ProjectAssistantApi.as_view(),
         name="project-assistant"),
    path("projects/<int:pk>/clarify/", proc.ProjectClarifyApi.as_view(),
         name="project-clarify"),
    path("projects/<int:pk>/documents/", proc.DocumentsObtainApi.as_view(),
         name="documents-obtain"),
    path("lots/<int:pk>/bids/", proc.BidSubmitApi.as_view(), name="bid-submit"),
    path("lots/<int:pk>/opening/", proc.OpeningApi.as_view(), name="opening"),
    path("lots/<int:pk>/evaluation/", ev.EvaluationApi.as_view(), name="evaluation"),
    path("lots/<int:pk>/committee/", ev.CommitteeDrawApi.as_view(), name="committee-draw"),
    path("lots/<int:pk>/bids/<int:bid_pk>/reviews/", ev.ReviewApi.as_view(),
         name="bid-review"),
    path("lots/<int:pk>/bids/<int:bid_pk>/scores/", ev.ScoreApi.as_view(), name="bid-score"),
    path("lots/<int:pk>/report/", ev.ReportApi.as_view(), name="evaluation-report"),
    path("lots/<int:pk>/award/", ev.AwardApi.as_view(), name="award-confirm"),
    path("awards/<int:pk>/notice.pdf", ev.AwardNoticeApi.as_view(), name="award-notice"),
    path("bids/", proc.BidListApi.as_view(), name="bid-list"),
    path("bids/<int:pk>/", proc.BidDetailApi.as_view(), name="bid-detail"),
    path("bids/<int:pk>/withdraw/", proc.BidWithdrawApi.as_view(), name="bid-withdraw"),
    path("bids/<int:pk>/result/", ev.BidResultApi.as_view(), name="bid-result"),
    path("bids/<int:pk>/queries/", ev.BidQueryListApi.as_view(), name="bid-query-list"),
    path("bids/<int:pk>/queries/<int:query_pk>/answer/", ev.QueryAnswerApi.as_view(),
         name="bid-query-answer"),
    path("lots/<int:pk>/bids/<int:bid_pk>/explanation/", ev.ExplanationRequestApi.as_view(),
         name="explanation-request"),
    path("lots/<int:pk>/queries/<int:query_pk>/decide/", ev.QueryDecideApi.as_view(),
         name="bid-query-decide"),
    path("notices/", proc.NoticeListApi.as_view(), name="notice-list"),
    path("notices/<int:pk>/", proc.NoticeDetailApi.as_view(), name="notice-detail"),
]

# The contracts app keeps its own lists; they sit in this "api" namespace.
urlpatterns += [path("", include("contracts.api_urls"))]
urlpatterns += api_urls_financing.urlpatterns
