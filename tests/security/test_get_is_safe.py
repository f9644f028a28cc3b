"""A GET changes nothing: for every URL and every persona, no row is added, removed or touched.

"Touched" is checked by a checksum over every column of every table (so an `updated_at`
bumped by a GET shows), sessions aside: a visitor's own session is not the portal's state.
A GET does not sign anybody out either (a link or an <img> must not end a session), with
one declared exception.
"""

import pytest

from tests.security.conftest import assert_nothing_changed, snapshot
from tests.security.urlmap import all_routes, concrete_url
from tests.security.world import PERSONAS

pytestmark = pytest.mark.django_db

# allauth ends the current session when a password-reset link, or an email-confirmation link
# for somebody else's address, is opened: what follows then applies to the account the link
# was for, not to whoever happened to be signed in. Nothing else may sign out on a GET.
SIGNS_OUT_ON_GET = {"account_reset_password_from_key", "account_confirm_email"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_get_changes_nothing(persona, world, client_for):
    client = client_for(persona)
    person = world.person(persona)
    urls = [(route.key, concrete_url(route, world)) for route in all_routes()]
    before = snapshot()
    errors = []
    for key, url in urls:
        response = client.get(url)
        if response.status_code >= 500:
            errors.append(f"{key} {url}: {response.status_code}")
        if person is not None and client.session.get("_auth_user_id") != str(person.pk):
            if key not in SIGNS_OUT_ON_GET:
                errors.append(f"{key} {url}: a GET signed {persona} out")
            client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
            before = snapshot()  # signing in again writes last_login
    assert not errors, "\n".join(errors)
    steps = [(f"GET {url} ({key}) as {persona}", lambda u=url: client.get(u)) for key, url in urls]
    assert_nothing_changed(before, steps, f"GETs as {persona}")
