from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("register/", views.register, name="register"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("<int:pk>/tier-proof/", views.tier_proof, name="tier-proof"),
    path("certificates/<int:pk>/", views.certificate_file, name="certificate-file"),
]
