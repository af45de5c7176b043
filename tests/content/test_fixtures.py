"""The initial content: complete, primary-sourced, honest about judgements, and our own words.

These are content tests: they read the rows loaded from fixtures/ (the `seeded`
fixture). Code tests never do; correcting a fact here breaks no code test.
"""

import json
import re
from pathlib import Path

import pytest
from django.db.models import Q

from comparisons.models import (
    FACT_MODELS,
    Adoption,
    Article,
    Basis,
    Feature,
    Fit,
    Framework,
    ProCon,
    Source,
    Support,
    Trait,
    TraitValue,
    UseCase,
    Verification,
)

pytestmark = pytest.mark.usefixtures("seeded")

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
FIXTURES = ROOT / "fixtures"
FRAMEWORKS = {"django", "flask", "fastapi", "tornado", "aiohttp", "sanic", "quart"}
REQUIRED_FEATURES = {
    "orm", "migrations", "admin-panel", "authentication", "user-registration", "templates",
    "forms", "csrf-protection", "xss-protection", "sql-injection-protection",
    "clickjacking-protection", "sessions", "caching", "i18n", "dev-server",
    "interactive-debugger", "test-client", "rest-apis", "async-views", "websockets", "email",
}  # fmt: skip
# The traits of the "Key differences" table (the job-market row went: no dataset backs it).
KEY_DIFFERENCE_TRAITS = {
    "template-engine", "url-routing", "project-structure", "learning-curve", "flexibility",
    "performance-small-apps", "scalability", "security", "best-for", "community-size",
}  # fmt: skip
# Words that belong to our workshop, never on a public page.
# Words from our own research process that mean nothing to a reader.
INTERNAL_WORDS = re.compile(
    r"\bseeds?\b|facts-checked|\bTODO\b|\bFIXME\b|\bfetched\b|\bsnapshot\b|stored cop"
    r"|drop the row",
    re.IGNORECASE,
)


def published_facts(model):
    rows = model.objects.all() if model is Framework else model.objects.checked()
    key = "status" if model is Framework else "framework__status"
    return rows.filter(**{key: "published"})


# --- Complete --------------------------------------------------------------------------


def test_every_framework_has_a_published_profile():
    profiles = Framework.objects.published()
    assert set(profiles.values_list("slug", flat=True)) == FRAMEWORKS
    for framework in profiles:
        assert framework.summary and framework.creators and framework.license
        assert framework.first_released and framework.homepage and framework.pypi_name
        assert framework.sources.exists(), framework


def test_every_framework_has_a_support_row_for_every_feature():
    assert set(Feature.objects.values_list("slug", flat=True)) >= REQUIRED_FEATURES
    features = Feature.objects.count()
    for framework in Framework.objects.all():
        assert framework.supports.count() == features, framework


def test_every_framework_has_every_key_difference_trait():
    assert set(Trait.objects.values_list("slug", flat=True)) >= KEY_DIFFERENCE_TRAITS
    for framework in Framework.objects.all():
        slugs = set(framework.traits.values_list("trait__slug", flat=True))
        assert slugs >= KEY_DIFFERENCE_TRAITS, framework


def test_every_use_case_has_a_fit_for_every_framework():
    for use_case in UseCase.objects.all():
        assert use_case.fits.count() == len(FRAMEWORKS), use_case


def test_every_framework_has_at_least_three_pros_and_two_cons():
    for framework in Framework.objects.all():
        pros = framework.pros_cons.filter(kind="pro").count()
        cons = framework.pros_cons.filter(kind="con").count()
        assert pros >= 3 and cons >= 2, (framework, pros, cons)


def test_every_framework_says_when_we_last_looked_for_its_users():
    for framework in Framework.objects.published():
        assert framework.adopters_checked_on, framework


def test_the_initial_content_has_no_placeholder_left_to_fill():
    for model in (Support, TraitValue, Fit):
        assert not model.objects.unchecked().exists(), model


# --- Primary-sourced --------------------------------------------------------------------


@pytest.mark.parametrize("model", FACT_MODELS)
def test_every_sourced_fact_cites_a_source_with_a_public_address(model):
    rows = published_facts(model).prefetch_related("sources")
    if any(f.name == "basis" for f in model._meta.fields):
        rows = rows.filter(basis=Basis.SOURCED)
    unsourced = [str(row) for row in rows if not any(s.url for s in row.sources.all())]
    assert unsourced == []


@pytest.mark.parametrize("model", [TraitValue, Fit, ProCon])
def test_every_assessment_says_what_it_rests_on(model):
    vague = [
        str(row)
        for row in published_facts(model).filter(basis=Basis.ASSESSMENT).prefetch_related("sources")
        if not row.evidence and not row.sources.exists()
    ]
    assert vague == []


def test_no_public_text_is_cut_off_mid_sentence():
    """Evidence, notes and details are whole sentences (a cut one reads as a typo)."""
    cut = []
    for path in FIXTURES.glob("*.json"):
        for obj in json.loads(path.read_text()):
            for name in ("evidence", "detail", "how", "answer"):
                value = obj["fields"].get(name)
                if value and not re.search(r"[.!?)'\"”]$", value):
                    cut.append((obj["model"], name, value[-40:]))
    assert cut == []


def test_every_cited_source_has_a_public_https_address():
    cited = Q()
    for model in FACT_MODELS:
        cited |= Q(**{f"{model._meta.model_name}_facts__isnull": False})
    for source in Source.objects.filter(cited).distinct():
        assert source.url.startswith("https://"), source


def test_no_source_is_a_seed_article():
    for source in Source.objects.all():
        assert not INTERNAL_WORDS.search(f"{source.slug} {source.title} {source.note}"), source


@pytest.mark.parametrize("model", [Support, Adoption])
def test_a_feature_or_a_user_is_never_sourced_to_a_home_page(model):
    """A documentation home page cannot establish a specific feature or a company's use."""
    for row in model.objects.prefetch_related("sources"):
        for source in row.sources.all():
            path = source.url.split("://", 1)[-1].partition("/")[2]
            assert path.strip("/"), (str(row), source.url)


def test_every_fact_row_was_checked_and_the_check_is_recorded():
    checked = set()
    for verification in Verification.objects.prefetch_related("facts__fact_type"):
        facts = {(fact.fact_type.model, fact.fact_id) for fact in verification.facts.all()}
        if verification.source is None:  # an assessment with no source: judged from evidence
            for kind, pk in facts:
                row = {m._meta.model_name: m for m in FACT_MODELS}[kind].objects.get(pk=pk)
                assert row.is_assessment and row.evidence, row
        checked |= facts
    for model in FACT_MODELS:
        for row in published_facts(model):
            assert row.verified_on, row
            assert (model._meta.model_name, row.pk) in checked, row


def test_no_support_cell_contradicts_its_extension():
    """Built in, none and "not checked yet" name no extension; extension levels name one."""
    contradictions = [str(row) for row in Support.objects.all() if row.extension_problem()]
    assert contradictions == []


def test_no_none_cell_names_a_package_in_its_note():
    packages = {
        via.lower() for via in Support.objects.exclude(via="").values_list("via", flat=True)
    }
    for row in Support.objects.filter(level=Support.Level.NONE).select_related("framework"):
        note = row.note.lower()
        named = [package for package in packages if re.search(rf"\b{re.escape(package)}\b", note)]
        assert not named and "pip install" not in note, (str(row), named)


def test_corrected_claims_are_stored_as_the_sources_say():
    def level(framework, feature):
        return Support.objects.get(framework__slug=framework, feature__slug=feature).level

    assert level("django", "rest-apis") == "third-party"  # DRF is not part of Django
    assert level("django", "user-registration") != "built-in"  # no sign-up view
    assert level("flask", "xss-protection") == "built-in"  # Jinja auto-escaping
    # Where a framework's own docs list a package, the level is never "none".
    assert level("quart", "csrf-protection") != "none"  # Quart-WTF
    assert level("quart", "orm") != "none"  # Quart-SQLAlchemy
    assert level("quart", "migrations") != "none"  # Quart-DB
    assert level("sanic", "xss-protection") != "none"  # Sanic Extensions' Jinja autoescapes
    assert level("sanic", "orm") != "none"  # the guide documents ORMs


def test_companies_are_listed_on_their_own_word():
    named = set(Adoption.objects.values_list("company__slug", "framework__slug"))
    assert ("etsy", "django") not in named  # Etsy runs on PHP
    assert ("reddit", "flask") not in named  # Reddit's open code was built on Pylons
    assert ("nasa", "django") not in named  # only a CMS vendor's customer list said so
    for adoption in Adoption.objects.prefetch_related("sources"):
        assert adoption.sources.exists(), adoption


# --- Judgements labelled -------------------------------------------------------------------


def test_ratings_without_a_metric_are_labelled_as_our_assessment():
    for slug in ["learning-curve", "community-size", "flexibility", "scalability", "best-for"]:
        values = TraitValue.objects.filter(trait__slug=slug)
        assert values.exists() and not values.exclude(basis=Basis.ASSESSMENT).exists(), slug
    assert not Fit.objects.exclude(basis=Basis.ASSESSMENT).exists()


def test_no_job_market_claim_without_a_named_dataset():
    texts = _public_texts()
    claims = [text for text in texts if re.search(r"job (listings|postings|market)", text, re.I)]
    assert claims == []


# --- Our own words -------------------------------------------------------------------------


def _public_texts():
    """Every text field of the fixtures that a reader can see."""
    hidden = {"slug", "url", "via_url", "homepage", "docs_url", "repository_url"}
    texts = []
    for path in FIXTURES.glob("*.json"):
        for obj in json.loads(path.read_text()):
            if obj["model"] == "comparisons.source":
                continue
            texts += [
                value for name, value in obj["fields"].items()
                if isinstance(value, str) and name not in hidden
            ]  # fmt: skip
    return texts


SHINGLE = 8  # words in a row that would count as copying


def _shingles(text):
    words = re.findall(r"[a-z0-9']+", text.lower())
    return {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def test_no_run_of_eight_words_is_copied_from_the_seed_articles():
    if not SEEDS.is_dir():
        pytest.skip("shared/seeds is not beside this checkout")
    seed_text = " ".join(path.read_text() for path in SEEDS.glob("*.txt"))
    copied = _shingles(" ".join(_public_texts())) & _shingles(seed_text)
    assert copied == set()


def test_no_internal_wording_in_the_fixtures():
    leaks = [text[:80] for text in _public_texts() if INTERNAL_WORDS.search(text)]
    assert leaks == []


def test_no_public_page_contains_internal_wording(client):
    frameworks = sorted(Framework.objects.published().values_list("slug", flat=True))
    pages = ["/", "/frameworks/", "/compare/", "/features/", "/use-cases/", "/data/",
             "/data/support.csv", "/data/traits.csv", "/data/adoptions.csv",
             "/data/frameworks.json", "/about/", "/sources/", "/quiz/"]  # fmt: skip
    pages += [f"/frameworks/{slug}/" for slug in frameworks]
    pages += [
        f"/compare/{a}-vs-{b}/" for i, a in enumerate(frameworks) for b in frameworks[i + 1 :]
    ]
    pages += [f"/features/{slug}/" for slug in Feature.objects.values_list("slug", flat=True)]
    pages += [f"/use-cases/{slug}/" for slug in UseCase.objects.values_list("slug", flat=True)]
    for page in pages:
        response = client.get(page, follow=True)
        assert response.status_code == 200, page
        found = INTERNAL_WORDS.search(response.content.decode())
        assert found is None, (page, found and found.group())


def test_no_text_in_the_fixtures_starts_or_ends_with_whitespace():
    """Admin forms strip it, so an editor's first save would look like an edit."""
    padded = [
        (obj["model"], obj["fields"].get("slug"), name)
        for path in FIXTURES.glob("*.json")
        for obj in json.loads(path.read_text())
        for name, value in obj["fields"].items()
        if isinstance(value, str) and value != value.strip()
    ]
    assert padded == []


# --- Editorial comparisons ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "frameworks"),
    [("django-vs-flask", ["django", "flask"]), ("fastapi-vs-flask", ["fastapi", "flask"]),
     ("django-vs-fastapi", ["django", "fastapi"])],
)  # fmt: skip
def test_the_editorial_comparisons_carry_their_parts_and_an_faq(slug, frameworks):
    article = Article.objects.published().get(slug=slug)
    assert [e.framework.slug for e in article.entries.order_by("position")] == frameworks
    assert len(re.findall(r"^## ", article.body, re.M)) >= 5 and article.verdict
    assert article.faq.count() >= 6
    assert "|---" not in article.body  # tables come from data, never typed in


@pytest.mark.parametrize("url", ["/compare/fastapi-vs-flask/", "/compare/django-vs-fastapi/"])
def test_the_new_comparisons_publish_article_and_faq_structured_data(client, url):
    html = client.get(url).text
    assert '"@type": "Article"' in html and '"@type": "FAQPage"' in html


def test_no_two_framework_page_shows_an_empty_placeholder(client):
    frameworks = sorted(Framework.objects.published().values_list("slug", flat=True))
    pairs = [f"/compare/{a}-vs-{b}/" for i, a in enumerate(frameworks) for b in frameworks[i + 1 :]]
    assert len(pairs) >= 21
    for page in pairs:
        html = client.get(page).text
        assert 'class="empty"' not in html, page
        assert "written yet" not in html and "No confirmed public users" not in html, page
