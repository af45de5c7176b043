import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from comparisons.models import Article, ArticleFramework, Status, Support

from .factories import ArticleFactory, FeatureFactory, FrameworkFactory, SupportFactory

pytestmark = pytest.mark.django_db


def test_a_second_support_row_for_the_same_framework_and_feature_is_refused():
    support = SupportFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Support.objects.create(
            framework=support.framework, feature=support.feature, level=Support.Level.NONE
        )
    assert Support.objects.filter(framework=support.framework).count() == 1


def test_an_extension_level_without_the_extension_named_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        SupportFactory(level=Support.Level.THIRD_PARTY, via="")


def test_a_named_extension_is_accepted():
    support = SupportFactory(level=Support.Level.OFFICIAL, via="Alpha-ORM")
    assert support.pk


def test_an_article_published_without_a_publish_time_goes_live_now():
    article = ArticleFactory(status=Status.PUBLISHED, published_at=None)
    assert article.published_at is not None and article.is_live


def test_the_database_refuses_a_published_article_without_a_publish_time():
    article = ArticleFactory(status=Status.DRAFT, published_at=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(status=Status.PUBLISHED)
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


def test_a_draft_article_needs_no_publish_date():
    assert ArticleFactory(status=Status.DRAFT, published_at=None).pk


def test_an_article_cannot_hold_a_fifth_framework():
    article = ArticleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFramework.objects.create(article=article, framework=FrameworkFactory(), position=5)


def test_an_article_cannot_list_the_same_framework_twice():
    article = ArticleFactory()
    framework = FrameworkFactory()
    ArticleFramework.objects.create(article=article, framework=framework, position=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFramework.objects.create(article=article, framework=framework, position=2)


def test_model_validation_explains_the_publish_date_rule():
    article = ArticleFactory.build(status=Status.PUBLISHED, published_at=None)
    with pytest.raises(ValidationError, match="needs a publish date"):
        article.full_clean()


def test_published_articles_exclude_drafts_and_future_dates(empty_content):
    live = ArticleFactory(status=Status.PUBLISHED, published_at=timezone.now())
    for position, framework in enumerate(FrameworkFactory.create_batch(2), 1):
        ArticleFramework.objects.create(article=live, framework=framework, position=position)
    ArticleFactory(status=Status.DRAFT)
    ArticleFactory(
        status=Status.PUBLISHED, published_at=timezone.now() + timezone.timedelta(days=1)
    )
    assert list(Article.objects.published()) == [live]


def test_natural_keys_round_trip_for_row_models():
    support = SupportFactory(feature=FeatureFactory(slug="object-mapper"))
    assert Support.objects.get_by_natural_key(*support.natural_key()) == support
