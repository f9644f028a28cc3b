from django.urls import path

from spread import views

app_name = "spread"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<int:pk>/", views.model_detail, name="detail"),
    path("documents/<int:pk>/", views.document, name="document"),
]
