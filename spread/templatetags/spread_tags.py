from django import template

from spread.models import StandardModel

register = template.Library()


@register.inclusion_tag("spread/includes/project_models.html")
def standard_models_of(proposal):
    """The published standard models built from a selected proposal's running project (one query).

    A tag rather than a line in projects' view: projects sits below spread and may not import it
    (tests/portal/test_layers.py), as the home page shows the figures through stats' tags."""
    models = StandardModel.objects.from_proposal(proposal).select_related("ai_area").order_by("name_ko", "pk")
    return {"standard_models": list(models)}
