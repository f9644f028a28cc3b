"""The catalogue, each model's page, its documents, the project page's models and the sitemap."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from portal.models import AccessRecord
from spread.models import StandardModelDocument
from tests import personas

pytestmark = pytest.mark.django_db


def queries(client, url):
    cache.clear()  # the page cache would answer the second time without a query
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def grow(models, sites_each):
    project = personas.running_project()
    for n in range(models):
        model = personas.standard_model(project, name=f"표준모델 {n}", industries=("machinery", "semiconductors"),
                                        suppliers=[personas.organization()])
        for _ in range(sites_each):
            personas.adoption_site(model)
    return model


@pytest.mark.parametrize("url", ["catalogue", "detail"])
def test_queries_stay_the_same_at_two_sizes(client, url):
    model = grow(1, 1)
    address = reverse("spread:catalogue") if url == "catalogue" else reverse("spread:detail", args=[model.pk])
    small = queries(client, address)
    model = grow(4, 3)
    address = reverse("spread:catalogue") if url == "catalogue" else reverse("spread:detail", args=[model.pk])
    assert queries(client, address) == small


def test_the_catalogue_lists_published_models_only(client):
    shown = personas.standard_model(name="공개 모델")
    personas.standard_model(name="준비 중 모델", published=False)
    page = client.get(reverse("spread:catalogue")).content.decode()
    assert shown.name_ko in page and "준비 중 모델" not in page


def test_the_catalogue_filters_by_ai_area_and_industry(client):
    project = personas.running_project()
    personas.standard_model(project, name="불량 모델", area="defect-detection", industries=("machinery",))
    personas.standard_model(project, name="에너지 모델", area="energy-carbon", industries=("semiconductors",))
    url = reverse("spread:catalogue")
    by_area = client.get(url, {"area": "energy-carbon"}).content.decode()
    assert "에너지 모델" in by_area and "불량 모델" not in by_area
    by_industry = client.get(url, {"industry": "machinery"}).content.decode()
    assert "불량 모델" in by_industry and "에너지 모델" not in by_industry


def test_the_catalogue_paginates(client):
    project = personas.running_project()
    for n in range(13):
        personas.standard_model(project, name=f"모델 {n:02d}")
    first = client.get(reverse("spread:catalogue")).content.decode()
    second = client.get(reverse("spread:catalogue"), {"page": 2}).content.decode()
    assert "모델 00" in first and "모델 12" not in first and "모델 12" in second


def test_the_catalogue_counts_sites_in_use_only(client):
    model = personas.standard_model()
    personas.adoption_site(model)
    personas.adoption_site(model, use="stopped")
    personas.adoption_site(model, status="submitted")
    with translation.override("en"):
        page = client.get(reverse("spread:catalogue"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sites in use: 1" in page


def test_a_models_page_shows_its_confirmed_sites_by_region(client):
    model = personas.standard_model()
    personas.adoption_site(model, region="busan", site_name="부산 1공장")
    personas.adoption_site(model, region="busan", site_name="부산 2공장", use="stopped")
    personas.adoption_site(model, region="ulsan", site_name="울산 공장", status="submitted")
    response = client.get(reverse("spread:detail", args=[model.pk]))
    rows = response.context["regions"]
    assert [(r["label"], r["in_use"], r["stopped"]) for r in rows] == [("부산광역시", 1, 1)]
    page = response.content.decode()
    assert "부산 1공장" in page and "부산 2공장" in page and "울산 공장" not in page


def test_a_site_of_an_organisation_not_in_the_directory_is_shown_without_its_names(client):
    model = personas.standard_model()
    hidden = personas.organization("비공개제조", owner=personas.user(), listed_in_directory=False)
    personas.adoption_site(model, hidden, site_name="비밀공장")
    page = client.get(reverse("spread:detail", args=[model.pk])).content.decode()
    assert "비공개제조" not in page and "비밀공장" not in page and "경기도" in page


def test_a_models_page_links_its_source_projects_and_suppliers(client):
    project = personas.running_project()
    supplier = personas.organization("공급사알파")
    model = personas.standard_model(project, suppliers=[supplier])
    page = client.get(reverse("spread:detail", args=[model.pk])).content.decode()
    assert reverse("projects:project-detail", args=[project.proposal_id]) in page
    assert "공급사알파" in page


def test_an_unpublished_models_page_is_not_found(client):
    model = personas.standard_model(published=False)
    assert client.get(reverse("spread:detail", args=[model.pk])).status_code == 404


def test_the_project_page_lists_the_models_built_from_it(client):
    project = personas.running_project()
    model = personas.standard_model(project, name="예지보전 표준모델")
    personas.standard_model(project, name="비공개 표준모델", published=False)
    page = client.get(reverse("projects:project-detail", args=[project.proposal_id])).content.decode()
    assert reverse("spread:detail", args=[model.pk]) in page and "비공개 표준모델" not in page


def document_of(model):
    doc = StandardModelDocument(standard_model=model, title="도입 안내서", original_name="안내서.pdf")
    doc.file.save("안내서.pdf", personas.pdf("안내서.pdf"), save=False)
    doc.save()
    return doc


def test_a_published_models_document_is_public_and_not_an_access_record(client):
    doc = document_of(personas.standard_model())
    response = client.get(reverse("spread:document", args=[doc.pk]))
    assert response.status_code == 200 and response["Cache-Control"].startswith("public")
    assert not AccessRecord.objects.exists()


def test_an_unpublished_models_document_is_for_staff_only(client):
    doc = document_of(personas.standard_model(published=False))
    url = reverse("spread:document", args=[doc.pk])
    assert client.get(url).status_code == 404
    client.force_login(personas.staff(group=personas.PROJECT_DECIDERS))
    response = client.get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert AccessRecord.objects.count() == 1


def test_the_sitemap_lists_the_catalogue_and_published_models(client):
    shown = personas.standard_model()
    hidden = personas.standard_model(published=False)
    xml = client.get("/sitemap.xml").content.decode()
    assert reverse("spread:catalogue") in xml
    assert reverse("spread:detail", args=[shown.pk]) in xml
    assert reverse("spread:detail", args=[hidden.pk]) not in xml


def test_a_new_site_refreshes_the_cached_page(client, django_capture_on_commit_callbacks):
    model = personas.standard_model()
    url = reverse("spread:detail", args=[model.pk])
    assert "No confirmed sites yet." in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        personas.adoption_site(model, site_name="새공장")
    assert "새공장" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

