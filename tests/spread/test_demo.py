"""Demo data: three standard models from the running projects and about 40 sites across regions in every state;
idempotent; `--scale` scales both."""

import io
import random

import pytest

from spread import demo
from spread.models import AdoptionSite, StandardModel

pytestmark = pytest.mark.django_db


def run_seed():
    from delivery import demo as delivery_demo
    from members import demo as members_demo
    from portal import demo as portal_demo
    from projects import demo as projects_demo

    out = io.StringIO()
    for module in (portal_demo, members_demo, projects_demo, delivery_demo, demo):
        module.seed(rng=random.Random(f"7:{module.__name__}"), scale=1, stdout=out)
    return out.getvalue()


def test_three_models_and_forty_sites_in_every_state_across_regions():
    run_seed()
    assert StandardModel.objects.published().count() == 3
    for model in StandardModel.objects.all():
        assert model.projects.exists() and model.suppliers.exists() and model.documents.exists()
    sites = AdoptionSite.objects.all()
    assert sites.count() == 40
    assert set(sites.values_list("status", flat=True)) == set(AdoptionSite.Status.values)
    assert set(sites.confirmed().values_list("use_status", flat=True)) == set(AdoptionSite.UseStatus.values)
    assert sites.values("region").distinct().count() >= 10
    assert 10 <= sites.counted().count() < 40
    for site in sites:
        site.full_clean()
        assert site.history.exists()


def test_the_demo_is_idempotent():
    run_seed()
    first = list(AdoptionSite.objects.order_by("pk").values_list("site_name", "status"))
    assert "already present" in run_seed()
    assert list(AdoptionSite.objects.order_by("pk").values_list("site_name", "status")) == first


def test_the_scale_scales_models_and_sites():
    assert (demo.model_count(1), demo.site_count(1)) == (3, 40)
    assert (demo.model_count(10_000), demo.site_count(10_000)) == (20, 1_000)
