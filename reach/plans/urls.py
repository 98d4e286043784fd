from django.urls import path

from reach.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="plan-list"),
    path("new/", views.create_plan, name="plan-new"),
    path("overdue/", views.overdue, name="overdue"),
    path("mine/", views.my_tasks, name="mine"),
    path("<int:plan_id>/", views.plan_detail, name="plan"),
    path("<int:plan_id>/timeline/", views.plan_timeline, name="timeline"),
    path("<int:plan_id>/import/", views.import_tasks, name="import-upload"),
    path("imports/<int:import_id>/", views.import_preview, name="import"),
    path("imports/<int:import_id>/commit/", views.commit_import, name="import-commit"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("tasks/<int:task_id>/update/", views.update_task, name="task-update"),
    path("<int:plan_id>/targets/new/", views.create_target, name="target-new"),
    path("targets/<int:target_id>/", views.target_detail, name="target"),
    path("targets/<int:target_id>/change/", views.change_target, name="target-change"),
    path("targets/<int:target_id>/persons/", views.target_persons, name="target-persons"),
    path("targets/<int:target_id>/pdf/", views.target_pdf, name="target-pdf"),
    path("targets/<int:target_id>/chart/", views.target_chart, name="target-chart"),
    path("updates/<int:update_id>/evidence/", views.evidence, name="evidence"),
]
