"""Hostile text never reaches a page as live markup.

Payloads (script tags, event handlers, javascript: and data: URLs, SVG, MathML, broken
markup) go into every free-text field people type, and into upload names, both through the
real forms and straight into the database (as if a form had a hole). Each page is rendered
twice: once with harmless text in the same fields, once with the payloads. An element or
attribute that appears only the second time was introduced by a payload: the test fails.
"""

import re
from collections import Counter
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import Invitation, Organization
from members.models import StatusChange as MemberStatusChange
from portal import pagecache
from projects.models import StatusChange as ProposalStatusChange
from tests import personas
from tests.security.world import PDF_BYTES

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '<script>alert("xss1")</script>',
    '<img src=x onerror=alert("xss2")>',
    '<svg onload=alert("xss3")><circle r=1></svg>',
    '"><a href="javascript:alert(\'xss4\')">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgneHNzNScpPC9zY3JpcHQ+">xss5</a>',
    '</textarea></title><scr<script>ipt>alert("xss6")</script>',
    "'><iframe src=javascript:alert(\"xss7\")>",
    '<math><mtext><table><mglyph><style><img src=x onerror=alert("xss8")>',
    '<body onload=alert("xss9")>',
    '<<b>xss10</b>',
    '<div style="background:url(javascript:alert(\'xss11\'))">',
    '<input autofocus onfocus=alert("xss12")>',
]
SHORT_PAYLOADS = ["<b>xss13</b>", "<i onclick=x>", "<script>", "<svg/onload=x>", '"><b>'] # for short fields


class MarkupCensus(HTMLParser):
    """Counts elements and (element, attribute) pairs, and notes script bodies and dangerous URLs."""

    URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"}

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.tags, self.attrs, self.scripts, self.urls = Counter(), Counter(), [], []
        self._script = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        for name, value in attrs:
            self.attrs[(tag, name)] += 1
            if name in self.URL_ATTRS and re.match(r"\s*(javascript|data|vbscript):", value or "", re.I):
                self.urls.append(f"<{tag} {name}={value[:50]}>")
        if tag == "script":
            kind = (dict(attrs).get("type") or "").lower()
            self._script = "json" if kind in ("application/json", "application/ld+json") else "code"

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = False

    def handle_data(self, data):
        # Code must not contain a payload; a JSON data island must not contain a raw "<" (json_script
        # writes \u003C), or a "</script>" in the data could end the element early.
        if (self._script == "code" and "xss" in data) or (self._script == "json" and "<" in data):
            self.scripts.append(data[:60])


def introduced(baseline_html, attacked_html):
    """What the attacked page has and the baseline has not: elements, attributes, script bodies, URLs."""
    before, after = MarkupCensus(baseline_html), MarkupCensus(attacked_html)
    found = [f"<{tag}> x{n}" for tag, n in (after.tags - before.tags).items()]
    found += [f"<{tag} {name}=> x{n}" for (tag, name), n in (after.attrs - before.attrs).items()]
    found += [f"script: {s}" for s in after.scripts]
    found += [u for u in after.urls if u not in before.urls]
    if re.search(r"<script>\s*alert", attacked_html, re.I):
        found.append("<script>alert in the raw page")
    return found


def payload_for(field, n):
    limit = field.max_length or 10_000
    fitting = [p for p in PAYLOADS + SHORT_PAYLOADS if len(p) <= limit]
    return fitting[n % len(fitting)]


def fill(obj, fields, *, attack, start):
    """Put harmless text (attack=False) or payloads (attack=True) in `fields` of `obj`, bypassing forms."""
    values = {}
    for i, name in enumerate(fields):
        field = obj._meta.get_field(name)
        values[name] = payload_for(field, start + i) if attack else f"Safe text {start + i}"[: field.max_length or 99]
    type(obj)._base_manager.filter(pk=obj.pk).update(**values)
    pagecache.invalidate()  # update() sends no signals: a bulk writer tells the page cache itself
    return start + len(fields)


def free_text(world):
    """Every free-text field a person types (companies or staff), object by object."""
    return [
        (world.org_a, ["name", "name_en", "representative", "address", "certificate_number", "tier_proof_name"]),
        (world.org_c, ["name", "name_en", "representative", "address"]),
        (world.owner, ["first_name", "last_name"]),
        (world.proposal, ["title", "summary", "problem", "document_name"]),
        (world.proposal.kpis.first(), ["indicator", "unit"]),
        (world.annex, ["original_name"]),
        (world.call, ["title", "description"]),
        (world.review, ["comment", "recusal_reason"]),
        (world.decided, ["title", "summary", "problem"]),
        (world.decided_review, ["comment"]),
        (world.reviewer_profile, ["name", "affiliation"]),
        (world.decided_challenge, ["person_name", "person_affiliation", "reason", "note"]),
        (world.decided_objection, ["reason", "note", "document_name"]),
        (world.article, ["title", "summary", "source_name", "cover_alt"]),
        (world.member_note, ["note"]),
        (world.proposal_note, ["note"]),
    ]


def pages(world):
    """(persona, URL) of every page that shows those fields."""
    org, proposal = world.org_a.pk, world.proposal.pk
    return [
        ("owner", "/my/"),
        ("owner", "/my/proposals/"),
        ("owner", f"/my/proposals/{proposal}/"),
        ("owner", f"/my/proposals/{proposal}/edit/"),
        ("participant", f"/my/proposals/{proposal}/"),
        ("owner", f"/my/proposals/{world.decided.pk}/"),
        ("participant", f"/my/proposals/{world.decided.pk}/"),
        ("anonymous", "/"),
        ("anonymous", "/members/"),
        ("anonymous", "/projects/"),
        ("anonymous", f"/projects/calls/{world.call.pk}/"),
        ("anonymous", "/news/"),
        ("anonymous", "/news/feed/"),
        ("anonymous", "/news/rss/"),
        ("anonymous", reverse("news:detail", args=[world.article.slug])),
        ("newcomer", reverse("members:invitation", args=[world.invitation_token])),
        ("superuser", "/admin/members/organization/"),
        ("superuser", f"/admin/members/organization/{org}/change/"),
        ("superuser", "/admin/members/user/"),
        ("superuser", f"/admin/members/user/{world.owner.pk}/change/"),
        ("superuser", "/admin/projects/proposal/"),
        ("superuser", f"/admin/projects/proposal/{proposal}/change/"),
        ("superuser", "/admin/projects/call/"),
        ("superuser", f"/admin/projects/call/{world.call.pk}/change/"),
        ("superuser", "/admin/news/article/"),
        ("superuser", f"/admin/news/article/{world.article.pk}/change/"),
        ("superuser", f"/admin/news/article/{world.article.pk}/preview/"),
        ("project_reviewer", f"/admin/projects/proposal/{world.decided.pk}/score/"),
        ("superuser", reverse("admin:projects_panel_summary", args=[world.panel.pk])),
        ("superuser", reverse("admin:projects_challengerequest_change", args=[world.decided_challenge.pk])),
        ("superuser", reverse("admin:projects_objection_change", args=[world.decided_objection.pk])),
        ("owner", reverse("my-proposals:challenge", args=[world.decided.pk])),
        ("owner", reverse("my-proposals:objection", args=[world.decided.pk])),
        ("membership_reviewer", f"/admin/members/organization/{org}/change/"),
    ]


def render_all(world, clients):
    rendered = {}
    for persona, url in pages(world):
        response = clients[persona].get(url)
        assert response.status_code == 200, f"{url} as {persona}: {response.status_code}"
        rendered[(persona, url)] = response.content.decode()
    return rendered


@pytest.fixture
def world_with_notes(world):
    world.member_note = MemberStatusChange.objects.create(
        organization=world.org_a, from_status=Organization.Status.APPROVED,
        to_status=Organization.Status.APPROVED, note="note",
    )
    world.proposal_note = ProposalStatusChange.objects.create(
        proposal=world.proposal, from_status="draft", to_status="draft", note="note", by=world.project_decider,
    )
    # A decided proposal of A's, evaluated by the world's panel, whose applicant sees the reviewers' comments and the
    # evaluators' names (issue 16), with a 기피 request and an objection.
    from django.utils import timezone

    from projects.models import ChallengeRequest, ConflictDeclaration, Objection, Participant, Review, ReviewScore
    from tests.projects import factories

    world.decided = factories.proposal(world.call, world.org_a, status="selected", title="decided",
                                       decided_at=timezone.now())
    factories.participant(world.decided, world.org_c, Participant.Role.DEMAND_COMPANY)
    personas.assign(world.panel, world.decided)
    ConflictDeclaration.objects.create(proposal=world.decided, reviewer=world.project_reviewer, ground="none")
    world.decided_review = Review.objects.create(proposal=world.decided, reviewer=world.project_reviewer,
                                                 submitted_at=timezone.now())
    ReviewScore.objects.bulk_create(ReviewScore(review=world.decided_review, criterion=c, score=4)
                                    for c in world.call.criteria.all())
    world.decided_challenge = ChallengeRequest.objects.create(
        proposal=world.decided, person_name="name", reason="reason", filed_by=world.owner, status="dismissed",
        note="note")
    world.decided_objection = Objection.objects.create(
        proposal=world.decided, reason="reason", document="private/objections/x.pdf", document_name="x.pdf",
        filed_by=world.owner, status="upheld", note="note")
    return world


def test_payloads_in_every_free_text_field_stay_text(world_with_notes, client_for):
    world = world_with_notes
    from tests.security.world import PERSONAS

    clients = {persona: client_for(persona) for persona in PERSONAS}
    n = 0
    for obj, fields in free_text(world):
        n = fill(obj, fields, attack=False, start=n)
    baseline = render_all(world, clients)
    n = 0
    for obj, fields in free_text(world):
        n = fill(obj, fields, attack=True, start=n)
    attacked = render_all(world, clients)

    problems = []
    for (persona, url), html in attacked.items():
        found = introduced(baseline[(persona, url)], html)
        if found:
            problems.append(f"{url} as {persona}: {found}")
        if "xss" not in html:
            problems.append(f"{url} as {persona}: shows none of the payloads, so it proves nothing")
    assert not problems, "\n".join(problems)
    # The payloads did reach the pages, as text.
    assert "&lt;script&gt;alert(&quot;xss1&quot;)&lt;/script&gt;" in attacked[("owner", "/my/")]
    decided = attacked[("owner", f"/my/proposals/{world.decided.pk}/")]
    assert "&lt;" in decided.split("Safe text")[0] or "xss" in decided


def test_the_census_sees_markup_a_payload_introduces():
    baseline = "<p>Safe text 1</p>"
    assert introduced(baseline, "<p>&lt;img src=x onerror=alert(1)&gt;</p>") == []
    assert introduced(baseline, '<p><img src=x onerror=alert("xss2")></p>') == ["<img> x1", "<img src=> x1",
                                                                                "<img onerror=> x1"]
    assert "script: alert(1) // xss" in introduced(baseline, "<p><script>alert(1) // xss</script></p>")
    assert introduced(baseline, "<p><a href='javascript:alert(1)'>x</a></p>")[-1].startswith("<a href=javascript")


# --- through the real forms ---------------------------------------------------------------------


def test_registration_form_with_payloads_renders_them_as_text(world, client_for):
    client = client_for("newcomer")
    from members import business_numbers
    from members.models import Industry

    data = {
        "kind": "company", "name": PAYLOADS[0], "name_en": PAYLOADS[1], "business_number": business_numbers.example(7),
        "representative": PAYLOADS[2], "tier": "sme", "industry": Industry.objects.first().pk,
        "address": PAYLOADS[3], "website": "https://example.com/?q=<script>", "employees": 12,
        "ai_stage": "pilot", "certificate_number": "<b>xss</b>",
        "certificate_expires_on": personas.certificate_valid_until().isoformat(),
        "listed_in_directory": "on",
        "tier_proof": SimpleUploadedFile('"><img src=x onerror=alert(1)>.pdf', PDF_BYTES, "application/pdf"),
        **personas.form_once(client, "members:register"),
    }
    response = client.post(reverse("members:register"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    org = Organization.objects.get(name=PAYLOADS[0])
    assert "<" not in org.tier_proof_name and '"' not in org.tier_proof_name
    Organization.objects.filter(pk=org.pk).update(status=Organization.Status.APPROVED)
    for persona, url in (("newcomer", "/my/"), ("newcomer", "/my/edit/"), ("anonymous", "/members/"),
                         ("superuser", "/admin/members/organization/"),
                         ("superuser", f"/admin/members/organization/{org.pk}/change/")):
        html = client_for(persona).get(url).content.decode()
        census = MarkupCensus(html)
        assert not census.scripts and not census.urls, url
        assert ("img", "onerror") not in census.attrs and ("svg", "onload") not in census.attrs, url
        assert '<script>alert("xss1")' not in html, url
    download = client.get(reverse("members:tier-proof", args=[org.pk]))
    assert download.status_code == 200
    assert "<" not in download["Content-Disposition"] and "\n" not in download["Content-Disposition"]


def test_an_invitation_to_a_hostile_but_valid_address_renders_as_text(world, client_for):
    address = '"<svg/onload=alert(1)>"@example.com'  # a quoted local part: a valid address
    client = client_for("owner")
    views = (("owner", "/my/"), ("superuser", f"/admin/members/organization/{world.org_a.pk}/change/"))
    baseline = {url: client_for(persona).get(url).content.decode() for persona, url in views}
    client.post(reverse("my:invite"), {"email": address, "role": "member", **personas.form_once(client, "my:invite")})
    assert Invitation.objects.filter(email__startswith='"<svg').exists()
    for persona, url in views:
        html = client_for(persona).get(url).content.decode()
        assert "&lt;svg/onload=alert(1)&gt;" in html, url
        assert not [f for f in introduced(baseline[url], html) if "svg" in f or "onload" in f], url


def test_an_upload_name_with_markup_and_a_path_is_cleaned(world, client_for):
    client = client_for("owner")
    hostile = '../../<img src=x onerror=alert(1)>"; x=.pdf'
    response = client.post(
        reverse("my-proposals:annex-add", args=[world.proposal.pk]),
        {"file": SimpleUploadedFile(hostile, PDF_BYTES, "application/pdf")},
    )
    assert response.status_code == 302
    annex = world.proposal.annexes.order_by("-pk").first()
    assert annex.pk != world.annex.pk
    assert "/" not in annex.original_name and "<" not in annex.original_name and '"' not in annex.original_name
    assert ".." not in annex.file.name
    html = client.get(reverse("my-proposals:detail", args=[world.proposal.pk])).content.decode()
    assert ("img", "onerror") not in MarkupCensus(html).attrs
    download = client.get(reverse("my-proposals:annex", args=[world.proposal.pk, annex.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    assert '"; x=' not in download["Content-Disposition"]


def test_the_proposal_form_with_payloads_renders_them_as_text(world, client_for):
    """Title, summary, problem and KPI rows typed into the real form (read from the page, as a browser sends it)."""
    from tests.security.test_uploads import FormFields

    client = client_for("owner")
    edit = reverse("my-proposals:edit", args=[world.proposal.pk])
    data = FormFields(client.get(edit).content.decode()).data
    typed = {"title": PAYLOADS[0], "summary": PAYLOADS[2], "problem": PAYLOADS[7]}
    kpi_fields = sorted(k for k in data if k.startswith("kpis-0-") and k.endswith(("indicator", "unit")))
    assert kpi_fields, sorted(data)
    for name in kpi_fields:
        typed[name] = "<b>xss13</b>" if name.endswith("unit") else PAYLOADS[1]
    views = (
        ("owner", reverse("my-proposals:detail", args=[world.proposal.pk])), ("owner", edit),
        ("superuser", f"/admin/projects/proposal/{world.proposal.pk}/change/"),
        ("superuser", "/admin/projects/proposal/"),
    )
    baseline = {url: client_for(p).get(url).content.decode() for p, url in views}
    response = client.post(edit, {**data, **typed})
    assert response.status_code == 302, response.content.decode()[:2000]
    world.proposal.refresh_from_db()
    assert world.proposal.title == PAYLOADS[0]
    for url, before in baseline.items():
        persona = "superuser" if url.startswith("/admin/") else "owner"
        after = client_for(persona).get(url).content.decode()
        assert "xss" in after, url
        assert introduced(before, after) == [], url
