"""No open redirects: a `next` pointing at another site never sends anybody there.

Every URL of the configuration is opened with hostile `next` values by visitors in each
state the sign-in pages care about; any redirect must stay on this site.
"""

from urllib.parse import urlencode, urlsplit

import pytest
from django.urls import reverse

from tests.security.urlmap import all_routes, concrete_url
from tests.security.world import PASSWORD

pytestmark = pytest.mark.django_db

ELSEWHERE = ["https://evil.example/phish", "//evil.example/phish", "/\\evil.example/phish", "https:evil.example"]
SWEEP = ELSEWHERE[1:2]  # every URL gets the one that slips past a "starts with /" check; sign-in pages get all


SIGN_IN_PAGES = {"admin:login", "account_login", "account_logout", "mfa_authenticate", "mfa_activate_totp",
                 "account_reauthenticate", "set_language", "switch-language"}


def offsite(location):
    parts = urlsplit(location.replace("\\", "/"))
    return bool(parts.netloc and parts.netloc != "testserver") or parts.scheme not in ("", "http", "https")


@pytest.mark.parametrize("persona", ["anonymous", "owner", "staff_no_mfa", "superuser"])
def test_no_url_redirects_off_site_on_a_hostile_next(persona, world, client_for):
    client = client_for(persona, raise_request_exception=False)
    person = world.person(persona)
    problems = []
    for route in all_routes():
        url = concrete_url(route, world)
        for target in ELSEWHERE if route.key in SIGN_IN_PAGES else SWEEP:
            response = client.get(f"{url}?{urlencode({'next': target})}")
            if response.status_code in (301, 302, 303, 307, 308) and offsite(response["Location"]):
                problems.append(f"GET {url}?next={target} as {persona} -> {response['Location']}")
            if response.status_code >= 500:
                problems.append(f"GET {url}?next={target} as {persona}: {response.status_code}")
            if person is not None and "_auth_user_id" not in client.session:
                client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("target", ELSEWHERE)
def test_signing_in_and_switching_language_stay_on_site(target, world, client):
    response = client.post(
        reverse("account_login"), {"login": world.owner.email, "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302 and not offsite(response["Location"]), response["Location"]
    response = client.post(reverse("set_language"), {"language": "en", "next": target})
    assert response.status_code == 302 and not offsite(response["Location"]), response["Location"]
    response = client.get(reverse("switch-language"), {"language": "en", "next": target})
    assert response.status_code == 302 and not offsite(response["Location"]), response["Location"]


def test_the_check_sees_an_off_site_location():
    assert offsite("https://evil.example/x") and offsite("//evil.example/x") and offsite("javascript:alert(1)")
    assert not offsite("/admin/") and not offsite("http://testserver/admin/")
