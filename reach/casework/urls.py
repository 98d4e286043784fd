from django.urls import path

from reach.casework import campaign_views, views

app_name = "casework"
urlpatterns = [
    path("", views.board, name="board"),
    path("follow-up/", views.follow_up, name="follow-up"),
    path("open/", views.open_case, name="open"),
    path("open-from-lists/", views.open_from_lists, name="open-from-lists"),
    path("export.xlsx", views.export_cases, name="export"),
    path("<int:case_id>/", views.case_detail, name="case"),
    path("<int:case_id>/visit/", views.record_visit, name="visit"),
    path("<int:case_id>/action/", views.record_action, name="action"),
    path("<int:case_id>/close/", views.close_case, name="close"),
    path("<int:case_id>/reopen/", views.reopen_case, name="reopen"),
    path("<int:case_id>/assign/", views.assign_case, name="assign"),
    path("work-groups/", views.work_groups, name="work-groups"),
    path("work-groups/<int:group_id>/", views.work_group_detail, name="work-group"),
    path("campaigns/", campaign_views.campaigns, name="campaigns"),
    path("campaigns/<int:campaign_id>/", campaign_views.campaign_detail, name="campaign"),
]
