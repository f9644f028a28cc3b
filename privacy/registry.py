"""What each app knows of a person, told to privacy: the parts of a data export, what an erasure does to the
app's rows, and what must happen before an account may go.

privacy sits below the apps that hold people's data (members, projects …), so it cannot import them; they
register here in their `ready()` instead, and later features add their own part the same way:

- `register_section(key=, title=, export=, order=)`: `export(user)` returns JSON-ready data (a list of dicts, or
  a dict) about `user` only; the export's JSON and HTML show one section per registration, in `order`.
- `register_eraser(key=, erase=)`: `erase(user)` runs inside the erasure's transaction, before the account's own
  fields are anonymised (so `user.email` is still the address): it clears or replaces the app's personal fields
  about `user`, and leaves the history the organisation and the ministry keep pointing at the (anonymised) user.
- `register_obstacle(key=, check=)`: `check(user)` returns the reasons (translated strings) why the account
  cannot be erased yet, such as being an organisation's last owner; an empty list when nothing stands in the way.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    key: str
    title: object  # a lazy translation
    export: object
    order: int = 100


_sections: dict[str, Section] = {}
_erasers: dict[str, object] = {}
_obstacles: dict[str, object] = {}


def register_section(*, key: str, title, export, order: int = 100) -> None:
    _sections[key] = Section(key=key, title=title, export=export, order=order)


def register_eraser(*, key: str, erase) -> None:
    _erasers[key] = erase


def register_obstacle(*, key: str, check) -> None:
    _obstacles[key] = check


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda section: (section.order, section.key))


def erasers() -> list:
    return [_erasers[key] for key in sorted(_erasers)]


def obstacles(user) -> list[str]:
    """Every reason registered apps give why `user` cannot be erased now."""
    reasons = []
    for key in sorted(_obstacles):
        reasons.extend(_obstacles[key](user))
    return reasons
