"""Staff read the admin in natural Korean: our catalog replaces Django's broken admin phrases, and the
names that come from packages and data rows (authenticators, task results, staff groups, statuses)
are translated too."""

import re
from pathlib import Path

import django
import polib
import pytest
from django.urls import reverse
from django.utils import translation

from members.models import Membership, Organization
from portal import admin_strings
from projects import services
from projects.models import Proposal
from tests import personas

KO = {"accept-language": "ko"}
DJANGO_LOCALE = Path(django.__file__).parent / "contrib" / "{}" / "locale" / "ko" / "LC_MESSAGES" / "django.po"
# What Django's own Korean catalog says on these pages (the phrases staff reported).
BROKEN = ["보기위한", "를(을)", "을/를", "이/가", "뷰 제안서", "변경할 제안서 선택", "히스토리"]


def title_and_heading(page):
    html = page.content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()
    return title, re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)


def assert_no_broken_phrases(page):
    html = page.content.decode()
    assert [phrase for phrase in BROKEN if phrase in html] == []


@pytest.fixture
def superuser(db):
    return personas.staff("super@ministry.example", is_superuser=True)


@pytest.fixture
def decider(db):
    return personas.staff("decider@ministry.example", group=personas.PROJECT_DECIDERS)


@pytest.fixture
def reviewer(db):
    return personas.staff("reviewer@ministry.example", group=personas.PROJECT_REVIEWERS)


@pytest.fixture
def proposal(db):
    lead = personas.organization("대형제조", tier=Organization.Tier.LARGE)
    partner = personas.organization("중소부품", tier=Organization.Tier.SME)
    return personas.ready_proposal(lead=lead, partner=partner, status=Proposal.Status.SUBMITTED,
                                   gov=2_000_000_000)  # 50억 원 of government funding in all


# --- the overriding itself ------------------------------------------------------------------------


def _overridden():
    """(app, msgid) of every string admin_strings lists from Django's catalogs (the plural ones are lazy)."""
    for app, strings in (("admin", admin_strings.DJANGO_ADMIN), ("auth", admin_strings.DJANGO_AUTH),
                         ("contenttypes", admin_strings.DJANGO_CONTENTTYPES)):
        for msgid in strings:
            if isinstance(msgid, str):
                yield app, msgid


def test_every_listed_msgid_is_one_of_djangos_so_an_upgrade_that_renames_one_is_noticed():
    catalogs = {app: {e.msgid for e in polib.pofile(str(DJANGO_LOCALE).format(app))}
                for app in ("admin", "auth", "contenttypes")}
    assert [msgid for app, msgid in _overridden() if msgid not in catalogs[app]] == []


def test_our_catalog_wins_over_djangos_for_every_listed_msgid():
    django_ko = {}
    for app in ("admin", "auth", "contenttypes"):
        django_ko.update({e.msgid: e.msgstr for e in polib.pofile(str(DJANGO_LOCALE).format(app))})
    with translation.override("ko"):
        unchanged = [msgid for _app, msgid in _overridden() if translation.gettext(msgid) == django_ko[msgid]]
    assert unchanged == []


# --- the pages staff use ----------------------------------------------------------------------------


def test_proposal_list_title_reads_as_a_list(client, decider, proposal):
    client.force_login(decider)
    page = client.get(reverse("admin:projects_proposal_changelist"), headers=KO)
    assert title_and_heading(page) == ("제안서 목록 | 얼라이언스 관리", ["제안서 목록"])
    assert_no_broken_phrases(page)


def test_proposal_list_title_is_the_same_for_staff_who_may_only_view(client, reviewer, proposal):
    client.force_login(reviewer)
    page = client.get(reverse("admin:projects_proposal_changelist"), headers=KO)
    assert title_and_heading(page)[1] == ["제안서 목록"]
    assert_no_broken_phrases(page)


def test_proposal_page_title_says_what_staff_do_there(client, superuser, decider, proposal):
    url = reverse("admin:projects_proposal_change", args=[proposal.pk])
    client.force_login(superuser)
    title, headings = title_and_heading(client.get(url, headers=KO))
    assert title == f"{proposal.title} | 제안서 변경 | 얼라이언스 관리"
    assert headings == ["제안서 변경"]
    client.force_login(decider)  # deciders move proposals with actions and may only view the page
    assert title_and_heading(client.get(url, headers=KO))[1] == ["제안서 보기"]


def test_proposal_history_page_is_in_korean(client, decider, proposal):
    client.force_login(decider)
    page = client.get(reverse("admin:projects_proposal_history", args=[proposal.pk]), headers=KO)
    assert title_and_heading(page)[1] == [f"변경 이력: {proposal.title}"]
    assert_no_broken_phrases(page)


def test_history_page_lists_the_workflow_steps_with_status_labels(client, decider):
    """Workflow steps go through the services, not the admin's own log: the history page shows them too."""
    owner = personas.member(personas.organization("대형제조", tier=Organization.Tier.LARGE), Membership.Role.OWNER)
    proposal = personas.ready_proposal(lead=owner.membership.organization)
    services.proposal_submit(proposal=proposal, by=owner)
    client.force_login(decider)
    html = client.get(reverse("admin:projects_proposal_history", args=[proposal.pk]), headers=KO).content.decode()
    history = re.search(r'<div class="module" id="status-history">(.*?)</div>', html, re.S).group(1)
    assert "<caption>상태 이력</caption>" in history
    assert "초안 → <strong>제출됨</strong>" in history
    assert "draft" not in history and "submitted" not in history


def test_membership_history_page_lists_the_decisions(client, superuser):
    org = personas.organization("승인된회사")
    client.force_login(superuser)
    html = client.get(reverse("admin:members_organization_history", args=[org.pk]), headers=KO).content.decode()
    assert "<strong>검토 대기</strong>" in html and "검토 대기 → <strong>승인</strong>" in html


def test_proposal_totals_read_in_eok_without_the_raw_figure(client, decider, proposal):
    client.force_login(decider)
    html = client.get(reverse("admin:projects_proposal_changelist"), headers=KO).content.decode()
    totals = re.search(r'<p class="proposal-totals">(.*?)</p>', html, re.S).group(1)
    assert "50억 원" in totals
    assert 'title="5,000,000,000원"' in totals  # the exact figure stays at hand
    assert "KRW" not in totals and "5000000000 " not in totals


def test_score_page_shows_its_heading_once(client, reviewer, proposal):
    personas.panel(proposal.call, members=[reviewer], proposals=[proposal])
    personas.declare(reviewer, proposal)
    client.force_login(reviewer)
    page = client.get(reverse("admin:projects_proposal_score", args=[proposal.pk]), headers=KO)
    assert title_and_heading(page)[1] == [f"“{proposal.title}” 평가"]


def test_membership_history_rows_use_the_status_labels(client, superuser):
    org = personas.organization("승인된회사")  # registered (pending), then approved
    client.force_login(superuser)
    html = client.get(reverse("admin:members_organization_change", args=[org.pk]), headers=KO).content.decode()
    # The history is the page's timeline: each status by its Korean label, never the stored value.
    assert 'data-event="status" data-state="approved"' in html
    text = re.sub(r"<[^>]+>", " ", html)
    assert "검토 대기" in text and "승인" in text
    assert "pending" not in text and "approved" not in text


def test_admin_index_names_the_authenticators_and_task_results_in_korean(client, superuser):
    client.force_login(superuser)
    html = client.get(reverse("admin:index"), headers=KO).content.decode()
    for name in ("2단계 인증", "인증 수단", "백그라운드 작업 결과", "작업 결과"):
        assert name in html
    assert "Authenticators" not in html and "Task Results" not in html and "TASKS DATABASE" not in html.upper()


def test_authenticator_list_is_in_korean_and_shows_no_secret(client, superuser):
    client.force_login(superuser)
    page = client.get(reverse("admin:mfa_authenticator_changelist"), headers=KO)
    html = page.content.decode()
    assert title_and_heading(page)[1] == ["인증 수단 목록"]
    for column in ("사용자", "종류", "등록 일시", "마지막 사용 일시"):
        assert column in html
    assert "인증 앱(TOTP)" in html
    authenticator = superuser.authenticator_set.get(type="totp")
    detail = client.get(reverse("admin:mfa_authenticator_change", args=[authenticator.pk]), headers=KO)
    assert authenticator.data["secret"] not in detail.content.decode()


def test_staff_groups_show_their_korean_names_and_keep_the_rows_names(client, superuser):
    client.force_login(superuser)
    html = client.get(reverse("admin:auth_group_changelist"), headers=KO).content.decode()
    for label in ("회원 심사 담당", "선도 프로젝트 평가위원", "선도 프로젝트 결정 담당", "소식 편집 담당"):
        assert label in html
    assert "Project deciders" in html  # the row's own name, which the code looks up, is unchanged


def test_a_staff_members_groups_are_offered_by_their_korean_names(client, superuser, decider):
    client.force_login(superuser)
    html = client.get(reverse("admin:members_user_change", args=[decider.pk]), headers=KO).content.decode()
    assert re.search(r'<option value="\d+" selected>선도 프로젝트 결정 담당</option>', html)
