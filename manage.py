#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - load the settings now, to report a missing variable plainly
    except ImproperlyConfigured as error:
        # Django would go on without settings and end in an unrelated traceback (AppRegistryNotReady).
        sys.exit(f"Configuration error: {error}\nFor development, set DJANGO_DEBUG=1 (the Makefile does).")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
