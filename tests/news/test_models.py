from urllib.parse import unquote

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError

from news.models import Article, Status, validate_cover_image, validate_http_url

from .conftest import png_upload


def test_a_korean_title_gives_a_readable_slug(make_article):
    article = make_article("AI 자율제조 얼라이언스 출범!")
    assert article.slug == "ai-자율제조-얼라이언스-출범"


def test_the_same_title_twice_gets_a_numbered_slug(make_article):
    first = make_article("공모 안내")
    second = make_article("공모 안내")
    third = make_article("공모 안내")
    assert (first.slug, second.slug, third.slug) == ("공모-안내", "공모-안내-2", "공모-안내-3")


def test_a_title_without_letters_still_gets_a_slug(make_article):
    assert make_article("!!! ???").slug == "article"


def test_slugs_of_the_feed_addresses_are_not_given_out(make_article):
    assert make_article("Feed").slug == "feed-2"
    with pytest.raises(ValidationError):
        Article(title="x", summary="x", slug="rss").full_clean()


def test_korean_slug_url_resolves(client, make_article):
    article = make_article("선도 프로젝트 소식")
    assert unquote(article.get_absolute_url()) == "/news/선도-프로젝트-소식/"
    assert client.get(article.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<b>x</b>", "ftp://example.com/x",
                                 "//example.com/x", "HTTPS://example.com", "https://"])
def test_source_address_must_be_http_or_https(url):
    with pytest.raises(ValidationError):
        validate_http_url(url)


def test_http_and_https_source_addresses_are_accepted():
    # The validator raises ValidationError to refuse; accepting is returning quietly.
    assert validate_http_url("https://newsdao.kr/4983") is None
    assert validate_http_url("http://example.com/a?b=c") is None


@pytest.mark.django_db
def test_the_database_refuses_a_javascript_source_address():
    with pytest.raises(IntegrityError):
        Article.objects.create(title="t", slug="t", summary="s", source_url="javascript:alert(1)")


@pytest.mark.django_db
def test_the_database_refuses_a_published_article_without_time():
    with pytest.raises(IntegrityError):
        Article.objects.create(title="t", slug="t", summary="s", status=Status.PUBLISHED)


@pytest.mark.django_db
def test_the_model_explains_a_published_article_needs_a_time():
    article = Article(title="t", slug="t", summary="s", status=Status.PUBLISHED)
    with pytest.raises(ValidationError) as excinfo:
        article.full_clean()
    assert "published_at" in excinfo.value.message_dict


def test_markdown_body_is_rendered_and_sanitised(make_article):
    article = make_article(body="## 제목\n\n**굵게** <script>alert(1)</script> [x](javascript:alert(1))")
    assert "<h2>제목</h2>" in article.body_html
    assert "<strong>굵게</strong>" in article.body_html
    assert "<script" not in article.body_html
    assert "javascript:" not in article.body_html


def test_a_good_png_cover_is_accepted():
    assert validate_cover_image(png_upload()) is None  # refusing raises ValidationError


def test_a_cover_over_5_mb_is_refused():
    upload = SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * (5 * 1024 * 1024), content_type="image/png")
    with pytest.raises(ValidationError) as excinfo:
        validate_cover_image(upload)
    assert excinfo.value.code == "too_large"


def test_a_file_that_is_not_an_image_is_refused_as_cover():
    upload = SimpleUploadedFile("cover.png", b"<svg onload=alert(1)></svg>", content_type="image/png")
    with pytest.raises(ValidationError) as excinfo:
        validate_cover_image(upload)
    assert excinfo.value.code == "bad_type"


def test_a_tiny_cover_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        validate_cover_image(png_upload(width=20, height=20))
    assert excinfo.value.code == "bad_size"


def test_a_gif_cover_is_refused():
    with pytest.raises(ValidationError):
        validate_cover_image(png_upload(fmt="GIF"))


def test_a_cover_is_stored_with_the_extension_of_its_content(make_article):
    article = make_article("표지", cover=png_upload("a.jpg"))
    assert article.cover.name.startswith("private/news-covers/") and article.cover.name.endswith(".png")
