from django.urls import path

from privacy import views, views_rights

app_name = "privacy"

urlpatterns = [
    path("accounts/consents/", views.account_consents, name="consents"),
    path("accounts/consents/renew/", views.renew, name="renew"),
    path("accounts/data/", views_rights.my_data, name="data"),
    path("accounts/data/<str:token>/", views_rights.export_download, name="export-download"),
    path("accounts/delete/", views_rights.account_delete, name="delete"),
    path("accounts/dormant/", views_rights.dormant, name="dormant"),
    path("accounts/dormant/<str:token>/", views_rights.dormant_restore, name="dormant-restore"),
    path("policies/<slug:kind>/", views.policy, name="policy"),
    path("policies/<slug:kind>/<int:number>/", views.policy_version, name="policy-version"),
]
