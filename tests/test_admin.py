import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from comparisons.models import Article, ArticleFramework

from .factories import FrameworkFactory, build_quiz, build_site

pytestmark = pytest.mark.usefixtures("empty_content")


def _article_form(frameworks, **overrides):
    data = {
        "title": "Alpha vs Beta",
        "slug": "alpha-vs-beta",
        "status": "published",
        "published_at_0": "",
        "published_at_1": "",
        "lede": "Lede.",
        "body": "Body.",
        "verdict": "Verdict.",
        "seo_description": "Description.",
        "entries-TOTAL_FORMS": str(len(frameworks)),
        "entries-INITIAL_FORMS": "0",
        "entries-MIN_NUM_FORMS": "2",
        "entries-MAX_NUM_FORMS": "4",
        "faq-TOTAL_FORMS": "0",
        "faq-INITIAL_FORMS": "0",
    }
    for i, framework in enumerate(frameworks):
        data[f"entries-{i}-position"] = str(i + 1)
        data[f"entries-{i}-framework"] = str(framework.pk)
    data.update(overrides)
    return data


def test_every_registered_model_has_a_working_list_and_add_page(staff_client):
    from recommender.models import Result

    site = build_site()
    build_quiz(site.frameworks)  # every list but the quiz results shows rows
    for model in admin.site._registry:
        opts = model._meta
        if opts.app_label not in ("comparisons", "recommender"):
            continue
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert staff_client.get(url).status_code == 200, url
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        expected = 403 if model is Result else 200  # results come only from the quiz
        assert staff_client.get(url).status_code == expected, url


def test_frameworks_are_listed_in_the_admin(staff_client):
    frameworks = [FrameworkFactory(name="Alpha"), FrameworkFactory(name="Beta", status="draft")]
    response = staff_client.get(reverse("admin:comparisons_framework_changelist"))
    for framework in frameworks:
        assert framework.name in response.text
        assert reverse("admin:comparisons_framework_change", args=[framework.pk]) in response.text


def test_the_framework_page_edits_users_and_pros_and_links_the_matrix(staff_client):
    framework = FrameworkFactory()
    response = staff_client.get(reverse("admin:comparisons_framework_change", args=[framework.pk]))
    for prefix in ["adoptions", "pros_cons"]:
        assert f'name="{prefix}-TOTAL_FORMS"' in response.text
    for prefix in ["supports", "traits", "fits"]:  # one row per feature: the matrix's job
        assert f'name="{prefix}-TOTAL_FORMS"' not in response.text
    assert f"support/matrix/?kind=support&amp;framework={framework.pk}" in response.text
    assert "markdownx" in response.text  # the body uses the live-preview editor


def test_an_article_with_one_framework_is_refused_in_the_admin(staff_client):
    only = FrameworkFactory()
    response = staff_client.post(reverse("admin:comparisons_article_add"), _article_form([only]))
    assert response.status_code == 200
    assert "compares 2 to 4 frameworks" in response.text
    assert not Article.objects.filter(slug="alpha-vs-beta").exists()


def test_publishing_in_the_admin_fills_in_the_publish_date(staff_client):
    frameworks = FrameworkFactory.create_batch(2)
    response = staff_client.post(
        reverse("admin:comparisons_article_add"), _article_form(frameworks)
    )
    assert response.status_code == 302
    article = Article.objects.get(slug="alpha-vs-beta")
    assert article.published_at is not None
    assert ArticleFramework.objects.filter(article=article).count() == 2


def test_editors_can_edit_content_but_not_accounts():
    editors = Group.objects.get(name="Editors")
    codenames = set(editors.permissions.values_list("content_type__app_label", "codename"))
    for model in ["framework", "support", "article", "source", "faqentry"]:
        for action in ["add", "change", "delete", "view"]:
            assert ("comparisons", f"{action}_{model}") in codenames
    assert not editors.permissions.filter(content_type__app_label="auth").exists()
    assert Permission.objects.filter(content_type__app_label="auth").exists()


def test_an_editor_reaches_content_but_is_refused_users_and_groups(client, editor):
    client.force_login(editor)
    assert client.get(reverse("admin:comparisons_framework_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
