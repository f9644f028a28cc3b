"""Fixtures shared by the whole suite: the basic personas (built by tests.personas) and a real browser."""

import os
import shutil
from pathlib import Path

import pytest

from tests import personas

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@pytest.fixture(autouse=True)
def _force_login_is_a_fresh_confirmed_sign_in(monkeypatch):
    """`client.force_login(...)` stands for a person who has just signed in and confirmed who they are (allauth's
    re-authentication record in the session), so the steps that ask again (portal.reauth) go through. Tests about
    being asked sign in with `client.login(...)` (no record) or age the record (personas.confirm_identity)."""
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        personas.confirm_identity(self)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def make_user(db):
    """A verified user who can sign in with email and password 'pw-for-tests-1'."""
    return personas.user


@pytest.fixture
def staff_user(db):
    return personas.staff("staff@example.com", mfa=False)


@pytest.fixture
def staff_with_mfa(staff_user):
    personas.activate_totp(staff_user)
    return staff_user


def _browser_available():
    return os.path.exists("/usr/bin/chromium") and os.path.exists("/usr/bin/chromedriver")


def pytest_collection_modifyitems(config, items):
    """Browser tests run when Chromium is here; in CI its absence is a failure, not a skip."""
    if _browser_available() or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason="Chromium missing: apt-get install -y chromium chromium-driver fonts-nanum")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.stash.setdefault(_report_key, {})[report.when] = report


_report_key = pytest.StashKey[dict]()


def _new_driver(width, height):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in (
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", f"--window-size={width},{height}", "--lang=ko-KR",
    ):
        options.add_argument(arg)
    # A Korean user's browser: Accept-Language ko, as most of the portal's visitors send.
    options.add_experimental_option("prefs", {"intl.accept_languages": "ko-KR,ko"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.implicitly_wait(0)
    # Headless Chromium keeps windows at least 500 px wide, so a phone gets its exact viewport
    # (and a phone's handling of the viewport meta tag) from device emulation instead.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 768,
    })
    return driver


@pytest.fixture(params=[(1280, 800), (390, 844)], ids=["desktop", "phone"])
def browser(request, live_server):
    """Headless Chromium at desktop and phone sizes; screenshot and source kept on failure."""
    if not _browser_available():
        pytest.fail("Chromium or chromedriver missing at /usr/bin (apt-get install chromium chromium-driver)")
    width, height = request.param
    driver = _new_driver(width, height)
    driver.live_server_url = live_server.url
    yield driver
    report = request.node.stash.get(_report_key, {}).get("call")
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = request.node.name.replace("/", "_").replace("[", "-").replace("]", "")
        driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))
        (ARTIFACTS / f"{name}.html").write_text(driver.page_source, encoding="utf-8")
    driver.quit()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files (and uploads in transit) land in per-test folders, never in the developer's."""
    settings.MEDIA_ROOT = settings.SENDFILE_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "upload-tmp"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media", "base_url": None},
        },
    }
    yield
    shutil.rmtree(tmp_path / "media", ignore_errors=True)
    shutil.rmtree(tmp_path / "upload-tmp", ignore_errors=True)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """allauth's rate-limit counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# Reference rows that data migrations create (industries, AI areas, staff groups, targets).
# A transactional test ends by flushing every table, so the next one puts them back the way
# the migrations made them: the functions are idempotent.
REFERENCE_DATA = [
    ("members.migrations.0003_seed_industries_and_groups", "seed"),
    ("projects.migrations.0002_seed_ai_areas_and_groups", "seed"),
    ("projects.migrations.0007_messages", "grant"),
    ("news.migrations.0002_news_editors_group", "create_group"),
    ("stats.migrations.0002_seed_targets", "seed"),
    ("privacy.migrations.0002_first_versions_and_groups", "seed"),
    ("privacy.migrations.0004_privacy_officers_group", "seed"),
    ("delivery.migrations.0002_project_deciders", "seed"),
    ("spread.migrations.0002_grant_deciders", "grant"),
]


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    import importlib

    from django.apps import apps

    request.getfixturevalue("transactional_db")
    for module, function in REFERENCE_DATA:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture
def smtp(settings):
    """The portal's mail goes to a real SMTP server on loopback, which refuses until the test starts it."""
    from tests.background import SMTPServer

    server = SMTPServer()
    for name, value in server.settings().items():
        setattr(settings, name, value)
    yield server
    server.stop()
