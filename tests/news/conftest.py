"""News personas and builders: an editor (News editors group, MFA), a plain staff member, and articles."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from news.models import Article, Category, Status
from news.services import article_save
from tests import personas


@pytest.fixture
def editor(db):
    return personas.staff("editor@example.com", group=personas.NEWS_EDITORS)


@pytest.fixture
def make_article(db):
    """An article saved through the service; published an hour ago unless told otherwise."""
    counter = iter(range(1, 10_000))

    def make(title=None, *, status=Status.PUBLISHED, published_at=None, **fields):
        n = next(counter)
        if status == Status.PUBLISHED and published_at is None:
            published_at = timezone.now() - datetime.timedelta(hours=1, minutes=n)
        article = Article(
            title=title or f"Article {n}",
            summary=fields.pop("summary", f"Summary {n}"),
            body=fields.pop("body", f"Body **{n}**"),
            category=fields.pop("category", Category.NOTICE),
            status=status,
            published_at=published_at,
            **fields,
        )
        return article_save(article=article)

    return make


def png_bytes(width=400, height=300, fmt="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 160)).save(buffer, format=fmt)
    return buffer.getvalue()


def png_upload(name="cover.png", **kwargs):
    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")
