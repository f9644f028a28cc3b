from django.urls import path

from members import views_my as views

app_name = "my"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("edit/", views.edit, name="edit"),
    path("certificate/", views.certificate, name="certificate"),
    path("changes/<int:pk>/withdraw/", views.change_request_withdraw, name="change-request-withdraw"),
    path("resubmit/", views.resubmit, name="resubmit"),
    path("public-page/", views.public_page, name="public-page"),
    path("invitations/", views.invite, name="invite"),
    path("invitations/<int:pk>/withdraw/", views.invitation_revoke, name="invitation-revoke"),
    path("people/<int:pk>/role/", views.person_role, name="person-role"),
    path("people/<int:pk>/remove/", views.person_remove, name="person-remove"),
    path("leave/", views.leave, name="leave"),
]
