"""Publishing and unpublishing as the rows of Article.WORKFLOW: each step from each status."""

import datetime

import pytest
from django.utils import timezone, translation

from news import services
from news.models import Article, Status
from portal.workflow import WorkflowError

WORKFLOW = Article.WORKFLOW


@pytest.mark.parametrize(("name", "start"), [(t.name, status) for t in WORKFLOW for status in Status.values])
def test_every_step_of_the_table_runs_from_its_sources_only(make_article, editor, name, start):
    transition = WORKFLOW[name]
    article = make_article(status=start)
    if start in transition.sources:
        services.article_transition(article=article, name=name, by=editor)
        article.refresh_from_db()
        assert article.status == transition.target
        return
    with pytest.raises(WorkflowError) as error:
        services.article_transition(article=article, name=name, by=editor)
    assert error.value.message == WORKFLOW.refusal(transition, current=start).message
    article.refresh_from_db()
    assert article.status == start


def test_publishing_a_published_article_says_it_already_is(make_article, editor):
    article = make_article()
    with translation.override("en"), pytest.raises(WorkflowError) as error:
        services.article_publish(article=article, by=editor)
    assert error.value.message == "This article is already published: it cannot be published again."


def test_unpublishing_keeps_the_publication_time_for_the_next_publication(make_article, editor):
    article = make_article()
    first = article.published_at
    services.article_unpublish(article=article, by=editor)
    services.article_publish(article=article, by=editor)
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.published_at == first


def test_publishing_at_a_time_schedules_the_article(make_article, editor):
    later = timezone.now() + datetime.timedelta(days=1)
    article = services.article_publish(article=make_article(status=Status.DRAFT), by=editor, at=later)
    assert article.is_scheduled and not Article.objects.published().exists()
