"""What a form that came back with errors says at its top: every error, each linked to its field, and the
uploads the browser must send again (a page shown again cannot keep a chosen file)."""

from dataclasses import dataclass

from django.forms import FileField
from django.utils.translation import gettext_lazy as _

DROPPED_UPLOAD = _("Choose the file again: a file is not kept when the form comes back with errors.")
# Widgets whose label points at no single input: the summary links to their first choice.
_CHOICE_GROUPS = {"checkboxselectmultiple", "radioselect"}


@dataclass(frozen=True)
class Problem:
    message: str
    href: str = ""  # "#id" of the field to fix; empty for an error of the whole form
    label: str = ""


def field_anchor(bound) -> str:
    anchor = bound.auto_id
    return f"#{anchor}_0" if bound.widget_type in _CHOICE_GROUPS else f"#{anchor}"


def dropped_upload(bound) -> bool:
    """The browser sent a file in this field, and the form came back with errors: the file is gone, unless
    the view kept it server-side (it names the field in `form.kept_uploads`)."""
    form = bound.form
    return bool(isinstance(bound.field, FileField) and form.is_bound and form.errors
                and form.files and form.files.get(bound.html_name)
                and bound.name not in getattr(form, "kept_uploads", ()))


def _form_problems(form, row=None):
    problems = []
    first = next(iter(form.visible_fields()), None)
    for message in form.non_field_errors():
        problems.append(Problem(message, field_anchor(first) if row and first else ""))
    for bound in form.visible_fields():
        label = f"{bound.label} {row}" if row else str(bound.label)
        problems += [Problem(message, field_anchor(bound), label) for message in bound.errors]
        if dropped_upload(bound) and not bound.errors:
            problems.append(Problem(DROPPED_UPLOAD, field_anchor(bound), label))
    return problems


def problems(*forms):
    """Every error of these forms and formsets, in page order."""
    found = []
    for form in forms:
        if form is None or not form.is_bound:
            continue
        if hasattr(form, "forms"):  # a formset: its own errors, then each row's, numbered as on the page
            found += [Problem(message) for message in form.non_form_errors()]
            for number, row in enumerate(form.forms, start=1):
                found += _form_problems(row, row=number)
        else:
            found += _form_problems(form)
    return found
