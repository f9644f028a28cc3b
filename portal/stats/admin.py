from django.contrib import admin

from portal.stats import figures
from portal.stats.models import Target


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["key", "label_ko", "label_en", "value", "baseline", "progress", "unit", "year"]
    list_editable = ["value", "progress"]
    list_filter = ["unit", "year"]
    search_fields = ["key", "label_ko", "label_en"]
    readonly_fields = ["updated_at"]

    def get_readonly_fields(self, request, obj=None):
        # The code looks targets up by key: an existing key stays as it is.
        return [*self.readonly_fields, "key"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        figures.invalidate()  # the dashboard shows targets: recount after this edit commits

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        figures.invalidate()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        figures.invalidate()
