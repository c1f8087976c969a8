from django.urls import path

from . import views

app_name = "minicrm"

urlpatterns = [
    path("rfm/", views.RFMScoreListApi.as_view(), name="rfm-list"),
    path("rfm/by-segment/", views.RFMSegmentSummaryApi.as_view(), name="rfm-by-segment"),
    path("rfm/persona-segments/", views.RFMPersonaSegmentsApi.as_view(), name="rfm-persona-segments"),
    path("rfm/statistics/", views.RFMStatisticsApi.as_view(), name="rfm-statistics"),
    path("rfm/calculate/", views.RFMCalculateApi.as_view(), name="rfm-calculate"),
    path("rfm/<id:customer_id>/", views.RFMScoreDetailApi.as_view(), name="rfm-detail"),
    path("customers/", views.CustomerListApi.as_view(), name="customer-list"),
    path("customers/<id:pk>/", views.CustomerDetailApi.as_view(), name="customer-detail"),
    path("products/", views.ProductListApi.as_view(), name="product-list"),
    path("products/<id:pk>/", views.ProductDetailApi.as_view(), name="product-detail"),
    path("orders/", views.OrderListApi.as_view(), name="order-list"),
    path("orders/<id:pk>/", views.OrderDetailApi.as_view(), name="order-detail"),
]
