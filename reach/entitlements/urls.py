from django.urls import path

from reach.entitlements import notice_views, views, workflow_views

app_name = "entitlements"
urlpatterns = [
    path("runs/", views.run_list, name="run-list"),
    path("runs/start/", views.run_start, name="run-start"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("runs/<int:run_id>/progress/", views.run_progress, name="run-progress"),
    path("runs/<int:run_id>/retry/", views.run_retry, name="run-retry"),
    path("runs/<int:run_id>/submit/", workflow_views.run_submit, name="run-submit"),
    path("runs/<int:run_id>/approve/", workflow_views.run_approve, name="run-approve"),
    path("runs/<int:run_id>/return/", workflow_views.run_return, name="run-return"),
    path("runs/<int:run_id>/publish/", workflow_views.run_publish, name="run-publish"),
    path("runs/<int:run_id>/close/", workflow_views.run_close, name="run-close"),
    path("runs/<int:run_id>/correct/", views.run_correct, name="run-correct"),
    path("runs/<int:run_id>/notice/", notice_views.run_notice, name="run-notice"),
    path("runs/<int:run_id>/notice.xlsx", notice_views.run_notice_xlsx, name="run-notice-xlsx"),
    path("runs/<int:run_id>/notice.pdf", notice_views.run_notice_pdf, name="run-notice-pdf"),
    path("runs/<int:run_id>/objections/", notice_views.objection_record, name="objection-record"),
    path(
        "objections/<int:objection_id>/uphold/",
        notice_views.objection_uphold,
        name="objection-uphold",
    ),
    path(
        "objections/<int:objection_id>/dismiss/",
        notice_views.objection_dismiss,
        name="objection-dismiss",
    ),
    path(
        "persons/<int:person_id>/entitlements/",
        views.person_entitlements,
        name="person-entitlements",
    ),
    path("persons/<int:person_id>/why/<int:school_year>/", views.person_why, name="person-why"),
]
