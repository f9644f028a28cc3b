from django import forms
from django.utils.translation import gettext_lazy as _

from news.models import Category


class ArticleFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All categories")), *Category.choices]
    )


class FeedImportForm(forms.Form):
    url = forms.URLField(label=_("Feed address"), assume_scheme="https",
                         help_text=_("An RSS or Atom feed on an http:// or https:// address."))
    source_name = forms.CharField(label=_("Source name"), required=False, max_length=100,
                                  help_text=_("Shown in the attribution line. Leave empty to use the feed's title."))
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices, initial=Category.PRESS_RELEASE)

    def clean_url(self):
        url = self.cleaned_data["url"]
        if not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError(_("Enter an address that starts with http:// or https://."))
        return url
