from django.conf import settings
from django.contrib import admin
from django.urls import include, path, register_converter
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from core.api.converters import DatabaseIdConverter
from core.api.root import ApiRootApi
from core.erd import erd_view
from core.teaching.views import workbench
from core.views import dashboard, dictionary, download, download_dump, download_sqlite, home
from minicrm.api import views as minicrm_views

register_converter(DatabaseIdConverter, "id")

urlpatterns = [
    path("", home, name="home"),
    # Pages without our <link rel="icon"> (the admin's) make browsers ask for /favicon.ico.
    path("favicon.ico", RedirectView.as_view(url=settings.STATIC_URL + "favicon.svg", permanent=True)),
    path("dashboards/<slug:domain>/", dashboard, name="dashboard"),
    path("dictionary/<slug:domain>/", dictionary, name="dictionary"),
    path("dictionary/<slug:domain>/erd.svg", erd_view, name="erd"),
    path("workbench/<slug:domain>/", workbench, name="workbench"),
    path("downloads/<slug:domain>-<slug:fmt>.zip", download, name="download"),
    path("downloads/<slug:domain>.sqlite3", download_sqlite, name="download-sqlite"),
    path("downloads/<slug:domain>.<str:kind>", download_dump, name="download-dump"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    path("api/", ApiRootApi.as_view(), name="api-root"),
    path("api/minicrm/", include("minicrm.api.urls")),
    # minicrm's original paths (/api/rfm/..., /api/customers/, /api/orders/) for the original tool's users.
    path("api/", include(("minicrm.api.urls", "minicrm"), namespace="minicrm-original")),
    path("api/dvdrental/", include("dvdrental.api.urls")),
    path("api/hopify/", include("hopify.api.urls")),
    path("api/cardportfolio/", include("cardportfolio.api.urls")),
    path("api/churnlab/", include("churnlab.api.urls")),
    path("api/workbench/", include("core.teaching.urls")),
    # The earlier CRM's health check, kept for its users' monitors.
    path("health/", minicrm_views.HealthApi.as_view(), name="health"),
]
# A path under /api/ that no route matches answers JSON, as the schema documents (core.api.errors.not_found).
handler404 = "core.api.errors.not_found"
