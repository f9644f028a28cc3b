from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    default = True
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from portal import derived  # noqa: F401 (queues the derived values' recount on every change)
        from portal.db import search  # noqa: F401 (registers the `search` lookup on CharField)
        from portal.files import upload_temp_dir

        # Django streams big uploads into it and fails the request if it is missing.
        upload_temp_dir()
        _name_third_party_models()


def _name_third_party_models():
    """Translatable names for the admin's sections that come from packages.

    allauth's Authenticator and its fields have no verbose names (the admin shows "authenticator",
    "type", "created at", which no catalog can translate) and django_tasks_db names its app with a
    plain string. Names set here are not part of the migration state (that reads the model's own Meta
    and the field's own arguments), so no migration follows.
    """
    from allauth.mfa.models import Authenticator
    from django.apps import apps

    Authenticator._meta.verbose_name = _("authenticator")
    Authenticator._meta.verbose_name_plural = _("authenticators")
    for field, label in (("user", _("user")), ("type", _("type")), ("created_at", _("set up at")),
                         ("last_used_at", _("last used at"))):
        Authenticator._meta.get_field(field).verbose_name = label
    apps.get_app_config("django_tasks_database").verbose_name = _("Background task results")


class PortalAdminConfig(admin_apps.AdminConfig):
    """The Django admin, served by our site that insists on MFA for staff."""

    default = False
    default_site = "portal.admin.PortalAdminSite"
