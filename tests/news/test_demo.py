import random
from io import StringIO

from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth import get_user_model

from news import demo
from news.models import Article, Status


def _seed(scale=1):
    demo.seed(rng=random.Random("2024:news.demo"), scale=scale, stdout=StringIO())


def test_demo_has_the_launch_announcement_attributed_to_its_source(db, client):
    _seed()
    launch = Article.objects.get(guid="urn:alliance-portal:demo:launch")
    assert launch.source_name == "뉴스다오" and launch.source_url == "https://newsdao.kr/4983"
    for fact in ("대한상공회의소", "250명", "12개 업종", "153곳", "40%", "대기업 21%", "중견기업 23%", "중소기업 56%",
                 "10개가 넘는", "200개", "최대 100억 원", "2조 5,000억 원", "10조 원", "한국무역보험공사",
                 "3,000억 원", "| 5% | 40% |", "20% 향상", "100곳 이상"):
        assert fact in launch.body, fact
    page = client.get(launch.get_absolute_url()).content.decode()
    assert '<a href="https://newsdao.kr/4983"' in page


def test_demo_has_other_categories_a_scheduled_item_and_a_draft(db):
    _seed()
    assert set(Article.objects.values_list("category", flat=True)) == {"press-release", "notice", "event",
                                                                       "project-news"}
    assert Article.objects.published().count() == 4
    assert sum(a.is_scheduled for a in Article.objects.all()) == 1
    assert Article.objects.filter(status=Status.DRAFT).count() == 1


def test_demo_is_idempotent_and_deterministic(db):
    _seed(scale=2)
    first = list(Article.objects.order_by("guid").values_list("guid", "slug", "published_at", "category"))
    _seed(scale=2)
    assert list(Article.objects.order_by("guid").values_list("guid", "slug", "published_at", "category")) == first
    assert len(first) == 6 + 20


def test_demo_news_editor_is_staff_with_mfa_in_the_group(db):
    _seed()
    editor = get_user_model().objects.get(email=demo.EDITOR_EMAIL)
    assert editor.is_staff and not editor.is_superuser
    assert editor.groups.filter(name="News editors").exists()
    assert editor.has_perm("news.publish_article")
    assert is_mfa_enabled(editor)
