import functools

from allauth.mfa.utils import is_mfa_enabled
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IS_POPUP_VAR, IncorrectLookupParameters
from django.contrib.admin.utils import model_ngettext
from django.contrib.admin.views.main import ORDER_VAR, PAGE_VAR, ChangeList
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import InvalidPage
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from portal import reauth
from portal.db import search

# date_hierarchy parts and the values datetime() accepts (the year + 1 must exist too).
_DATE_PARTS = {"__year": (1, 9998), "__month": (1, 12), "__day": (1, 31)}


def _unusable_query(request) -> str:
    """Why the query string would crash Django 5.2's changelist (a 500) instead of being refused, or ''.

    A NUL byte reaches PostgreSQL, which refuses it in text; an out-of-range date_hierarchy
    year (e.g. 9999, whose next year does not exist) raises outside Django's own check.
    """
    for key, values in request.GET.lists():
        for value in values:
            if "\x00" in key or "\x00" in value:
                return "NUL byte in the query string"
            for suffix, (low, high) in _DATE_PARTS.items():
                if key.endswith(suffix) and not (value.isascii() and value.isdigit() and low <= int(value) <= high):
                    return f"{key} out of range"
    return ""


class PortalAdminSite(admin.AdminSite):
    """Ministry staff's admin: a staff account with MFA enabled, signed in through allauth.

    The admin's own login form would skip allauth's MFA stage, so every sign-in
    goes through allauth, and a staff member without an authenticator is sent
    to set one up first.
    """

    site_header = _("AI Autonomous Manufacturing Alliance administration")
    site_title = _("Alliance administration")
    index_title = _("Ministry staff workspace")
    # The sidebar repeats the index page's list of every model on each page (a third of a short list's
    # rendering time); the breadcrumbs lead back to that index.
    enable_nav_sidebar = False

    def admin_view(self, view, cacheable=False):
        """Every admin view (the site's and each ModelAdmin's) answers 400 to a query it cannot use."""

        @functools.wraps(view)
        def refuse_unusable_queries(request, *args, **kwargs):
            problem = _unusable_query(request)
            if problem:
                raise BadRequest(problem)
            return view(request, *args, **kwargs)

        return super().admin_view(refuse_unusable_queries, cacheable)

    def has_permission(self, request):
        # Asked more than once per request (the view and the page's context): look the authenticator up once.
        if not hasattr(request, "_portal_admin_permission"):
            request._portal_admin_permission = super().has_permission(request) and is_mfa_enabled(request.user)
        return request._portal_admin_permission

    def login(self, request, extra_context=None):
        next_url = request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            # Only pages of this site: ?next=https://elsewhere must not make the admin an open redirect.
            next_url = reverse("admin:index")
        user = request.user
        if not user.is_authenticated:
            return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
        if not (user.is_active and user.is_staff):
            raise PermissionDenied
        if not is_mfa_enabled(user):
            messages.warning(
                request,
                _("The administration requires two-factor authentication. Set up an authenticator app first."),
            )
            return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': next_url})}")
        return redirect(next_url)


class LongListMixin:
    """For ModelAdmins whose changelists show a full page of rows on every visit.

    Django renders each row's action checkbox through the form-widget templates, which costs more
    than all the row's other cells together; this writes the same markup directly.
    """

    def action_checkbox(self, obj):
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME, obj.pk,
            format_html(gettext("Select this object for an action - {}"), str(obj)),
        )


# A search box's matches are counted up to SEARCH_COUNT_LIMIT (portal.db.search.matches: what it reads is bounded by
# the limit, not by how many rows hold the term); a search with more lists its first SEARCH_CAPPED_ROWS in the list's
# order, one page, and says so (admin/includes/capped_search.html): each row listed walks rows / limit rows at most.
SEARCH_COUNT_LIMIT = 500
SEARCH_CAPPED_ROWS = 50


class CappedSearchChangeList(ChangeList):
    """A changelist that lists no more than its paginator counts, sorted only as its column headers offer.

    Django lists the whole queryset when the count fits one page or "show all" is asked; the queryset of a search with
    more matches than it counts holds every match. And Django sorts by any column's `?o=` in the address, where
    `sortable_by` names the columns that an index sorts (sorting 100,000 rows by another costs 100 ms and more)."""

    def get_ordering_field(self, field_name):
        if self.sortable_by is not None and field_name not in self.sortable_by:
            return None
        return super().get_ordering_field(field_name)

    def get_results(self, request):
        super().get_results(request)
        if not getattr(self.paginator, "count_capped", False):
            return
        if (self.show_all and self.can_show_all) or not self.multi_page:  # the whole queryset, not a page
            try:
                self.result_list = self.paginator.page(self.page_num).object_list
            except InvalidPage as invalid:
                raise IncorrectLookupParameters from invalid
        self.show_all = self.can_show_all = False
        # Django's search bar says "N results" when the count differs from the full one: here N would be the rows
        # listed, not the matches, which the list's own message counts (admin/includes/capped_search.html).
        self.full_result_count = self.result_count


class StoredCountMixin:
    """Counts a changelist of a long table need not make (with `paginator = DeferredJoinPaginator`; issue 19).

    - The list of every row takes its count (and any sums) from the worker's (`portal.derived`, the value named
      `stored_totals`, a dict with "count"), since counting 100,000 rows on every page grows with the table. A
      filter, or a user who sees only some rows (`shows_every_row`), is counted. The stored count may be a moment
      behind a change, as the directory's: the last page still shows every row there is (DeferredJoinPaginator's
      estimated count). With the count, `marks` of the list's order let a deep page start near its rows.
    - A search (`search_matches` in `get_search_results`) reads the pks of its matches once, up to SEARCH_COUNT_LIMIT
      + 1, and pages those; a search with more matches lists the first SEARCH_CAPPED_ROWS in the chosen order
      (`search_capped`), and an action on "all" of it acts on those (`response_action`). The CSV download holds every
      match.
    """

    stored_totals = None

    def shows_every_row(self, request):
        return not (set(request.GET) - {PAGE_VAR, ORDER_VAR})

    def list_totals(self, request):
        """{"count": ..., column: sum} of the list, when known without counting it, else None."""
        if self.stored_totals is None or not self.shows_every_row(request):
            return None
        from portal import derived

        return derived.get(self.stored_totals)

    def search_matches(self, request, queryset, fields, search_term):
        """`queryset` narrowed to the rows where each word of `search_term` is in one of `fields` (quoted phrases
        kept whole, as Django's own search), counted up to SEARCH_COUNT_LIMIT + 1 for the paginator."""
        words = []
        for word in smart_split(search_term):
            if word.startswith(('"', "'")) and word[0] == word[-1]:
                word = unescape_string_literal(word)
            if word:
                words.append(word)
        if not words:
            return queryset
        rows, request._search_counted = search.matches(queryset, fields, words, limit=SEARCH_COUNT_LIMIT)
        return rows

    def get_changelist(self, request, **kwargs):
        return CappedSearchChangeList

    def search_capped(self, request):
        return getattr(request, "_search_counted", 0) > SEARCH_COUNT_LIMIT

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        counted = getattr(request, "_search_counted", None)
        if counted is not None:
            return self.paginator(queryset, per_page, orphans=orphans, allow_empty_first_page=allow_empty_first_page,
                                  count_limit=SEARCH_COUNT_LIMIT, counted=counted, capped_rows=SEARCH_CAPPED_ROWS)
        totals = self.list_totals(request)
        return self.paginator(queryset, per_page, orphans=orphans, allow_empty_first_page=allow_empty_first_page,
                              estimated_count=totals["count"] if totals else None,
                              marks=totals.get("marks") if totals else None)

    def response_action(self, request, queryset):
        # "Select all" of a capped search selects the rows it lists, as its count says, not every match.
        if request.POST.get("select_across") == "1" and self.search_capped(request):
            queryset = queryset.filter(pk__in=list(queryset.values_list("pk", flat=True)[:SEARCH_CAPPED_ROWS]))
        return super().response_action(request, queryset)


class WorkflowNoteForm(forms.Form):
    """The note on a workflow step's confirmation page."""

    note = forms.CharField(
        label=_("Note to the applicant"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write a note for the applicant.")},
    )

    def __init__(self, *args, note_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = note_required
        if note_required:
            self.fields["note"].help_text = _("Required for this step.")


class WorkflowAdminMixin:
    """Admin actions for the staff steps of the model's transition table (`model.WORKFLOW`).

    Each step asks for confirmation on one page (admin/workflow_confirm.html), with a note when the
    workflow keeps notes, then runs every selected object through the service (`workflow_run`) and
    reports both what was done and each object that was refused, with the reason.
    """

    workflow_confirm_template = "admin/workflow_confirm.html"
    # The related name of the model's status history (rows with at, from_status, to_status, by, note), if
    # it keeps one: the admin's history page lists only the admin's own log, in which workflow steps (run
    # through the services, from the admin and from the company pages alike) do not appear.
    workflow_history = ""
    object_history_template = "admin/workflow_history.html"

    def workflow_run(self, request, obj, transition, note):
        """Carry out `transition` on `obj` through the app's service."""
        raise NotImplementedError

    def workflow_object_detail(self, obj) -> str:
        """A few words after the object's name on the confirmation page."""
        return ""

    def history_view(self, request, object_id, extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id) if self.workflow_history else None
        if obj is not None:
            extra_context["show_workflow_history"] = True
            extra_context["workflow_history"] = getattr(obj, self.workflow_history).select_related("by")
        return super().history_view(request, object_id, extra_context=extra_context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.actions is None or IS_POPUP_VAR in request.GET:
            return actions
        steps = {
            t.name: (self._workflow_action(t), t.name, t.label)
            for t in self.model.WORKFLOW.staff_transitions()
            if request.user.has_perm(t.permission)
        }
        return {**actions, **steps}

    @staticmethod
    def _workflow_action(transition):
        def action(modeladmin, request, queryset):
            return modeladmin.workflow_confirm(request, queryset, transition)

        action.__name__ = transition.name
        return action

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("workflow/", self.admin_site.admin_view(self.workflow_page), name="{}_{}_workflow".format(*info)),
            *super().get_urls(),
        ]

    def _workflow_page_url(self, transition, objects, note=""):
        url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_workflow", current_app=self.admin_site.name)
        query = {"step": transition.name, "ids": [obj.pk for obj in objects], **({"note": note} if note else {})}
        return f"{url}?{urlencode(query, doseq=True)}"

    def workflow_page(self, request):
        """The confirmation page of a step as a GET (?step=…&ids=…): where a decision goes when the sign-in is older
        than PORTAL_STAFF_DECISION_MAX_AUTH_AGE. It asks for re-authentication first (portal.reauth), then shows the
        step for the same objects; its form posts the action to the list as the action's own page does."""
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        transition = next((t for t in self.model.WORKFLOW.staff_transitions()
                           if t.name == request.GET.get("step")), None)
        if transition is None:
            raise Http404
        if not request.user.has_perm(transition.permission):
            raise PermissionDenied
        ids = [value for value in request.GET.getlist("ids") if value.isdigit()]
        queryset = self.get_queryset(request).filter(pk__in=ids)
        changelist = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist",
                             current_app=self.admin_site.name)
        if not queryset.exists():
            return redirect(changelist)
        if transition.is_decision:
            reauth.require_fresh(request, fresh=reauth.staff_decision_fresh)
        form = WorkflowNoteForm(initial={"note": request.GET.get("note", "")}, note_required=transition.note_required)
        return self._workflow_confirm_page(request, queryset, transition, form, form_action=changelist)

    def workflow_confirm(self, request, queryset, transition):
        if not request.user.has_perm(transition.permission):
            raise PermissionDenied
        if transition.is_decision and not reauth.staff_decision_fresh(request):
            # A decision after an old sign-in: confirm who you are on the step's GET page, which shows it again.
            page = self._workflow_page_url(transition, queryset, request.POST.get("note", ""))
            return reauth.confirm_at(request, page)
        workflow = self.model.WORKFLOW
        confirmed = request.POST.get("post") == "yes"
        form = WorkflowNoteForm(request.POST if confirmed else None, note_required=transition.note_required)
        if confirmed and form.is_valid():
            self._workflow_apply(request, queryset, transition, form.cleaned_data["note"] if workflow.notes else "")
            return None
        return self._workflow_confirm_page(request, queryset, transition, form, form_action=request.get_full_path())

    def _workflow_confirm_page(self, request, queryset, transition, form, *, form_action):
        workflow = self.model.WORKFLOW
        objects = list(queryset)
        return TemplateResponse(request, self.workflow_confirm_template, {
            "form_action": form_action,
            **self.admin_site.each_context(request),
            "title": transition.label,
            "subtitle": None,
            "opts": self.model._meta,
            "transition": transition,
            "workflow": workflow,
            "objects": [(obj, self.workflow_object_detail(obj)) for obj in objects],
            "form": form if workflow.notes else None,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        })

    def _workflow_apply(self, request, queryset, transition, note):
        done, refused = 0, []
        for obj in queryset:
            try:
                self.workflow_run(request, obj, transition, note)
            except ValidationError as error:  # a refused step, or a rule of the model (e.g. submission)
                refused.append((obj, " ".join(error.messages)))
            except PermissionDenied:
                refused.append((obj, gettext("You may not do this.")))
            else:
                done += 1
        if done:
            self.message_user(request, ngettext(
                "%(label)s: %(count)d %(name)s changed.", "%(label)s: %(count)d %(name)s changed.", done
            ) % {"label": transition.label, "count": done, "name": model_ngettext(self.opts, done)}, messages.SUCCESS)
        for obj, reason in refused:
            self.message_user(request, gettext("“%(object)s” was not changed: %(reason)s")
                              % {"object": obj, "reason": reason}, messages.ERROR)



class RecordedAdminViewMixin:
    """A change page that shows a person's details writes an access record each time it is shown (portal.audit).

    `access_record_what` names what the page shows, for the record."""

    access_record_what = ""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None and obj.pk:
            from portal.audit import record_access
            from portal.models import AccessRecord

            record_access(request, obj=obj, what=str(self.access_record_what or self.opts.verbose_name),
                          action=AccessRecord.Action.ADMIN_VIEW)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
