"""The policy pages: versioned texts that staff write and publish; a published version never changes."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from portal import pagecache
from privacy import services
from privacy.models import Kind, PolicyVersion
from tests import personas

pytestmark = pytest.mark.django_db


def new_version(kind=Kind.PRIVACY, *, days=0, again=False, body="## 새 조항\n\n새 내용입니다.", publish=True, by=None):
    version = PolicyVersion(kind=kind, effective_on=timezone.localdate() + datetime.timedelta(days=days),
                            requires_reconsent=again, body_ko=body, body_en="## New article\n\nNew text.",
                            summary_ko="바뀐 점", summary_en="What changed")
    version.save()
    if publish:
        by = by or personas.staff(permissions=[("privacy", "publish_policyversion")])
        services.policy_version_publish(version=version, by=by)
    return version


@pytest.mark.parametrize("url", ["/privacy/", "/terms/", "/policies/collection/", "/policies/mailing/"])
def test_every_document_has_a_first_version_from_the_migration(url):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(url)
    assert response.status_code == 200
    assert "Version 1, in force from" in response.text


def test_the_privacy_policy_names_the_officer_from_the_settings(client, settings):
    settings.PORTAL_PRIVACY_OFFICER = {"name": "김보호", "position": "정보보호팀장", "email": "officer@motie.example",
                                       "phone": "044-123-4567"}
    html = client.get(reverse("privacy")).text
    assert "김보호" in html and "officer@motie.example" in html and "044-123-4567" in html
    assert "[[officer]]" not in html


def test_third_parties_are_none_unless_configured(client, settings):
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert "gives no personal information to third parties" in english.get(reverse("privacy")).text
    settings.PORTAL_PRIVACY_THIRD_PARTIES = [
        {"recipient": "한국산업기술진흥원", "purpose": "과제 평가", "items": "담당자 성명",
         "retention": "평가 종료 시"}]
    pagecache.invalidate()  # settings change with a deployment, which starts with a fresh cache
    html = client.get(reverse("privacy")).text
    assert "한국산업기술진흥원" in html and "과제 평가" in html


def test_the_collection_notice_lists_items_purposes_and_retention(client):
    html = client.get(reverse("privacy:policy", args=["collection"])).text
    assert "<table>" in html
    for words in ("이메일 주소", "수집·이용 목적", "보유·이용 기간", "동의하지 않을 권리"):
        assert words in html


def test_the_english_page_reads_the_english_text():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    html = client.get(reverse("terms")).text
    assert "Article 1 (Purpose)" in html


def test_an_unknown_document_or_version_is_404(client):
    assert client.get(reverse("privacy:policy", args=["cookies"])).status_code == 404
    assert client.get(reverse("privacy:policy-version", args=["privacy", 99])).status_code == 404


def test_a_draft_is_not_shown_until_published(client):
    draft = new_version(publish=False)
    assert client.get(reverse("privacy:policy-version", args=["privacy", draft.number])).status_code == 404
    assert "새 내용" not in client.get(reverse("privacy")).text


def test_a_new_version_replaces_the_current_one_and_the_old_stays_readable(client):
    version = new_version()
    assert version.number == 2
    current = client.get(reverse("privacy")).text
    assert "새 내용" in current and "바뀐 점" in current
    old = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("privacy:policy-version", args=["privacy", 1])).text
    assert "New text" not in old and "This is an earlier version." in old
    assert reverse("privacy:policy-version", args=["privacy", 2]) in old


def test_a_version_announced_ahead_is_linked_but_not_in_force(client):
    new_version(days=10)
    current = client.get(reverse("privacy")).text
    assert "새 내용" not in current
    assert reverse("privacy:policy-version", args=["privacy", 2]) in current
    upcoming = client.get(reverse("privacy:policy-version", args=["privacy", 2])).text
    assert "새 내용" in upcoming


def test_a_published_version_cannot_be_changed_or_deleted():
    version = PolicyVersion.objects.get(kind=Kind.TERMS, number=1)
    version.body_ko = "고친 내용"
    with pytest.raises(ValidationError):
        version.save()
    with pytest.raises(ValidationError):
        version.delete()
    assert PolicyVersion.objects.get(pk=version.pk).body_ko != "고친 내용"


def test_a_draft_may_be_edited_and_deleted():
    draft = new_version(publish=False)
    draft.body_ko = "고친 초안"
    draft.save()
    draft.delete()
    assert not PolicyVersion.objects.filter(pk=draft.pk).exists()


def test_publishing_needs_the_permission_and_a_date_not_past():
    draft = new_version(publish=False)
    with pytest.raises(Exception):  # noqa: B017 (PermissionDenied)
        services.policy_version_publish(version=draft, by=personas.staff())
    PolicyVersion.objects.filter(pk=draft.pk).update(effective_on=timezone.localdate() - datetime.timedelta(days=1))
    draft.refresh_from_db()
    with pytest.raises(ValidationError):
        services.policy_version_publish(version=draft,
                                        by=personas.staff(permissions=[("privacy", "publish_policyversion")]))


def test_the_footer_links_the_current_documents(client):
    html = client.get("/").text
    assert f'href="{reverse("privacy")}"' in html and f'href="{reverse("terms")}"' in html


def test_english_visitors_are_told_when_only_korean_exists():
    version = PolicyVersion(kind=Kind.MAILING, effective_on=timezone.localdate(), body_ko="한국어만")
    version.save()
    services.policy_version_publish(version=version,
                                    by=personas.staff(permissions=[("privacy", "publish_policyversion")]))
    with translation.override("en"):
        html = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("privacy:policy", args=["mailing"])).text
    assert "한국어만" in html and "available in Korean only" in html
