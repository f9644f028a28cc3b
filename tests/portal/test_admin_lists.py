"""Long admin lists write each row's action checkbox directly: the markup must stay Django's own."""

import pytest
from django.contrib import admin
from django.utils import translation

from members.models import Organization
from projects.models import Proposal


@pytest.mark.parametrize("model", [Organization, Proposal])
@pytest.mark.parametrize("language", ["en", "ko"])
def test_row_checkboxes_are_the_markup_django_renders(model, language):
    model_admin = admin.site.get_model_admin(model)
    row = model(pk=7, **({"name": 'A "quoted" <b>name</b> & co'} if model is Organization else
                         {"title": 'A "quoted" <b>title</b> & co'}))
    with translation.override(language):
        assert model_admin.action_checkbox(row) == admin.ModelAdmin.action_checkbox(model_admin, row)
