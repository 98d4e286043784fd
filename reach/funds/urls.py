from django.urls import path

from reach.funds import sponsorship_views, views, views_matching, views_reports, views_rounds

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
    # --- reports ---
    path("<int:fund_id>/report/", views_reports.fund_report, name="report"),
    path("<int:fund_id>/report.xlsx", views_reports.fund_report_xlsx, name="report-xlsx"),
    path("<int:fund_id>/report.pdf", views_reports.fund_report_pdf, name="report-pdf"),
    path(
        "<int:fund_id>/hand-over-list.pdf",
        views_reports.hand_over_list_pdf,
        name="hand-over-list-pdf",
    ),
    path(
        "<int:fund_id>/scholarship-share/",
        views_reports.scholarship_share_page,
        name="scholarship-share",
    ),
    # --- rounds ---
    path("rounds/", views_rounds.round_list, name="rounds"),
    path("<int:fund_id>/rounds/new/", views_rounds.round_create, name="round-create"),
    path("rounds/<int:round_id>/", views_rounds.round_detail, name="round"),
    path("rounds/<int:round_id>/notice/", views_rounds.round_notice, name="round-notice"),
    path(
        "rounds/<int:round_id>/notice.xlsx",
        views_rounds.round_notice_xlsx,
        name="round-notice-xlsx",
    ),
    path(
        "rounds/<int:round_id>/notice.pdf", views_rounds.round_notice_pdf, name="round-notice-pdf"
    ),
    path("rounds/<int:round_id>/objections/", views_rounds.round_objection, name="round-objection"),
    path(
        "rounds/<int:round_id>/objections/resolve/",
        views_rounds.round_objection_resolve,
        name="round-objection-resolve",
    ),
    path("rounds/<int:round_id>/draw/", views_rounds.round_draw, name="round-draw"),
    path("rounds/<int:round_id>/nominate/", views_rounds.round_nominate, name="round-nominate"),
    path("rounds/<int:round_id>/submit/", views_rounds.round_submit, name="round-submit"),
    path("rounds/<int:round_id>/approve/", views_rounds.round_approve, name="round-approve"),
    path("rounds/<int:round_id>/return/", views_rounds.round_return, name="round-return"),
    path("rounds/<int:round_id>/publish/", views_rounds.round_publish, name="round-publish"),
    path("rounds/<int:round_id>/award/", views_rounds.round_award, name="round-award"),
    # --- matching and goods by item ---
    path("<int:fund_id>/matching/", views_matching.matching, name="matching"),
    path(
        "<int:fund_id>/matching/hand-over/",
        views_matching.matching_hand_over,
        name="matching-hand-over",
    ),
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
