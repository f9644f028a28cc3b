"""The admin as staff see it at 1280 px in Korean: proposal titles readable in the list, the portal's
colours at WCAG AA contrast, and a screenshot of each page staff use (tests/artifacts/admin/)."""

import base64

import pytest

from members.models import Organization
from projects.models import Proposal
from tests import personas
from tests.browser.conftest import desktop_only
from tests.browser.helpers import go, path_of, sign_in_with_session
from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True), desktop_only]

TITLES = [
    "협력사 연계 AI 불량 검출 라인 고도화", "조선 용접 공정 AI 최적화 선도 모델", "사출 공정 에너지·탄소 저감 제어",
]
# WCAG 2.1 AA for normal-size text.
AA = 4.5

# The contrast of an element's text against the first opaque background behind it.
CONTRAST_JS = """
const lum = c => { const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(v => {
    v = v / 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
const opaque = c => !/rgba\\(.*,\\s*0\\)$/.test(c) && c !== 'transparent';
return [...document.querySelectorAll(arguments[0])].slice(0, 5).map(el => {
  let bg = el;
  while (bg && !opaque(getComputedStyle(bg).backgroundColor)) bg = bg.parentElement;
  const back = bg ? getComputedStyle(bg).backgroundColor : 'rgb(255, 255, 255)';
  const [a, b] = [lum(getComputedStyle(el).color), lum(back)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
});
"""


@pytest.fixture
def admin_world(db):
    """A superuser with an authenticator, three submitted proposals with long Korean titles, one scored
    call, and an approved member (a membership history of two rows)."""
    staff = personas.staff("super@ministry.example", is_superuser=True)
    call = personas.call(title="2026년 AI 자율제조 선도 프로젝트 2차 공모")
    partner = personas.organization("새봄부품", tier=Organization.Tier.SME)
    proposals = [
        personas.ready_proposal(call, lead=personas.organization(f"대한중공업{n}", tier=Organization.Tier.LARGE),
                                partner=partner, status=Proposal.Status.UNDER_REVIEW, title=title)
        for n, title in enumerate(TITLES)
    ]
    # The superuser sits on the call's panel, declared for the first proposal: its score page opens (issue 16).
    personas.panel(call, chair=staff, proposals=proposals)
    personas.declare(staff, proposals[0])
    return staff, proposals, partner


def screenshot(browser, name):
    """The whole page, as tall as it is, under tests/artifacts/admin/ (looked at before a change is done)."""
    folder = ARTIFACTS / "admin"
    folder.mkdir(parents=True, exist_ok=True)
    shot = browser.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    (folder / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))


def test_proposal_titles_keep_a_readable_column_at_1280px(browser, admin_world):
    staff, _proposals, _partner = admin_world
    sign_in_with_session(browser, staff)
    go(browser, "/admin/projects/proposal/")
    cells = browser.execute_script("""
        return [...document.querySelectorAll('#result_list tbody .field-title')].map(cell => {
            const link = cell.querySelector('a'), line = parseFloat(getComputedStyle(link).lineHeight);
            return {width: cell.getBoundingClientRect().width,
                    lines: Math.round(link.getBoundingClientRect().height / line)};
        });
    """)
    assert len(cells) == len(TITLES)
    assert min(cell["width"] for cell in cells) >= 200, cells  # one syllable per line was ~20 px
    assert max(cell["lines"] for cell in cells) <= 2, cells
    scroll = browser.execute_script("const r = document.querySelector('.results'); "
                                    "return r.scrollWidth - r.clientWidth")
    assert scroll <= 0, "the list scrolls sideways at 1280 px"


def test_header_breadcrumbs_captions_and_links_meet_aa_contrast(browser, admin_world):
    staff, _proposals, _partner = admin_world
    sign_in_with_session(browser, staff)
    for path, selectors in {
        "/admin/": ["#site-name a", "#user-tools", "#user-tools a", ".module caption", "#content-main a"],
        "/admin/projects/proposal/": [".breadcrumbs", ".breadcrumbs a", "#result_list a", "#changelist-filter h2",
                                      "#changelist-filter a", ".proposal-totals a"],
        "/admin/auth/group/": [".object-tools a", "#result_list a", "#changelist-form .button"],
    }.items():
        go(browser, path)
        for selector in selectors:
            ratios = browser.execute_script(CONTRAST_JS, selector)
            assert ratios, f"nothing matches {selector} on {path}"
            assert min(ratios) >= AA, f"{selector} on {path}: contrast {min(ratios):.2f}"


def test_screenshots_of_the_admin_pages_staff_use_in_korean(browser, admin_world):
    staff, proposals, partner = admin_world
    sign_in_with_session(browser, staff)
    pk = proposals[0].pk
    pages = {
        "index": ("/admin/", "담당자 업무 화면"),
        "proposal-list": ("/admin/projects/proposal/", "제안서 목록"),
        "proposal-change": (f"/admin/projects/proposal/{pk}/change/", "제안서 변경"),
        "proposal-score": (f"/admin/projects/proposal/{pk}/score/", f"“{TITLES[0]}” 평가"),
        "proposal-history": (f"/admin/projects/proposal/{pk}/history/", f"변경 이력: {TITLES[0]}"),
        "organization-change": (f"/admin/members/organization/{partner.pk}/change/", "회원사 변경"),
        "groups": ("/admin/auth/group/", "그룹 목록"),
        "authenticators": ("/admin/mfa/authenticator/", "인증 수단 목록"),
    }
    for name, (path, heading) in pages.items():
        go(browser, path)
        assert path_of(browser) == path
        assert browser.execute_script("return document.documentElement.lang") == "ko"
        assert browser.execute_script("return [...document.querySelectorAll('h1')].map(h => h.textContent.trim())") \
            == [heading], path
        screenshot(browser, name)
