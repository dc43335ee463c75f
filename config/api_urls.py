from django.urls import include, path

from accounts import apis as accounts_apis
from audit import apis as audit_apis
from audit.apis_anchors import AuditAnchorListApi
from deadlines import apis as deadline_apis
from financing import api_urls as financing_api_urls
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
    # Procurement: budgets to the award (procurement/api_urls.py).
    path("", include("procurement.api_urls")),
]

# The contracts app keeps its own lists; they sit in this "api" namespace.
urlpatterns += [path("", include("contracts.api_urls"))]
urlpatterns += financing_api_urls.urlpatterns
urlpatterns += [path("", include("complaints.api_urls"))]
urlpatterns += [path("", include("disclosure.api_urls"))]
urlpatterns += [path("", include("supervision.api_urls"))]
