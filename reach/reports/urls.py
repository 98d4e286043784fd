from django.urls import path

from reach.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("open/", views.open_report, name="open"),
    path("board/", views.board, name="board"),
    path("dhis2/", views.dhis2_export, name="dhis2"),
    path("<int:report_id>/", views.report_detail, name="report"),
    path("<int:report_id>/narrative/", views.save_narrative, name="narrative"),
    path("<int:report_id>/accept/", views.accept_report, name="accept"),
    path("<int:report_id>/return/", views.return_report, name="return"),
    path("<int:report_id>/pdf/", views.report_pdf_view, name="pdf"),
    path("<int:report_id>/xlsx/", views.report_xlsx_view, name="xlsx"),
]
