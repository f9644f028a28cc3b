"""Small typed readers for settings that come from the environment.

Each one fails loudly on a value it cannot read, so a typo in a deployment
stops the process at start-up instead of silently picking a default.
"""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, choices: dict, default: str):
    """The value `choices` maps the variable's word to; an unknown word stops the process."""
    raw = os.environ.get(name, default).strip().lower() or default
    if raw not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(sorted(choices))}, not {raw!r}")
    return choices[raw]


def env_site_url(name: str, default: str, *, https: bool) -> str:
    """A site's public address such as https://portal.example.kr (no path, no trailing slash).

    Required: an empty value stops the process, and so does anything but http(s)://host[:port],
    or plain http where `https` is asked for (production)."""
    raw = os.environ.get(name, "").strip() or default
    if not raw:
        raise ImproperlyConfigured(f"{name} is not set: the site's public address, e.g. https://portal.example.kr")
    parts = urlsplit(raw)
    schemes = ("https",) if https else ("http", "https")
    if parts.scheme not in schemes or not parts.hostname or parts.path.strip("/") or parts.query or parts.fragment:
        wanted = "https://host" if https else "http(s)://host"
        raise ImproperlyConfigured(f"{name} must be {wanted}[:port] without a path, not {raw!r}")
    return f"{parts.scheme}://{parts.netloc}"
