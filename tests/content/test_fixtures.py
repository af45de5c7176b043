"""The initial content: complete, sourced, and true to shared/facts-checked.md."""

import datetime
import json
import re
from pathlib import Path

import pytest

from comparisons.models import (
    Adoption,
    Article,
    Feature,
    Fit,
    Framework,
    ProCon,
    Support,
    Trait,
    TraitValue,
    UseCase,
)

pytestmark = pytest.mark.usefixtures("seeded")

FRAMEWORKS = {"django", "flask", "fastapi", "tornado", "aiohttp", "sanic", "quart"}
REQUIRED_FEATURES = {
    "orm", "migrations", "admin-panel", "authentication", "user-registration", "templates",
    "forms", "csrf-protection", "xss-protection", "sql-injection-protection",
    "clickjacking-protection", "sessions", "caching", "i18n", "dev-server",
    "interactive-debugger", "test-client", "rest-apis", "async-views", "websockets", "email",
}  # fmt: skip
# The "Key differences" table of seed 004: rows that are traits (the others come
# from Framework.kind, Framework.first_released and the orm/admin/auth support rows).
KEY_DIFFERENCE_TRAITS = {
    "template-engine", "url-routing", "project-structure", "learning-curve", "flexibility",
    "performance-small-apps", "scalability", "security", "best-for", "community-size",
    "job-market",
}  # fmt: skip


def test_every_framework_the_seeds_name_has_a_published_profile():
    profiles = Framework.objects.published()
    assert set(profiles.values_list("slug", flat=True)) == FRAMEWORKS
    for framework in profiles:
        assert framework.summary and framework.creators and framework.license
        assert framework.first_released and framework.homepage
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


def test_no_support_cell_contradicts_its_extension():
    """Built in, none and "not checked yet" name no extension; extension levels name one."""
    contradictions = [str(row) for row in Support.objects.all() if row.extension_problem()]
    assert contradictions == []


def test_the_initial_content_has_no_placeholder_left_to_fill():
    for model in (Support, TraitValue, Fit):
        assert not model.objects.unchecked().exists(), model


@pytest.mark.parametrize("model", [Support, TraitValue, Fit, Adoption, ProCon])
def test_every_fact_row_cites_at_least_one_source(model):
    unsourced = [str(row) for row in model.objects.all() if not row.sources.exists()]
    assert model.objects.exists()
    assert unsourced == []


def test_cited_sources_with_an_address_use_https():
    for framework in Framework.objects.prefetch_related("sources"):
        for source in framework.sources.all():
            assert not source.url or source.url.startswith("https://"), source


def test_flask_first_release_follows_the_changelog_not_the_seed():
    flask = Framework.objects.get(slug="flask")
    assert flask.first_released == datetime.date(2010, 4, 16)
    assert flask.sources.filter(slug="flask-changes").exists()


def test_corrected_claims_are_stored_as_the_sources_say():
    def level(framework, feature):
        return Support.objects.get(framework__slug=framework, feature__slug=feature).level

    assert level("django", "rest-apis") == "third-party"  # DRF is not part of Django
    assert level("django", "user-registration") != "built-in"  # no sign-up view
    assert level("flask", "csrf-protection") != "built-in"  # Flask-WTF provides it
    assert level("flask", "xss-protection") == "built-in"  # Jinja auto-escaping
    assert level("flask", "interactive-debugger") == "built-in"
    assert level("django", "websockets") == "official-extension"


def test_companies_whose_claims_do_not_check_out_are_left_out():
    named = set(Adoption.objects.values_list("company__slug", "framework__slug"))
    assert ("etsy", "django") not in named  # Etsy runs on PHP
    assert ("reddit", "flask") not in named  # Reddit's code was built on Pylons
    assert ("uber", "flask") not in named  # Uber's stack names Tornado
    assert ("mozilla", "django") in named
    assert ("instagram", "django") in named


def test_django_and_flask_have_pros_and_cons():
    for slug in ["django", "flask"]:
        kinds = set(ProCon.objects.filter(framework__slug=slug).values_list("kind", flat=True))
        assert kinds == {"pro", "con"}


def test_the_django_vs_flask_article_carries_the_editorial_parts_and_faq():
    article = Article.objects.published().get(slug="django-vs-flask")
    assert [e.framework.slug for e in article.entries.order_by("position")] == ["django", "flask"]
    for heading in ["What each one is", "Learning curve", "Performance", "Which to learn first",
                    "Conclusion"]:  # fmt: skip
        assert f"## {heading}" in article.body
    questions = [entry.question.lower() for entry in article.faq.all()]
    assert len(questions) == 11
    assert any("pays more" in q for q in questions)
    assert any("both django and flask" in q for q in questions)
    assert "|---" not in article.body  # tables come from data, never typed in


SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SHINGLE = 8  # words in a row that would count as copying


def _shingles(text):
    words = re.findall(r"[a-z0-9']+", text.lower())
    return {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def test_no_run_of_eight_words_is_copied_from_the_seed_articles():
    if not SEEDS.is_dir():
        pytest.skip("shared/seeds is not beside this checkout")
    seed_text = " ".join(path.read_text() for path in SEEDS.glob("*.txt"))
    prose = []
    for path in FIXTURES.glob("*.json"):
        for obj in json.loads(path.read_text()):
            if obj["model"] == "comparisons.source":
                continue  # citing a seed's title is not copying it
            prose += [value for value in obj["fields"].values() if isinstance(value, str)]
    copied = _shingles(" ".join(prose)) & _shingles(seed_text)
    assert copied == set()


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
