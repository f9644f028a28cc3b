from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("accounts/consents/", views.account_consents, name="consents"),
    path("accounts/consents/renew/", views.renew, name="renew"),
    path("policies/<slug:kind>/", views.policy, name="policy"),
    path("policies/<slug:kind>/<int:number>/", views.policy_version, name="policy-version"),
]
