"""The admin: deciders register standard models with their documents and confirm or return sites by actions."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from spread.models import AdoptionSite, StandardModel
from tests import personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def decider(client):
    person = personas.staff(group=personas.PROJECT_DECIDERS)
    client.force_login(person)
    return person


def test_deciders_confirm_a_site_by_the_action(client, decider):
    site = personas.adoption_site(personas.standard_model(), status="submitted")
    client.post(reverse("admin:spread_adoptionsite_changelist"),
                {"action": "confirm", "_selected_action": [site.pk], "post": "yes", "note": ""})
    site.refresh_from_db()
    assert site.status == "confirmed" and site.history.last().by == decider


def test_returning_by_the_action_needs_a_note(client, decider):
    site = personas.adoption_site(personas.standard_model(), status="submitted")
    response = client.post(reverse("admin:spread_adoptionsite_changelist"),
                           {"action": "return", "_selected_action": [site.pk], "post": "yes", "note": ""})
    assert response.status_code == 200 and AdoptionSite.objects.get(pk=site.pk).status == "submitted"


def test_staff_without_the_right_get_no_site_actions(client):
    client.force_login(personas.staff(group=personas.NEWS_EDITORS))
    assert client.get(reverse("admin:spread_adoptionsite_changelist")).status_code == 403


def test_deciders_register_a_model_with_a_document(client, decider):
    project = personas.running_project()
    supplier = personas.organization("등록공급")
    data = {
        "name_ko": "AI 용접 품질 표준모델", "name_en": "AI welding quality model",
        "ai_area": personas.AIArea.objects.get(code="defect-detection").pk,
        "industries": [personas.industry("shipbuilding").pk], "description_ko": "용접 비드 영상을 판독합니다.",
        "description_en": "", "projects": [project.pk], "suppliers": [supplier.pk], "is_published": "on",
        "documents-TOTAL_FORMS": "1", "documents-INITIAL_FORMS": "0", "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "1000", "documents-0-title": "도입 안내서", "documents-0-sort_order": "0",
        "documents-0-file": personas.pdf("용접 안내서.pdf"),
    }
    response = client.post(reverse("admin:spread_standardmodel_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    model = StandardModel.objects.get(name_ko="AI 용접 품질 표준모델")
    assert list(model.projects.all()) == [project] and list(model.suppliers.all()) == [supplier]
    assert model.documents.get().original_name == "용접 안내서.pdf"  # cleaned as every upload name


def test_a_model_needs_a_source_project_and_a_real_document(client, decider):
    data = {
        "name_ko": "모델", "name_en": "Model", "ai_area": personas.AIArea.objects.first().pk,
        "industries": [personas.industry().pk], "description_ko": "설명", "description_en": "",
        "projects": [], "suppliers": [],
        "documents-TOTAL_FORMS": "1", "documents-INITIAL_FORMS": "0", "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "1000", "documents-0-title": "안내서", "documents-0-sort_order": "0",
        "documents-0-file": personas.pdf("가짜.pdf", content=b"not a pdf"),
    }
    response = client.post(reverse("admin:spread_standardmodel_add"), data)
    assert response.status_code == 200 and not StandardModel.objects.exists()
    errors = str(response.context["adminform"].form.errors) + str(response.context["inline_admin_formsets"][0]
                                                                   .formset.errors)
    assert "projects" in errors and "file" in errors


@pytest.mark.parametrize("changelist", ["admin:spread_adoptionsite_changelist",
                                       "admin:spread_standardmodel_changelist"])
def test_the_admin_lists_take_the_same_queries_at_two_sizes(client, decider, changelist):
    def count():
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(changelist)).status_code == 200
        return len(captured)

    model = personas.standard_model()
    personas.adoption_site(model)
    small = count()
    for _ in range(3):
        personas.adoption_site(personas.standard_model(model.projects.first()))
    assert count() == small
