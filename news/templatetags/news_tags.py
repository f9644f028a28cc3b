import json

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.safestring import mark_safe

from news.models import Article

register = template.Library()

# The characters that could end a <script> block or start markup inside it, as JSON escapes.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.inclusion_tag("news/includes/latest_news.html")
def latest_news(count=3):
    """The newest published articles, in one query (for the home page)."""
    articles = Article.objects.published().newest_first().only(
        "title", "slug", "category", "summary", "published_at"
    )[: max(1, min(int(count), 12))]
    return {"articles": list(articles)}


@register.filter
def ld_json(data):
    """Data for <script type="application/ld+json">: JSON with <, > and & escaped, as json_script does."""
    return mark_safe(json.dumps(data, ensure_ascii=False, default=str).translate(_JSON_SCRIPT_ESCAPES))  # noqa: S308


@register.simple_tag(takes_context=True)
def article_ld(context, article):
    """schema.org NewsArticle for an article page."""
    request = context["request"]
    site = str(settings.PORTAL_SITE_NAME)
    url = request.build_absolute_uri(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": article.summary,
        "datePublished": article.published_at.isoformat(),
        "dateModified": article.updated_at.isoformat(),
        "mainEntityOfPage": url,
        "url": url,
        "inLanguage": "ko",
        "articleSection": article.get_category_display(),
        "author": {"@type": "Organization", "name": site},
        "publisher": {
            "@type": "Organization",
            "name": site,
            "logo": {"@type": "ImageObject", "url": request.build_absolute_uri(static("img/favicon.svg"))},
        },
    }
    if article.cover:
        data["image"] = [request.build_absolute_uri(article.cover_url())]
    if article.source_link:
        data["isBasedOn"] = article.source_link
    return ld_json(data)
