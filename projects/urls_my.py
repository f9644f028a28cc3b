from django.urls import path

from projects import views_my as views

app_name = "my-proposals"

urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("requests/", views.partner_requests, name="requests"),
    path("organizations/", views.organization_search, name="organization-search"),
    path("new/<int:call_pk>/", views.proposal_create, name="create"),
    path("<int:pk>/", views.proposal_detail, name="detail"),
    path("<int:pk>/edit/", views.proposal_edit, name="edit"),
    path("<int:pk>/submit/", views.proposal_submit, name="submit"),
    path("<int:pk>/withdraw/", views.proposal_withdraw, name="withdraw"),
    path("<int:pk>/messages/", views.proposal_messages, name="messages"),
    path("<int:pk>/messages/<int:message_pk>/attachment/", views.message_attachment, name="message-attachment"),
    path("<int:pk>/part/", views.participation_edit, name="part"),
    path("<int:pk>/part/messages/", views.participation_messages, name="part-messages"),
    path("<int:pk>/part/accept/", views.participation_accept, name="part-accept"),
    path("<int:pk>/part/decline/", views.participation_decline, name="part-decline"),
    path("<int:pk>/part/withdraw/", views.participation_withdraw, name="part-withdraw"),
    path("<int:pk>/document/", views.proposal_document, name="document"),
    path("<int:pk>/submissions/", views.submission_list, name="submissions"),
    path("<int:pk>/submissions/<int:number>/", views.submission_detail, name="submission"),
    path("<int:pk>/submissions/<int:number>/files/<int:position>/", views.submission_file, name="submission-file"),
    path("<int:pk>/annexes/", views.annex_add, name="annex-add"),
    path("<int:pk>/annexes/<int:annex_pk>/", views.annex_download, name="annex"),
    path("<int:pk>/annexes/<int:annex_pk>/delete/", views.annex_delete, name="annex-delete"),
    # Review by panels (issue 16): 기피 before the evaluation, 이의신청 after the decision.
    path("<int:pk>/challenge/", views.proposal_challenge, name="challenge"),
    path("<int:pk>/objection/", views.proposal_objection, name="objection"),
    path("<int:pk>/objection/document/", views.objection_document, name="objection-document"),
]
