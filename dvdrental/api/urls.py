from django.urls import path

from . import views

app_name = "dvdrental"

urlpatterns = [
    path("films/", views.FilmListApi.as_view(), name="film-list"),
    path("films/<id:pk>/", views.FilmDetailApi.as_view(), name="film-detail"),
    path("customers/", views.CustomerListApi.as_view(), name="customer-list"),
    path("customers/<id:pk>/", views.CustomerDetailApi.as_view(), name="customer-detail"),
    path("rentals/", views.RentalListApi.as_view(), name="rental-list"),
    path("late-fees/", views.LateFeeListApi.as_view(), name="late-fee-list"),
    path("weekly-volume/", views.WeeklyVolumeApi.as_view(), name="weekly-volume"),
    path("top-films/", views.TopFilmsApi.as_view(), name="top-films"),
    path("store-revenue/", views.StoreRevenueApi.as_view(), name="store-revenue"),
    path("yearly-performance/", views.YearlyPerformanceApi.as_view(), name="yearly-performance"),
    path("phases/", views.PhasesApi.as_view(), name="phases"),
    path("ar-aging/", views.ARAgingApi.as_view(), name="ar-aging"),
    path("customer-segments/", views.CustomerSegmentsApi.as_view(), name="customer-segments"),
    path("inventory-status/", views.InventoryStatusApi.as_view(), name="inventory-status"),
]
