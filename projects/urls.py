from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("", views.call_list, name="call-list"),
    path("calls/<int:pk>/", views.call_detail, name="call-detail"),
    path("<int:pk>/", views.project_detail, name="project-detail"),
]
