from django.urls import path

from reach.payments import views

app_name = "payments"
urlpatterns = [
    path("new/", views.payment_new, name="payment-new"),
    path("import/", views.payment_import, name="payment-import"),
    path("import/<int:payment_batch_id>/", views.payment_import_batch, name="payment-import-batch"),
    path("lists/", views.payment_list, name="payment-list"),
    path("budget/", views.budget, name="budget"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("coverage/", views.coverage, name="coverage"),
]
