"""SQL-looking, very long, NUL and odd Unicode input in every search and filter parameter.

The parameters are read from the pages themselves: the fields of each list's GET form and
the query-string keys of its links (the admin's filters, ordering and pages). Each hostile
value must give a clean answer (200, a redirect, or 400), never a server error, never a
database message, and never more rows than an honest search would find.
"""

import html
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tests.security.test_xss import MarkupCensus

pytestmark = pytest.mark.django_db

HOSTILE = {
    "sql": "' OR 1=1 --",
    "sql-union": '" UNION SELECT email, password FROM members_user --',
    "long": "가" * 5_000 + "x" * 5_000,
    "nul": "abc\x00def",
    "unicode": "한글 검색 😀 \u202eevil\u202c e\u0301 ＜script＞",
    "wildcards": "%_\\%",
    "markup": '"><script>alert("xss")</script>',
    "number": "99999999999999999999999",
    "last-year": "9999",
    "longish": "x" * 1_000,
}
# Per admin parameter, the values that can break it: text for the search, anything for a filter,
# numbers out of range for the date_hierarchy parts.
ADMIN_HOSTILE = {"q": ("sql", "long", "nul", "unicode", "markup")}
# (a filter value is repeated in every filter link of the page: 1,000 characters make the point there,
# 10,000 only make the page slow to build)
ADMIN_HOSTILE_DEFAULT = ("sql", "longish", "nul")
DATE_PART_HOSTILE = ("number", "last-year", "sql")
LEAKS = ("Traceback", "OperationalError", "ProgrammingError", "DataError", "IntegrityError", "psycopg",
         "sqlite3", "SELECT ", "NUL (0x00)")


class QueryParams(HTMLParser):
    """Names of the GET form fields and of the query-string keys of the links on a page."""

    def __init__(self, html):
        super().__init__()
        self.names = set()
        self._get_form = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._get_form = (attrs.get("method") or "get").lower() == "get"
        elif tag in ("input", "select", "textarea") and self._get_form and attrs.get("name"):
            if attrs.get("type") not in ("submit", "hidden") or attrs["name"] not in ("csrfmiddlewaretoken",):
                self.names.add(attrs["name"])
        elif tag == "a" and attrs.get("href", "").startswith("?"):
            self.names.update(key for key, _value in parse_qsl(urlsplit(attrs["href"]).query, keep_blank_values=True))

    def handle_endtag(self, tag):
        if tag == "form":
            self._get_form = False


def parameters(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    names = QueryParams(response.content.decode()).names - {"csrfmiddlewaretoken", "_changelist_filters"}
    return sorted(names | {"page"} if not url.startswith("/admin/") else names | {"q", "o", "p"})


def check(client, url, param, value, problems):
    full = f"{url}?{urlencode({param: value})}"
    response = client.get(full)
    label = f"{url}?{param}={value[:20]!r}"
    if response.status_code not in (200, 301, 302, 400):
        problems.append(f"{label}: {response.status_code}")
        return None
    body = response.content.decode(errors="replace")
    # (the page may repeat the input itself, which is not a leak)
    echoed = body.replace(html.escape(value), "").replace(html.escape(value, quote=False), "")
    leaked = [word for word in LEAKS if word in echoed and word not in value]
    if leaked:
        problems.append(f"{label}: the page shows {leaked}")
    census = MarkupCensus(body)
    if census.scripts or ("script", "src") not in census.attrs and census.tags["script"]:
        problems.append(f"{label}: a script element came from the input")
    return body


PUBLIC_LISTS = ["/members/", "/news/", "/projects/"]


@pytest.mark.parametrize("url", PUBLIC_LISTS)
def test_public_lists_take_hostile_input_in_every_parameter(url, world, client_for):
    client = client_for("anonymous", raise_request_exception=False)
    params = parameters(client, url)
    assert len(params) >= 2 or url == "/projects/", f"{url}: found only {params}"
    problems = []
    for param in params:
        for value in HOSTILE.values():
            body = check(client, url, param, value, problems)
            if body is not None and param == "q" and value.startswith(("'", '"')):
                for name in (world.org_a.name, world.org_b.name, world.article.title):
                    if name in body and url in ("/members/", "/news/"):
                        problems.append(f"{url}?q={value!r} found {name!r}: the search was not a plain search")
    assert not problems, "\n".join(problems)


def test_admin_changelists_take_hostile_input_in_search_filters_ordering_and_pages(world, client_for):
    client = client_for("superuser", raise_request_exception=False)  # count server errors, do not stop at one
    problems = []
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        params = parameters(client, url)
        if model_admin.date_hierarchy:
            params += [f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")]
        for param in params:
            values = DATE_PART_HOSTILE if param.endswith(("__year", "__month", "__day")) else ADMIN_HOSTILE.get(
                param, ADMIN_HOSTILE_DEFAULT
            )
            for key in values:
                check(client, url, param, HOSTILE[key], problems)
    assert not problems, "\n".join(problems)


def test_hostile_login_and_signup_input_is_refused_cleanly(world):
    client = Client()
    problems = []
    for value in HOSTILE.values():
        for url, data in (
            (reverse("account_login"), {"login": value, "password": value}),
            (reverse("account_signup"), {"email": value, "password1": value, "password2": value}),
            (reverse("account_reset_password"), {"email": value}),
        ):
            response = client.post(url, data)
            if response.status_code not in (200, 302, 400, 429):
                problems.append(f"POST {url} with {value[:20]!r}: {response.status_code}")
            elif any(word in response.content.decode() and word not in value for word in LEAKS):
                problems.append(f"POST {url} with {value[:20]!r}: leaks")
    assert not problems, "\n".join(problems)


def test_the_admin_answers_400_to_queries_django_would_crash_on(world, client_for):
    """portal/admin.py refuses a NUL byte (PostgreSQL: 500) and an out-of-range date_hierarchy year
    (a 500 in Django 5.2) before the changelist sees them; visitors without access still go to login."""
    staff = client_for("superuser")
    for query in ("status__exact=%00", "created_at__year=9999", "created_at__year=99999999999999999999",
                  "created_at__month=13", "q=a%00b"):
        assert staff.get(f"/admin/members/organization/?{query}").status_code == 400, query
    assert staff.get("/admin/members/organization/?created_at__year=2026").status_code == 200
    response = client_for("anonymous").get("/admin/members/organization/?status__exact=%00")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_every_admin_page_takes_an_unknown_or_hostile_parameter_without_a_server_error(world, client_for):
    """Not only changelists: exports, previews, scoring pages and the rest, with a parameter they do not know."""
    from tests.security.urlmap import all_routes, concrete_url

    client = client_for("superuser", raise_request_exception=False)
    problems = []
    query = urlencode({"no_such_filter": "1", "q": HOSTILE["sql"], "o": HOSTILE["longish"][:300], "_popup": "x"})
    for route in all_routes():
        # (changelists had their own test above; the admin's sign-out would end the session)
        if not route.is_admin or route.key == "admin:logout" or route.view.endswith("changelist_view"):
            continue
        url = concrete_url(route, world)
        response = client.get(f"{url}?{query}")
        if response.status_code >= 500:
            problems.append(f"GET {url}?{query[:40]}: {response.status_code}")
    assert not problems, "\n".join(problems)
