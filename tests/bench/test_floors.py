import pytest


@pytest.mark.django_db
def test_floors_are_not_mounted_by_default(client):
    assert client.get("/bench/fixed").status_code == 404
    assert client.get("/bench/layout").status_code == 404


@pytest.mark.urls("bench.urls")
def test_fixed_floor_returns_a_short_constant_body(client):
    response = client.get("/bench/fixed")

    assert response.status_code == 200
    assert response.content == b"ok\n"


@pytest.mark.django_db
@pytest.mark.urls("bench.urls")
def test_layout_floor_renders_the_base_layout_without_queries(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/bench/layout")

    assert response.status_code == 200
    assert [t.name for t in response.templates][:2] == ["bench/floor.html", "base.html"]
    assert b'id="main"' in response.content


@pytest.mark.urls("bench.urls")
def test_floors_refuse_post(client):
    assert client.post("/bench/fixed").status_code == 405
