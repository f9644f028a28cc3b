"""Annual revenue on the registration and edit forms, typed in Korean units (portal.forms_money.KRWField)."""

import pytest
from django.urls import reverse

from members.models import Organization
from tests.members.test_register import form_data, register


@pytest.fixture
def dana(make_user, client):
    user = make_user("dana@saebom.example")
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return user


@pytest.mark.parametrize(("typed", "stored"), [
    ("30억", 3_000_000_000), ("1,200억", 120_000_000_000), ("3억 5천만", 350_000_000), ("12억원", 1_200_000_000),
    ("3,000,000,000", 3_000_000_000), ("", None),
])
def test_revenue_typed_in_korean_units_is_saved_in_won(client, dana, industry, typed, stored):
    response = register(client, form_data(industry, annual_revenue=typed))
    assert response.status_code == 302
    assert Organization.objects.get().annual_revenue == stored


def test_revenue_that_cannot_be_read_is_refused_with_a_message_and_nothing_is_saved(client, dana, industry):
    response = register(client, form_data(industry, annual_revenue="3억 5000"))
    assert response.status_code == 200
    assert response.context["form"].errors["annual_revenue"] == [
        "Write the unit after the last number, e.g. 3억 5,000만 or 3억 5,000원."]
    assert 'value="3억 5000"' in response.content.decode()  # as typed, to correct
    assert not Organization.objects.exists()


def test_the_edit_form_shows_the_revenue_with_commas_and_the_echo(client, alice, hanbit):
    Organization.objects.filter(pk=hanbit.pk).update(annual_revenue=3_000_000_000)
    client.force_login(alice)
    page = client.get(reverse("my:edit")).content.decode()
    assert 'value="3,000,000,000"' in page
    assert 'class="krw-echo"' in page and "js/krw-input.js" in page
