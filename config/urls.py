from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.views import healthz

admin.site.site_header = _("Chunfeng e-Procurement administration")
admin.site.site_title = _("Chunfeng administration")
admin.site.index_title = _("Finance bureau administration")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include(("config.api_urls", "api"))),
    path("audit/", include("audit.urls")),
    path("rules/", include("rules.urls")),
    path("calendar/", include("workdays.urls")),
    path("inbox/", include("notifications.urls")),
    path("deadlines/", include("deadlines.urls")),
    path("contracts/", include("contracts.urls")),
    path("financing/", include("financing.urls")),
    path("", include("disclosure.urls")),
    path("", include("supervision.urls")),
    path("", include("complaints.urls")),
    path("", include("procurement.urls")),
    path("", include("workspaces.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
