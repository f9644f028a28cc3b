"""A member's own public page is its owners' choice: off to begin with, turned on and off from /my/."""

import pytest
from django.urls import reverse

from members import services
from members.models import Organization

pytestmark = pytest.mark.django_db
URL = reverse("my:public-page")


def page_of(org):
    return reverse("organizations:detail", args=[org.pk])


def test_a_new_organisation_has_no_public_page(make_org):
    assert make_org("새회사").public_page is False
    assert Organization._meta.get_field("public_page").default is False


def test_an_owner_turns_the_page_on_and_the_public_sees_it_at_once(client, alice, hanbit):
    Organization.objects.filter(pk=hanbit.pk).update(status="approved")
    assert client.get(page_of(hanbit)).status_code == 404
    client.force_login(alice)
    response = client.post(URL, {"public": "1"}, follow=True)
    assert "기관의 공개 소개 페이지를 켰습니다." in response.text
    assert f'href="{page_of(hanbit)}"' in response.text  # /my/ links to it
    client.logout()
    assert client.get(page_of(hanbit)).status_code == 200
    client.force_login(alice)
    client.post(URL, {"public": "0"})
    client.logout()
    assert client.get(page_of(hanbit)).status_code == 404


def test_my_page_says_the_page_waits_for_approval(client, alice, hanbit):
    client.force_login(alice)
    response = client.post(URL, {"public": "1"}, follow=True)
    assert "회원 가입이 승인되고 회원 명단에 공개되면 페이지가 나타납니다." in response.text
    assert f'href="{page_of(hanbit)}"' not in response.text


@pytest.mark.parametrize("persona", ["bob", "carol"])
def test_managers_and_members_may_not_choose(client, request, hanbit, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(URL, {"public": "1"})
    assert response.status_code == 403
    hanbit.refresh_from_db()
    assert hanbit.public_page is False
    assert 'action="/my/public-page/"' not in client.get(reverse("my:dashboard")).text


def test_the_choice_is_a_post(client, alice):
    client.force_login(alice)
    assert client.get(URL).status_code == 405


def test_the_service_refuses_anyone_but_an_owner(hanbit, carol, mallory):
    for person in (carol, mallory):
        with pytest.raises(services.MembershipError):
            services.organization_set_public_page(organization=hanbit, public=True, by=person)
    hanbit.refresh_from_db()
    assert hanbit.public_page is False


def test_staff_see_the_choice_in_the_admin_and_do_not_make_it(client, reviewer, hanbit):
    client.force_login(reviewer)
    change = client.get(reverse("admin:members_organization_change", args=[hanbit.pk])).text
    assert "공개 소개 페이지" in change and 'name="public_page"' not in change
    listing = client.get(reverse("admin:members_organization_changelist"), {"public_page__exact": "1"})
    assert listing.status_code == 200
