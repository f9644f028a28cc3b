"""Sign-in limits count the visitor, not the proxy: X-Forwarded-For is read only when a proxy is trusted.

allauth refuses sign-ins from an address after 10 failures a minute (`login_failed`: 10/m/ip). Behind
nginx every request comes from nginx's address, so the client's own address has to come from the
header nginx appends to; a client can write anything in that header, so only the entries our own
proxies added (the last DJANGO_TRUSTED_PROXY_COUNT) are believed.
"""

import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from tests.security.test_deploy import production_env
from tests.security.world import PASSWORD

WRONG = "not-the-password-0"
TOO_MANY = b"Too many failed login attempts"
IP_LIMIT = 10  # allauth's login_failed per-address limit a minute


def sign_in(email, password, forwarded_for):
    client = Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_X_FORWARDED_FOR=forwarded_for)
    return client.post(reverse("account_login"), {"login": email, "password": password})


def fail_from(forwarded_for, times):
    """Wrong passwords for as many different addresses, so only the per-client count can add up."""
    for n in range(times):
        response = sign_in(f"nobody-{n}@example.kr", WRONG, forwarded_for(n))
        assert TOO_MANY not in response.content


@pytest.mark.django_db
@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_one_clients_failures_do_not_lock_out_another(world):
    fail_from(lambda n: "203.0.113.7", IP_LIMIT)
    assert TOO_MANY in sign_in("nobody-else@example.kr", WRONG, "203.0.113.7").content
    response = sign_in(world.owner.email, PASSWORD, "198.51.100.20")
    assert response.status_code == 302


@pytest.mark.django_db
@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_the_client_cannot_choose_its_address(world):
    """nginx appends the address it saw: a client that writes its own entries first is still counted
    by the last one."""
    fail_from(lambda n: f"192.0.2.{n}, 203.0.113.7", IP_LIMIT)
    response = sign_in(world.owner.email, PASSWORD, "192.0.2.200, 203.0.113.7")
    assert TOO_MANY in response.content
    assert "_auth_user_id" not in response.client.session


@pytest.mark.django_db
@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=0)
def test_without_a_trusted_proxy_a_forged_header_does_not_escape_the_limit(world):
    fail_from(lambda n: f"192.0.2.{n}", IP_LIMIT)
    response = sign_in(world.owner.email, PASSWORD, "192.0.2.200")
    assert TOO_MANY in response.content
    assert "_auth_user_id" not in response.client.session


@pytest.mark.parametrize(("env", "count"), [
    ({}, 0),
    ({"DJANGO_BEHIND_PROXY": "1"}, 1),
    ({"DJANGO_BEHIND_PROXY": "1", "DJANGO_TRUSTED_PROXY_COUNT": "2"}, 2),
    ({"DJANGO_TRUSTED_PROXY_COUNT": "0", "DJANGO_BEHIND_PROXY": "1"}, 0),
])
def test_the_trusted_proxy_count_follows_the_environment(env, count):
    """Production behind a proxy trusts one (nginx) unless told how many; nothing is trusted otherwise."""
    code = "import portal.settings as s; print(s.ALLAUTH_TRUSTED_PROXY_COUNT)"
    done = subprocess.run([sys.executable, "-c", code], env=production_env(**env), cwd=settings.BASE_DIR,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip().splitlines()[-1]) == count
