from django.urls import path

from spread import views_my as views

app_name = "my-sites"

urlpatterns = [
    path("", views.site_list, name="list"),
    path("new/", views.site_create, name="create"),
    path("<int:pk>/", views.site_edit, name="edit"),
    path("<int:pk>/evidence/", views.site_evidence, name="evidence"),
]
