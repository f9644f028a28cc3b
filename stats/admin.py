from django.contrib import admin

from stats.models import Target


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
