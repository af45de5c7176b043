"""Drafts never leak: nothing derived from an unpublished row reaches a public URL.

"Hushframe" is a framework with one of each kind of fact, an adopter only it has, a
feature and a use case only it fills in, articles about it and quiz weights for it;
every name, slug and text of it contains "hush". Each leak path is tested with it a
draft and scheduled for tomorrow (nothing of it appears) and published (the same
request shows it, so the test is known to look in the right place).
"""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from comparisons.models import Article, ArticleFramework, Framework, ProCon, Status
from recommender.models import Choice, Weight

from .crawl import crawl_sitemap
from .factories import (
    AdoptionFactory,
    ArticleFactory,
    CompanyFactory,
    FaqEntryFactory,
    FeatureFactory,
    FitFactory,
    FrameworkFactory,
    ProConFactory,
    SupportFactory,
    TraitValueFactory,
    UseCaseFactory,
    build_quiz,
    build_site,
)
from .htmlforms import form_data

pytestmark = pytest.mark.usefixtures("empty_content")

STATES = ["draft", "scheduled", "published"]
MARK = "hush"  # in every name, slug and text of the framework under test


@pytest.fixture
def site():
    site = build_site()
    build_quiz(site.frameworks)
    return site


def hushframe(state, site):
    """The framework under test, with its facts; ``state`` is one of STATES."""
    published_at = {
        "draft": None,
        "scheduled": timezone.now() + datetime.timedelta(days=1),
        "published": datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
    }[state]
    framework = FrameworkFactory(
        name="Hushframe", slug="hushframe", tagline="Hushtagline", summary="Hushsummary.",
        status=Status.DRAFT if state == "draft" else Status.PUBLISHED, published_at=published_at,
    )  # fmt: skip
    SupportFactory(framework=framework, feature=site.orm, level="third-party", via="Hushext",
                   via_url="https://hushext.example/")  # fmt: skip
    SupportFactory(framework=framework, feature=FeatureFactory(name="Hushfeature",
                   slug="hushfeature", description="Only Hushframe has it."))  # fmt: skip
    for feature in (site.admin, site.csrf):  # its other cells: not checked yet
        SupportFactory(framework=framework, feature=feature, level="unchecked")
    TraitValueFactory(framework=framework, trait=site.template_engine, value="Hushtemplates")
    FitFactory(framework=framework, use_case=site.cms, rationale="Hushfit for content.")
    FitFactory(framework=framework, use_case=UseCaseFactory(name="Hushcase", slug="hushcase"),
               rationale="Hushfit.")  # fmt: skip
    AdoptionFactory(framework=framework, company=site.bigco, how="Hushhow at Bigco.")
    AdoptionFactory(framework=framework, company=CompanyFactory(name="Hushco", slug="hushco"),
                    how="Hushhow.")  # fmt: skip
    ProConFactory(framework=framework, kind="pro", title="Hushpro", detail="Hushdetail.")
    return framework


def article_on(frameworks, title, **kwargs):
    """A published article (as saved by code: no validation) on ``frameworks``."""
    kwargs = {
        "slug": re.sub(r"\W+", "-", title.lower()).strip("-"), "lede": f"{title}: the lede.",
        "status": Status.PUBLISHED,
        "published_at": datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC), **kwargs,
    }  # fmt: skip
    article = ArticleFactory(title=title, **kwargs)
    for position, framework in enumerate(frameworks, 1):
        ArticleFramework.objects.create(article=article, framework=framework, position=position)
    return article


def articles_about(framework, site):
    """A pair article and a three-way article that name ``framework``."""
    pair = article_on([site.alpha, framework], "Alpha or Hushframe")
    FaqEntryFactory(article=pair, question="Is Hushframe ready?", answer="Hushanswer.")
    three = article_on([site.alpha, site.beta, framework], "Three with Hushframe")
    return pair, three


def mentions(response):
    return MARK in response.content.decode().lower()


def found(client, query):
    """Whether a search for ``query`` finds anything of the framework under test."""
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return any(
        MARK in f"{result.name} {result.blurb} {result.url}".lower()
        for result in response.context["results"]
    )


# --- Frameworks: lists, tables, open data, the quiz --------------------------------------------

# Pages that show the framework, or something only it has, once it is published.
LISTING_PAGES = [
    "/",  # its card
    "/frameworks/",
    "/frameworks/alpha/",  # "compare with" links
    "/compare/",  # the picker and every pair
    "/features/",  # its column; Hushfeature's row
    "/features/orm/",  # its support, next to the published frameworks'
    "/use-cases/",  # Hushcase
    "/use-cases/cms/",  # its fit
    "/sitemap.xml",
    "/data/frameworks.json",
    "/data/support.csv",
    "/data/adoptions.csv",
    "/data/traits.csv",
]
# Pages that never show it, published or not.
OTHER_PAGES = ["/compare/alpha-vs-beta/", "/quiz/", "/feed/"]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("url", LISTING_PAGES + OTHER_PAGES)
def test_a_framework_readers_cannot_see_is_on_no_public_page(client, site, state, url):
    hushframe(state, site)
    response = client.get(url)
    assert response.status_code == 200
    shown = state == "published" and url in LISTING_PAGES
    assert mentions(response) == shown


@pytest.mark.parametrize("state", STATES)
def test_its_own_addresses_are_404s_that_tell_nothing(client, site, state):
    hushframe(state, site)
    published = state == "published"
    for url in ["/frameworks/hushframe/", "/compare/alpha-vs-hushframe/",
                "/compare/alpha-vs-hushframe/changes/", "/og/frameworks/hushframe.png",
                "/og/compare/alpha-vs-hushframe.png", "/features/hushfeature/",
                "/use-cases/hushcase/"]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == (200 if published else 404), url
        if not published:  # the 404 page repeats the address asked for, nothing else
            assert not re.search(r"hush(?!frame|feature|case)", response.text.lower()), url
    picker = client.get("/compare/", {"f": ["alpha", "hushframe"]})
    assert picker.status_code == (302 if published else 400)


def test_a_feature_or_use_case_with_no_facts_yet_stays_listed(client, site):
    FeatureFactory(name="Brand new feature", slug="brand-new")
    UseCaseFactory(name="Brand new use", slug="brand-new-use")
    assert "Brand new feature" in client.get("/features/").text
    assert "Brand new use" in client.get("/use-cases/").text
    assert client.get("/features/brand-new/").status_code == 200
    assert client.get("/use-cases/brand-new-use/").status_code == 200


@pytest.mark.parametrize("state", STATES)
def test_the_quiz_never_recommends_it(client, site, state):
    framework = hushframe(state, site)
    Weight.objects.create(choice=Choice.objects.get(slug="new"), framework=framework, points=10,
                          reason="Hushreason")  # fmt: skip
    response = client.post("/quiz/", {"experience": "new"}, follow=True)
    assert response.status_code == 200
    assert mentions(response) == (state == "published")
    winner = re.search(r'id="verdict" data-framework="([^"]+)"', response.text).group(1)
    assert (winner == "hushframe") == (state == "published")


# --- Search ------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize(
    "query",
    [
        "hushframe",  # the framework
        "hushsummary",  # its text
        "hushframe vs alpha",  # its comparisons
        "hushframe orm",  # its support of a feature
        "bigco",  # a company that uses it and a published framework
        "hushco",  # a company only it has
        "hushhow",  # what a company uses it for
        "hushfeature",  # a feature only it has
        "hushcase",  # a use case only it fits
        "three with hushframe",  # an article about it
    ],
)
def test_search_finds_nothing_of_it(client, site, state, query):
    framework = hushframe(state, site)
    articles_about(framework, site)
    assert found(client, query) == (state == "published")


def test_a_company_is_found_by_its_published_uses_only(client, site):
    hushframe("draft", site)
    response = client.get("/search/", {"q": "bigco"})
    [company] = response.context["results"]
    assert (company.name, company.blurb) == ("Bigco", "Alpha: Runs its shop on it.")


# --- Articles about it --------------------------------------------------------------------------

ARTICLE_PAGES = ["/", "/compare/", "/feed/", "/sitemap.xml", "/frameworks/alpha/",
                 "/frameworks/beta/"]  # fmt: skip


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("url", ARTICLE_PAGES)
def test_a_published_article_about_it_is_on_no_public_page(client, site, state, url):
    framework = hushframe(state, site)
    articles_about(framework, site)
    text = client.get(url).text
    shown = state == "published"
    assert ("alpha-vs-beta-vs-hushframe" in text) == shown  # on every one of these pages
    if url != "/sitemap.xml":
        assert ("Three with Hushframe" in text) == shown
    if state != "published":
        assert MARK not in text.lower()


@pytest.mark.parametrize("state", STATES)
def test_no_page_a_crawler_finds_shows_it_its_facts_or_articles(client, site, state):
    framework = hushframe(state, site)
    articles_about(framework, site)
    published = state == "published"
    for url in ["/compare/alpha-vs-hushframe/", "/compare/alpha-vs-beta-vs-hushframe/",
                "/og/compare/alpha-vs-beta-vs-hushframe.png"]:  # fmt: skip
        assert client.get(url).status_code == (200 if published else 404), url
    # Every page the sitemap lists (and a crawler can reach), and its JSON-LD.
    urls, failed, _ = crawl_sitemap(client)
    assert not failed
    pages = {url: client.get(url).text for url in urls}
    structured = "".join(
        "".join(re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.S))
        for text in pages.values()
    )
    assert ("Hushanswer" in structured) == published  # the FAQ's structured data
    assert (MARK in structured.lower()) == published
    if published:  # its profile and comparisons: pros and cons, traits, users, fits
        text = "".join(pages.values())
        for fact in ["Hushpro", "Hushdetail", "Hushtemplates", "Hushhow", "Hushfit", "Hushext"]:
            assert fact in text, fact
    else:
        assert not [url for url, text in pages.items() if MARK in text.lower()]


def test_an_article_whose_framework_goes_back_to_draft_disappears(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # as saves commit in production
        site = build_site()
        framework = hushframe("published", site)
        articles_about(framework, site)
    assert "Three with Hushframe" in client.get("/").text
    with django_capture_on_commit_callbacks(execute=True):
        framework.status = Status.DRAFT
        framework.save()
    for url in ARTICLE_PAGES:
        assert MARK not in client.get(url).text.lower(), url
    assert not found(client, "three with hushframe")
    with django_capture_on_commit_callbacks(execute=True):
        framework.status = Status.PUBLISHED
        framework.save()
    assert "Three with Hushframe" in client.get("/").text


def test_an_article_scheduled_before_its_framework_waits_for_it(client, site):
    framework = hushframe("scheduled", site)  # live tomorrow
    article_on([site.alpha, framework], "Alpha or Hushframe")  # live since January
    assert MARK not in client.get("/feed/").text.lower()
    assert list(Article.objects.published()) == [site.article]
    Framework.objects.filter(pk=framework.pk).update(published_at=timezone.now())
    assert [a.title for a in Article.objects.published()] == ["Alpha or Hushframe",
                                                              "Alpha vs Beta"]  # fmt: skip


@pytest.mark.parametrize("compared", [0, 1])
def test_a_published_article_comparing_too_few_frameworks_breaks_no_page(client, site, compared):
    article_on(site.frameworks[:compared], "Hushfew")
    for url in ["/", "/compare/", "/feed/", "/sitemap.xml", "/frameworks/alpha/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Hushfew" not in response.text, url
    assert "Alpha vs Beta" in client.get("/feed/").text  # the feed still lists the others
    assert not found(client, "hushfew")


# --- The admin: an article about a framework readers cannot see cannot be published -------------


def _article_form(frameworks, **overrides):
    data = {
        "title": "Alpha or Hushframe", "slug": "alpha-or-hushframe", "status": "published",
        "published_at_0": "", "published_at_1": "", "lede": "Lede.", "body": "Body.",
        "verdict": "Verdict.", "seo_description": "Description.",
        "entries-TOTAL_FORMS": str(len(frameworks)), "entries-INITIAL_FORMS": "0",
        "entries-MIN_NUM_FORMS": "2", "entries-MAX_NUM_FORMS": "4",
        "faq-TOTAL_FORMS": "0", "faq-INITIAL_FORMS": "0",
    }  # fmt: skip
    for i, framework in enumerate(frameworks):
        data[f"entries-{i}-position"] = str(i + 1)
        data[f"entries-{i}-framework"] = str(framework.pk)
    return {**data, **overrides}


@pytest.mark.parametrize("state", STATES)
def test_the_admin_refuses_to_publish_an_article_about_it(staff_client, site, state):
    framework = hushframe(state, site)
    response = staff_client.post(
        reverse("admin:comparisons_article_add"), _article_form([site.alpha, framework])
    )
    if state == "published":
        assert response.status_code == 302
        assert Article.objects.get(slug="alpha-or-hushframe").status == Status.PUBLISHED
        return
    assert response.status_code == 200
    message = {
        "draft": "“Hushframe” is a draft, so readers cannot see an article about it.",
        "scheduled": "“Hushframe” goes live on ",
    }[state]
    assert message in response.text.replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert not Article.objects.filter(slug="alpha-or-hushframe").exists()
    # Kept as a draft, it saves.
    draft = _article_form([site.alpha, framework], status="draft")
    assert staff_client.post(reverse("admin:comparisons_article_add"), draft).status_code == 302


def test_the_admin_refuses_to_publish_a_draft_article_whose_rows_are_untouched(staff_client, site):
    framework = hushframe("draft", site)
    article = article_on([site.alpha, framework], "Alpha or Hushframe", status=Status.DRAFT)
    url = reverse("admin:comparisons_article_change", args=[article.pk])
    data = form_data(staff_client.get(url).text, "article_form")
    response = staff_client.post(url, {**data, "status": "published"})
    assert response.status_code == 200
    assert "is a draft, so readers cannot see an article about it" in response.text
    article.refresh_from_db()
    assert article.status == Status.DRAFT


def test_a_compared_framework_row_explains_the_rule_in_model_validation(site):
    framework = hushframe("draft", site)
    article = ArticleFactory(status=Status.PUBLISHED, published_at=timezone.now())
    row = ArticleFramework(article=article, framework=framework, position=1)
    with pytest.raises(ValidationError, match="is a draft"):
        row.full_clean()
    article.status = Status.DRAFT
    row.full_clean()  # a draft article may name a draft framework


def test_the_admin_refuses_to_publish_an_article_with_no_frameworks(staff_client, site):
    response = staff_client.post(reverse("admin:comparisons_article_add"), _article_form([]))
    assert response.status_code == 200
    assert "compares 2 to 4 frameworks; this one has 0" in response.text
    assert not Article.objects.filter(slug="alpha-or-hushframe").exists()


def test_unpublishing_a_framework_warns_which_articles_readers_lose(staff_client, site):
    framework = hushframe("published", site)
    articles_about(framework, site)
    url = reverse("admin:comparisons_framework_change", args=[framework.pk])
    data = form_data(staff_client.get(url).text, "framework_form")
    response = staff_client.post(url, {**data, "status": "draft"}, follow=True)
    assert response.status_code == 200
    text = response.text.replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert "Readers no longer see the published articles about “Hushframe”" in text
    assert "“Alpha or Hushframe”" in text and "“Three with Hushframe”" in text


# --- The public change log ---------------------------------------------------------------------

CHANGES = "/compare/alpha-vs-hushframe/changes/"


def change_log(client):
    response = client.get(CHANGES)
    assert response.status_code == 200
    entries = response.context["page"].object_list
    return [entry["change"] for entry in entries if entry["framework"].slug == "hushframe"]


def edit(row, **values):
    for name, value in values.items():
        setattr(row, name, value)
    row.save()


def test_the_change_log_starts_when_the_framework_is_first_published(client, site):
    framework = hushframe("draft", site)
    pro = ProCon.objects.get(framework=framework)
    edit(pro, title="Secret draft title")
    edit(framework, summary="Secret draft summary.")
    edit(pro, title="Launch title")
    # Published in the same save as a last change of text: that text is where it starts.
    edit(framework, status=Status.PUBLISHED, summary="Launch summary.")
    edit(pro, title="After launch")

    log = change_log(client)

    assert log == ["pro: After launch: title changed from “Launch title” to “After launch”"]
    assert "Secret" not in client.get(CHANGES).text


def test_a_scheduled_framework_is_public_from_its_publish_time(client, site):
    framework = hushframe("scheduled", site)
    pro = ProCon.objects.get(framework=framework)
    edit(pro, title="Secret before launch")
    edit(pro, title="Launch title")
    # Its publish time comes: it was scheduled an hour ago, for half an hour ago.
    launch = timezone.now() - datetime.timedelta(minutes=30)
    Framework.objects.filter(pk=framework.pk).update(published_at=launch)
    Framework.history.filter(id=framework.pk).update(published_at=launch)
    for model in (Framework, ProCon):
        model.history.update(history_date=launch - datetime.timedelta(minutes=30))
    edit(pro, title="After launch")

    assert change_log(client) == [
        "pro: After launch: title changed from “Launch title” to “After launch”"
    ]


def test_changes_while_it_was_back_in_draft_are_one_change_when_it_returns(client, site):
    framework = hushframe("published", site)
    pro = ProCon.objects.get(framework=framework)
    first_title = pro.title
    edit(pro, title="Public title")
    edit(framework, status=Status.DRAFT, summary="Secret summary while hidden.")
    edit(pro, title="Secret title while hidden")
    edit(pro, title="Returning title")
    ProConFactory(framework=framework, kind="con", title="Secret con, removed again").delete()
    edit(framework, summary="Hushsummary.")  # as readers last saw it
    edit(framework, status=Status.PUBLISHED)

    log = change_log(client)

    assert log == [
        "pro: Returning title: title changed from “Public title” to “Returning title”",
        f"pro: Public title: title changed from “{first_title}” to “Public title”",
    ]
    assert "Secret" not in client.get(CHANGES).text
