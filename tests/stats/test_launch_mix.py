"""The launch mix is the alliance's data (stats' targets): one staff edit shows on every page that quotes it."""

import pytest
from django.urls import reverse

from members.models import Organization
from stats.models import Target
from tests.background import run_tasks

pytestmark = pytest.mark.django_db


def test_the_launch_mix_is_read_from_the_targets_by_group():
    assert Target.objects.launch_mix() == {"large": 21, "midsize": 23, "sme": 56}
    assert list(Target.objects.launch_mix()) == list(Organization.COMPANY_GROUPS)


def test_a_staff_edit_of_the_launch_mix_shows_on_the_home_page_the_directory_and_the_dashboard(
        client, settings, django_capture_on_commit_callbacks):
    settings.LANGUAGE_CODE = "en"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    pages = ("/", reverse("members:directory"), reverse("stats:dashboard"))
    for url in pages:  # warm the page cache first: the edit must make every copy stale
        assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        for key, value in (("launch-mix-large", 19), ("launch-mix-midsize", 27), ("launch-mix-sme", 54)):
            target = Target.objects.get(key=key)
            target.value = value
            target.save()
    assert run_tasks() == 1  # one recount queued for the three saves, run by the worker
    home, directory, dashboard = (client.get(url).content.decode() for url in pages)
    assert "19% are large enterprises, 27% mid-sized enterprises and 54% small" in home
    assert all(f'<td class="num">{value}%</td></tr>' in directory for value in (19, 27, 54))
    assert all(f"At launch {value}" in dashboard for value in (19, 27, 54))
