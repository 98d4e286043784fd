from django.urls import path

from reach.crosscheck import views

app_name = "crosscheck"
urlpatterns = [
    path("", views.history, name="history"),
    path("upload/", views.upload, name="upload"),
    path("<int:check_id>/", views.run_detail, name="run"),
    path("<int:check_id>/compare/", views.compare, name="compare"),
    path("<int:check_id>/<str:list_key>.xlsx", views.export_list, name="export"),
]
