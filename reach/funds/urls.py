from django.urls import path

from reach.funds import views

app_name = "funds"
urlpatterns = [
    path("", views.fund_list, name="list"),
    path("<int:fund_id>/", views.fund_detail, name="fund"),
    path("<int:fund_id>/donate/", views.donate, name="donate"),
    path("<int:fund_id>/spend/", views.spend, name="spend"),
    path("<int:fund_id>/hand-over/", views.hand_over, name="hand-over"),
    path("<int:fund_id>/reverse/", views.reverse_movement, name="reverse"),
    path("<int:fund_id>/import/", views.import_list, name="import"),
    path("donations/<int:donation_id>/receipt.pdf", views.receipt_pdf, name="receipt-pdf"),
]
