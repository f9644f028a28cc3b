from django.urls import path

from news import feeds, views
from portal.pagecache import public_page

app_name = "news"

# <str:slug> rather than <slug:slug>: slugs made from Korean titles contain Hangul.
urlpatterns = [
    path("", views.article_list, name="list"),
    path("feed/", public_page(feeds.AtomFeed()), name="atom"),
    path("rss/", public_page(feeds.RssFeed()), name="rss"),
    path("<str:slug>/", views.article_detail, name="detail"),
    path("<str:slug>/cover", views.article_cover, name="cover"),
]
