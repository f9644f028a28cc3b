from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from news import services, tasks
from news.forms import FeedImportForm
from news.models import Article, Status, unique_slug
from portal.admin import WorkflowAdminMixin


class ArticleAdminForm(forms.ModelForm):
    source_url = forms.URLField(label=_("source address"), required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = Article
        fields = [
            "title", "slug", "category", "summary", "body", "cover", "cover_alt",
            "source_name", "source_url", "source_published_on", "status", "published_at",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The admin's date-and-time widget prints "Date:" and "Time:" as bare text beside its two inputs,
        # and the field's <label> points at neither: each input gets its name for screen readers here.
        field = self.fields.get("published_at")
        if field is not None and isinstance(field.widget, forms.MultiWidget):
            date, time = field.widget.widgets
            date.attrs["aria-label"] = _("%(field)s, date") % {"field": field.label}
            time.attrs["aria-label"] = _("%(field)s, time") % {"field": field.label}

    def clean(self):
        cleaned = super().clean()
        # An empty slug is made from the title here, so the model's checks see the final value.
        if not cleaned.get("slug") and cleaned.get("title"):
            cleaned["slug"] = unique_slug(cleaned["title"], exclude_pk=self.instance.pk)
        return cleaned


@admin.register(Article)
class ArticleAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    change_form_template = "news/admin/article_change_form.html"
    change_list_template = "news/admin/article_change_list.html"
    list_display = ["title", "category", "state", "published_at", "updated_at", "author", "preview_link"]
    list_filter = ["status", "category", "published_at"]
    list_select_related = ["author"]
    search_fields = ["title", "summary", "body", "source_name", "source_url"]
    date_hierarchy = "published_at"
    readonly_fields = ["author", "updated_at", "guid"]
    # The actions are the steps of Article.WORKFLOW (WorkflowAdminMixin).
    fieldsets = [
        (None, {"fields": ["title", "slug", "category", "summary", "body"]}),
        (_("Cover"), {"fields": ["cover", "cover_alt"]}),
        (_("Republished from"), {"fields": ["source_name", "source_url", "source_published_on", "guid"]}),
        (_("Publication"), {"fields": ["status", "published_at", "author", "updated_at"]}),
    ]

    def has_publish_permission(self, request):
        return request.user.has_perm("news.publish_article")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            fields += ["status", "published_at"]
        return fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        # The service retires a replaced or cleared cover once the change commits.
        services.article_save(article=obj, by=request.user)

    @admin.display(description=_("state"), ordering="status")
    def state(self, obj):
        if obj.is_scheduled:
            return format_html('<span title="{}">{}</span>', obj.published_at, _("Scheduled"))
        return obj.get_status_display()

    @admin.display(description=_("preview"))
    def preview_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:news_article_preview", args=[obj.pk]), _("Preview"))

    # Actions: the steps of Article.WORKFLOW, confirmed on one page (WorkflowAdminMixin).

    def workflow_run(self, request, obj, transition, note):
        services.article_transition(article=obj, name=transition.name, by=request.user)

    def workflow_object_detail(self, obj):
        if obj.is_scheduled:
            return _("scheduled for %(time)s") % {"time": formats.localize(timezone.localtime(obj.published_at))}
        return ""

    # Extra pages: rendered preview and feed import.

    def get_urls(self):
        return [
            path("<int:pk>/preview/", self.admin_site.admin_view(self.preview_view), name="news_article_preview"),
            path("import/", self.admin_site.admin_view(self.import_view), name="news_article_import"),
            *super().get_urls(),
        ]

    def preview_view(self, request, pk):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        article = get_object_or_404(Article, pk=pk)
        return TemplateResponse(request, "news/admin/article_preview.html", {
            **self.admin_site.each_context(request),
            "title": _("Preview: %(title)s") % {"title": article.title},
            "opts": self.model._meta,
            "original": article,
            "article": article,
            "is_draft": article.status == Status.DRAFT,
        })

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = FeedImportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            # Fetching the feed is the worker's job: a slow or silent feed server never holds this request.
            tasks.import_feed.enqueue(
                url=form.cleaned_data["url"],
                source_name=form.cleaned_data["source_name"],
                category=form.cleaned_data["category"],
                by_id=request.user.pk,
            )
            self.message_user(request, _("The import was queued. Its drafts appear in the list once the background "
                                         "worker has run it; its outcome is shown under “Recent imports”."),
                              messages.SUCCESS)
            return redirect(reverse("admin:news_article_import"))
        return TemplateResponse(request, "news/admin/article_import.html", {
            **self.admin_site.each_context(request),
            "title": _("Import from a feed"),
            "opts": self.model._meta,
            "form": form,
            "imports": tasks.recent_imports(),
        })
