from django.urls import path

from reach.funds import sponsorship_views, views

app_name = "funds"
urlpatterns = [
    path("", views.fund_list, name="list"),
    path("new/", sponsorship_views.fund_create, name="new"),
    path("<int:fund_id>/", views.fund_detail, name="fund"),
    path("<int:fund_id>/donate/", views.donate, name="donate"),
    path("<int:fund_id>/spend/", views.spend, name="spend"),
    path("<int:fund_id>/hand-over/", views.hand_over, name="hand-over"),
    path("<int:fund_id>/reverse/", views.reverse_movement, name="reverse"),
    path("<int:fund_id>/import/", views.import_list, name="import"),
    path("donations/<int:donation_id>/receipt.pdf", views.receipt_pdf, name="receipt-pdf"),
    # --- sponsorships ---
    path(
        "<int:fund_id>/restrictions/new/",
        sponsorship_views.restriction_create,
        name="restriction-new",
    ),
    path("sponsorships/", sponsorship_views.sponsorship_list, name="sponsorships"),
    path(
        "<int:fund_id>/sponsorships/new/",
        sponsorship_views.sponsorship_create,
        name="sponsorship-new",
    ),
    path(
        "sponsorships/<int:sponsorship_id>/",
        sponsorship_views.sponsorship_detail,
        name="sponsorship",
    ),
    path(
        "sponsorships/<int:sponsorship_id>/pay/",
        sponsorship_views.sponsorship_pay,
        name="sponsorship-pay",
    ),
    path(
        "sponsorships/<int:sponsorship_id>/attach/",
        sponsorship_views.sponsorship_attach,
        name="sponsorship-attach",
    ),
    path(
        "sponsorships/<int:sponsorship_id>/propose/",
        sponsorship_views.sponsorship_propose,
        name="sponsorship-propose",
    ),
    path(
        "sponsorships/<int:sponsorship_id>/statement.pdf",
        sponsorship_views.sponsorship_statement_pdf,
        name="sponsorship-statement-pdf",
    ),
    path(
        "sponsorships/<int:sponsorship_id>/letter.pdf",
        sponsorship_views.sponsorship_letter_pdf,
        name="sponsorship-letter-pdf",
    ),
    path(
        "donors/<int:donor_id>/statement.pdf",
        sponsorship_views.donor_statement_pdf,
        name="donor-statement-pdf",
    ),
]
