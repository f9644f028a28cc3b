from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from news.forms import ArticleFilterForm
from news.models import Article, Category
from portal.access import staff_may_read_private_files
from portal.files import serve_private_file
from portal.pagecache import public_page

PAGE_SIZE = 10


@public_page(params=("page", "category"))
@require_GET
def article_list(request):
    form = ArticleFilterForm(request.GET or None)
    articles = Article.objects.published().newest_first()
    query, category = "", ""
    if form.is_valid():
        query, category = form.cleaned_data["q"].strip(), form.cleaned_data["category"]
        if category:
            articles = articles.filter(category=category)
        if query:
            articles = articles.search(query)
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "news/article_list.html", {
        "page": page,
        "form": form,
        "query": query,
        "category": category,
        "categories": Category.choices,
        "filter_query": _query_without_page(request),
    })


def _query_without_page(request):
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@public_page
@require_GET
def article_detail(request, slug):
    article = get_object_or_404(Article.objects.published(), slug=slug)
    published = Article.objects.published()
    newer = published.filter(published_at__gt=article.published_at) | published.filter(
        published_at=article.published_at, pk__gt=article.pk
    )
    older = published.filter(published_at__lt=article.published_at) | published.filter(
        published_at=article.published_at, pk__lt=article.pk
    )
    return render(request, "news/article_detail.html", {
        "article": article,
        "previous_article": older.only("title", "slug").order_by("-published_at", "-pk").first(),
        "next_article": newer.only("title", "slug").order_by("published_at", "pk").first(),
        "canonical_url": request.build_absolute_uri(article.get_absolute_url()),
    })


@require_GET
def article_cover(request, slug):
    """The cover picture from private storage: public for published articles, editors may see drafts'."""
    article = get_object_or_404(Article.objects.only("slug", "cover", "status", "published_at"), slug=slug)
    public = article.is_public
    # Drafts' pictures: editors as the admin would let them see the draft.
    if not (public or staff_may_read_private_files(request.user, "news.view_article")):
        raise Http404
    # The address carries ?v=<last update>, so a changed picture gets a new address. A cover is no person's
    # data: its downloads are not access records.
    return serve_private_file(request, article.cover, inline=True, record=False,
                              cache_control="public, max-age=86400" if public else "private, no-store")
