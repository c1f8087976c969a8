from django.urls import path

from . import views

app_name = "hopify"

urlpatterns = [
    path("kpis/", views.KpiListApi.as_view(), name="kpi-list"),
    path("mrr/", views.MrrSeriesApi.as_view(), name="mrr-series"),
    path("cohorts/", views.CohortRetentionApi.as_view(), name="cohort-retention"),
    path("funnel/", views.FunnelListApi.as_view(), name="funnel"),
    path("customers/", views.CustomerListApi.as_view(), name="customer-list"),
    path("subscriptions/", views.SubscriptionListApi.as_view(), name="subscription-list"),
    path("orders/", views.OrderListApi.as_view(), name="order-list"),
    path("churn-events/", views.ChurnEventListApi.as_view(), name="churn-event-list"),
    path("tickets/", views.SupportTicketListApi.as_view(), name="ticket-list"),
    path("campaigns/", views.MarketingCampaignListApi.as_view(), name="campaign-list"),
]
