"""Write the portal's 503 page as static files, one per language, for nginx to show when gunicorn cannot.

When gunicorn is down or slower than nginx waits, nothing of Django runs: nginx answers from these
files (deploy/nginx/portal.conf, `location @outage`). Run it after `collectstatic` at every release,
so the page links the release's hashed stylesheet and says what the live 503 page says. The portal's
own 503.html is rendered when it exists; until then a plain page in the same words stands in.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.test import RequestFactory
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

TEMPLATE = "503.html"
FALLBACK = """<!DOCTYPE html>
<html lang="{lang}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <link rel="stylesheet" href="{css}">
</head>
<body>
  <main id="main"><div class="container">
    <h1>{title}</h1>
    <p>{body}</p>
    <p><a href="/">{again}</a></p>
  </div></main>
</body>
</html>
"""


class Command(BaseCommand):
    help = "Render the 503 page into <dir>/503.<language>.html (default STATIC_ROOT/outage) for nginx."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=None,
                            help="Folder to write to (default STATIC_ROOT/outage).")

    def handle(self, *args, output, **options):
        folder = output or Path(settings.STATIC_ROOT) / "outage"
        folder.mkdir(parents=True, exist_ok=True)
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                html, source = self.render(code)
            path = folder / f"503.{code}.html"
            path.write_text(html, encoding="utf-8")
            self.stdout.write(f"{path} ({source})")

    def render(self, code):
        try:
            return render_to_string(TEMPLATE, {"retry_after": 30}, request=self.request(code)), TEMPLATE
        except TemplateDoesNotExist:
            return FALLBACK.format(
                lang=code, css=escape(static("css/portal.css")),
                title=escape(_("Service temporarily unavailable")),
                body=escape(_("Please try again in a few minutes.")),
                again=escape(_("Back to the home page")),
            ), "built-in page: there is no 503.html template"

    @staticmethod
    def request(code):
        """An anonymous visitor's request for the home page: what the page shows to anyone."""
        hosts = [h for h in settings.ALLOWED_HOSTS if h and "*" not in h and not h.startswith(".")]
        request = RequestFactory(SERVER_NAME=hosts[0] if hosts else "localhost").get("/", secure=True)
        request.user = AnonymousUser()
        request.LANGUAGE_CODE = code
        return request
