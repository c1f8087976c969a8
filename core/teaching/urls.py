from django.urls import path

from core.teaching.views import CheckView, QueryView

app_name = "workbench-api"

urlpatterns = [
    path("<slug:domain>/query/", QueryView.as_view(), name="query"),
    path("<slug:domain>/check/", CheckView.as_view(), name="check"),
]
