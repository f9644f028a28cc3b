from django.urls import path

from delivery import views_my as views

app_name = "my-projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/reports/<int:report_pk>/", views.report_detail, name="report"),
    path("<int:pk>/reports/<int:report_pk>/contribution/", views.report_contribution, name="report-contribution"),
    path("<int:pk>/reports/<int:report_pk>/document/", views.report_document, name="report-document"),
]
