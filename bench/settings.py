"""Settings for `make bench` only: the portal's own settings with the two floor pages mounted."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
