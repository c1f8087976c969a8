from django.urls import path

from . import views

app_name = "churnlab"

urlpatterns = [
    path("features/", views.ChurnFeatureListApi.as_view(), name="feature-list"),
    path("summary/", views.ChurnSummaryApi.as_view(), name="summary"),
    path("forward/", views.ForwardSummaryApi.as_view(), name="forward"),
    path("retention/", views.RetentionApi.as_view(), name="retention"),
    path("data-quality/", views.DataQualityListApi.as_view(), name="data-quality"),
]
