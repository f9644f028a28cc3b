"""The root URLconf: /my/ holds four apps' company pages and /members/ two apps' public pages, in either order;
refusals render the 403 page."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import include, path, resolve, reverse

from delivery import urls_my as delivery_my
from members import urls as members_urls
from members import urls_my as members_my
from portal.access import Refused
from projects import urls_my as projects_my
from projects import urls_organizations
from spread import urls_my as spread_my

# The same shared prefixes as the root URLconf, each pair of includes in the other order.
urlpatterns = [
    path("my/sites/", include("spread.urls_my")),
    path("my/projects/", include("delivery.urls_my")),
    path("my/proposals/", include("projects.urls_my")),
    path("my/", include("members.urls_my")),
    path("members/", include("projects.urls_organizations")),
    path("members/", include("members.urls")),
]


def pages_of(modules):
    for module in modules:
        for pattern in module.urlpatterns:
            kwargs = {name: "abc" if name == "token" else 1 for name in pattern.pattern.converters}
            yield f"{module.app_name}:{pattern.name}", kwargs, pattern.callback


@pytest.mark.parametrize("modules", [(members_my, projects_my, delivery_my, spread_my),
                                     (members_urls, urls_organizations)],
                         ids=["my", "members"])
def test_the_shared_prefixes_do_not_shadow_each_other_in_either_order(modules):
    for name, kwargs, view in pages_of(modules):
        url = reverse(name, kwargs=kwargs)
        assert resolve(url).func == view, name
        with override_settings(ROOT_URLCONF=__name__):  # the setting's change clears the URL caches
            assert resolve(url).func == view, f"{name} in the other order"


def refusing_view(exception):
    def view(request):
        raise exception

    return view


@pytest.mark.parametrize(
    "exception, shown, hidden",
    [
        (Refused("Only the organisation's owners may do this."), "owners may do this", "You do not have permission"),
        (PermissionDenied("internal detail"), "You do not have permission", "internal detail"),
    ],
)
def test_the_403_page_shows_a_refusals_message_and_no_other(client, settings, exception, shown, hidden):
    import sys
    import types

    module = types.ModuleType("refusing_urls")
    module.urlpatterns = [path("refuse/", refusing_view(exception)), path("", include("portal.urls"))]
    module.handler403 = "portal.views.permission_denied"
    sys.modules["refusing_urls"] = module
    settings.ROOT_URLCONF = "refusing_urls"
    try:
        response = client.get("/refuse/", HTTP_ACCEPT_LANGUAGE="en")
    finally:
        del sys.modules["refusing_urls"]
    page = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 403
    assert shown in page and hidden not in page
