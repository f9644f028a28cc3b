"""Wording in Korean: allauth's catalog corrected by ours, one term for the owner role, units on /stats/.

These read the compiled Korean catalog (locale/ko), which our LOCALE_PATHS put before allauth's own."""

import re
from pathlib import Path

import polib
import pytest
from allauth import __file__ as allauth_init
from django.urls import reverse
from django.utils import translation

from members.allauth_wording import CORRECTED
from members.models import Membership
from tests import personas
from tests.projects import factories as f

pytestmark = pytest.mark.django_db
KOREAN = {"accept-language": "ko"}
ALLAUTH_KO = polib.pofile(str(Path(allauth_init).parent / "locale" / "ko" / "LC_MESSAGES" / "django.po"))
OURS = polib.pofile(str(Path(__file__).resolve().parents[2] / "locale" / "ko" / "LC_MESSAGES" / "django.po"))


def test_the_login_page_says_stay_signed_in_not_save_the_user_name(client):
    html = client.get(reverse("account_login"), headers=KOREAN).text
    assert "로그인 상태 유지" in html and "아이디 저장" not in html


# The corrected entries: members.allauth_wording's strings, and allauth's plural messages our catalog holds.
REPLACED = [e for e in ALLAUTH_KO if e.msgid in CORRECTED or (e.msgid_plural and OURS.find(e.msgid))]


def test_the_typos_are_among_the_corrected():
    assert {"Invalid or expired key.", "Bad Token", "Remember Me"} <= {e.msgid for e in REPLACED}


@pytest.mark.parametrize("entry", REPLACED, ids=lambda e: e.msgid[:40])
def test_allauth_s_korean_is_replaced_by_ours(entry):
    with translation.override("ko"):
        ours = (translation.ngettext(entry.msgid, entry.msgid_plural, 1) if entry.msgid_plural
                else translation.gettext(entry.msgid))
    theirs = entry.msgstr or entry.msgstr_plural[0]
    assert ours != theirs and "올비르지" not in ours


def test_one_term_for_the_owner_role():
    with translation.override("ko"):
        assert str(Membership.Role.OWNER.label) == "소유자"
    about_owners = [e for e in OURS if re.search(r"\bowners?\b", e.msgid, re.I) and not e.obsolete]
    assert about_owners
    assert all("소유자" in (e.msgstr or e.msgstr_plural.get(0, "")) for e in about_owners), [
        e.msgid for e in about_owners if "소유자" not in e.msgstr
    ]


def test_stats_counts_read_with_their_korean_counter_words(client):
    f.ready_proposal()
    html = client.get("/stats/", headers=KOREAN).text
    figure = html[html.index('data-figure="members-large"'):]
    assert re.search(r'class="figure-value">\d+곳<', figure)
    assert re.search(r'data-figure="submitted">\s*<a [^>]+>\s*<span class="figure-value">\d+건<', html)


def test_a_plain_member_is_told_the_korean_roles_that_start_a_proposal(client):
    call = personas.call()
    client.force_login(personas.member(personas.organization(), Membership.Role.MEMBER))
    html = client.get(reverse("projects:call-detail", args=[call.pk]), headers=KOREAN).text
    assert "소유자 / 관리자만 작성을 시작할 수 있습니다" in html
