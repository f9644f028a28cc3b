from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    default = True
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from portal.files import upload_temp_dir

        # Django streams big uploads into it and fails the request if it is missing.
        upload_temp_dir()


class PortalAdminConfig(admin_apps.AdminConfig):
    """The Django admin, served by our site that insists on MFA for staff."""

    default = False
    default_site = "portal.admin.PortalAdminSite"
