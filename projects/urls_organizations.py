"""A member's public page, at /members/<id>/: served by projects (it lists the member's lead projects), beside
members' own /members/ pages. No pattern of members.urls is a bare id, so neither include shadows the other."""

from django.urls import path

from projects import views

app_name = "organizations"

urlpatterns = [
    path("<int:pk>/", views.organization_detail, name="detail"),
]
