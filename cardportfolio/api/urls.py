from django.urls import path

from . import views

app_name = "cardportfolio"

urlpatterns = [
    path("customers/", views.CustomerListApi.as_view(), name="customer-list"),
    path("customers/<str:pk>/", views.CustomerDetailApi.as_view(), name="customer-detail"),
    path("transactions/", views.TransactionListApi.as_view(), name="transaction-list"),
    path("segments/", views.SegmentSummaryApi.as_view(), name="segments"),
    path("monthly-spend/", views.MonthlySpendApi.as_view(), name="monthly-spend"),
    path("observed-segments/", views.ObservedSegmentsApi.as_view(), name="observed-segments"),
]
