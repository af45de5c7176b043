"""Site search: what a reader types, matched against everything public.

The index (frameworks, features, use cases, companies, comparisons and each
framework's support for each feature) is built in a fixed number of queries and
kept in memory for as long as the content version stands; a search then runs
in Python over it, the same on every database.

Every word of a query must match a word of a result (its name, aliases or
description), whole or as the start of a word: "orm" finds the ORM, never
"forms". A word of four letters or more that matches nothing is read as a typo
of the closest word the index knows ("djnago"), and a query that names two to
four frameworks ("flask vs django") puts their comparison first.
"""

import bisect
import itertools
import re
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from pagecache.caching import VersionedMemo

from .models import Adoption, Article, Feature, Framework, Support, UseCase

MAX_RESULTS = 30
MIN_PREFIX = 3  # shorter words match whole words only
MIN_TYPO = 4  # shorter words are never read as typos
# Words that join the frameworks of a comparison ("flask or django"; "versus" reads as "vs").
COMPARE_WORDS = {"vs", "or", "and"}
# Words a reader adds that no result needs to contain.
OPTIONAL_WORDS = {"or", "and"}
# What readers call things, by the slug of the feature or use case they mean.
ALIASES = {
    "authentication": ["login", "log in", "sign in", "signin"],
    "user-registration": ["sign up", "signup", "register"],
    "rest-apis": ["api", "rest"],
    "rest-api": ["api", "rest"],
    "websockets": ["ws", "websocket"],
    "templates": ["templating"],
    "orm": ["database", "db"],
    "realtime": ["realtime", "real-time"],
}
KIND_ORDER = ["Framework", "Comparison", "Feature", "Use case", "Company", "Feature support"]


def words(text):
    """The lowercase words of ``text``: letters and digits, split at anything else."""
    return re.findall(r"[^\W_]+", text.casefold())


@dataclass(frozen=True)
class Result:
    kind: str
    name: str
    url: str
    blurb: str


@dataclass(frozen=True)
class Entry:
    """One searchable result and the words it can be found by."""

    result: Result
    name_words: frozenset  # its name's and aliases' words
    words: frozenset  # every word it can be found by
    phrases: frozenset  # its name and aliases, as words joined by spaces
    # Word sets that distinct query words must each match: a generated comparison
    # needs both frameworks named, a support row its framework and its feature.
    parts: tuple = ()


def entry(kind, name, url, blurb, text="", aliases=(), parts=()):
    alias_words = [word for alias in aliases for word in words(alias)]
    name_words = frozenset(words(name) + alias_words)
    return Entry(
        result=Result(kind, name, url, blurb),
        name_words=name_words,
        words=name_words | set(words(f"{blurb} {text}")),
        phrases=frozenset(" ".join(words(phrase)) for phrase in [name, *aliases]),
        parts=tuple(frozenset(part) for part in parts),
    )


@dataclass(frozen=True)
class Index:
    entries: tuple
    vocabulary: tuple  # every word of every entry, sorted
    frameworks: dict  # published frameworks by their name's words
    articles: dict  # published articles by the set of framework ids they compare


def build_index():
    """Everything readers may find (published rows only), in seven queries."""
    # views imports this module; its URL helpers are only needed once it is loaded.
    from .views import _canonical_order, compare_url

    frameworks = {f.pk: f for f in Framework.objects.published()}
    entries = [
        entry("Framework", f.name, f.get_absolute_url(), f.summary,
              text=f"{f.tagline} {f.get_kind_display()}")
        for f in frameworks.values()
    ]  # fmt: skip
    entries += [
        entry("Feature", feature.name, feature.get_absolute_url(), feature.description,
              text=feature.category.name, aliases=ALIASES.get(feature.slug, ()))
        for feature in Feature.objects.public().select_related("category")
    ]  # fmt: skip
    entries += [
        entry("Use case", use_case.name, use_case.get_absolute_url(), use_case.summary,
              aliases=ALIASES.get(use_case.slug, ()))
        for use_case in UseCase.objects.public()
    ]  # fmt: skip
    supports = Support.objects.filter(framework__in=list(frameworks)).checked()
    entries += support_entries(supports.select_related("feature"), frameworks)
    adoptions = Adoption.objects.filter(framework__in=list(frameworks))
    entries += company_entries(adoptions.select_related("company"), frameworks)

    articles = {}  # the newest article on a set of frameworks is their comparison, as in views
    for article in Article.objects.published().prefetch_related("entries"):
        compared = [frameworks.get(e.framework_id) for e in article.entries.all()]
        covered = frozenset(f.pk for f in compared if f)
        if len(compared) >= 2 and all(compared) and covered not in articles:  # no drafts
            articles[covered] = article
            url = compare_url(_canonical_order(compared, article))
            names = " ".join(f.name for f in compared)
            entries.append(entry("Comparison", article.title, url, article.lede,
                                 f"{article.seo_description} {names} vs"))  # fmt: skip
    for pair in itertools.combinations(sorted(frameworks.values(), key=lambda f: f.slug), 2):
        if frozenset(f.pk for f in pair) not in articles:  # else the article is this comparison
            entries.append(generated_comparison(pair, compare_url(pair)))

    return Index(
        entries=tuple(entries),
        vocabulary=tuple(sorted(set().union(*(e.words for e in entries)))),
        frameworks={" ".join(words(f.name)): f for f in frameworks.values()},
        articles=articles,
    )


def support_entries(supports, frameworks):
    """A row for each framework's support of each feature: "Flask: ORM"."""
    for support in supports:
        framework, feature = frameworks[support.framework_id], support.feature
        how = support.get_level_display()
        if support.via:
            how += f": {support.via}"
        blurb = f"{how}. {support.note}" if support.note else how
        aliases = ALIASES.get(feature.slug, ())
        yield entry(
            "Feature support",
            f"{framework.name}: {feature.name}",
            f"{framework.get_absolute_url()}#features-heading",
            blurb,
            aliases=[f"{framework.name} {alias}" for alias in aliases],
            parts=[
                words(framework.name),
                words(f"{feature.name} {blurb}") + [w for a in aliases for w in words(a)],
            ],
        )


def company_entries(adoptions, frameworks):
    """Companies with a documented use of a published framework, and what they use it for."""
    by_company = {}
    for adoption in adoptions:
        by_company.setdefault(adoption.company, []).append(adoption)
    for company, used in by_company.items():
        used.sort(key=lambda a: frameworks[a.framework_id].name.lower())
        first = frameworks[used[0].framework_id]
        blurb = "; ".join(f"{frameworks[a.framework_id].name}: {a.how}" for a in used)
        yield entry("Company", company.name, f"{first.get_absolute_url()}#adopters", blurb)


def generated_comparison(frameworks, url):
    """The comparison page every set of published frameworks has, without an article."""
    names = [f.name for f in frameworks]
    return entry(
        "Comparison",
        " vs ".join(names),
        url,
        f"{' and '.join(names)} side by side: features, use cases, users, pros and cons, "
        "with sources.",
        parts=[words(name) for name in names],
    )


# Built once per content version, per process.
search_index = VersionedMemo(size=1)


def current_index():
    return search_index.get("index", build_index)


@dataclass(frozen=True)
class Term:
    """A word of the query: what the reader meant, and the index's words it matches."""

    text: str
    matches: frozenset
    corrected: bool = False


def understand(word, vocabulary):
    """The index's words ``word`` matches: itself, words it begins, or its closest spellings."""
    found = set()
    # The vocabulary is sorted: the word itself, then the words it begins, come first.
    for known in itertools.islice(vocabulary, bisect.bisect_left(vocabulary, word), None):
        if known == word or (len(word) >= MIN_PREFIX and known.startswith(word)):
            found.add(known)
        else:
            break
    if found or len(word) < MIN_TYPO:
        return Term(word, frozenset(found))
    edits = 1 if len(word) < 8 else 2
    close = process.extract(word, vocabulary, scorer=OSA.distance, score_cutoff=edits, limit=None)
    if not close:
        return Term(word, frozenset())
    fewest = min(distance for _, distance, _ in close)
    spellings = sorted(known for known, distance, _ in close if distance == fewest)
    return Term(spellings[0], frozenset(spellings), corrected=True)


def hits(term, word_set):
    return not term.matches.isdisjoint(word_set)


def covers(terms, parts):
    """Whether distinct query words match each part (Hall's condition, parts are few)."""
    matched = [{i for i, term in enumerate(terms) if hits(term, part)} for part in parts]
    return all(
        len(set().union(*(matched[i] for i in group))) >= len(group)
        for size in range(1, len(parts) + 1)
        for group in itertools.combinations(range(len(parts)), size)
    )


def compared_frameworks(texts, index):
    """The 2 to 4 frameworks a query like "flask vs django" names, or None."""
    longest = max((len(name.split()) for name in index.frameworks), default=0)
    named, position = [], 0
    while position < len(texts):
        if texts[position] in COMPARE_WORDS:
            position += 1
            continue
        for length in range(longest, 0, -1):
            framework = index.frameworks.get(" ".join(texts[position : position + length]))
            if framework is not None:
                break
        else:
            return None
        named.append(framework)
        position += length
    if 2 <= len(named) <= 4 and len(set(named)) == len(named):
        return named
    return None


def comparison_of(frameworks, index):
    """The canonical comparison of ``frameworks``: their article's, or the generated one."""
    from .views import _canonical_order, compare_url

    article = index.articles.get(frozenset(f.pk for f in frameworks))
    ordered = _canonical_order(frameworks, article)
    if article is not None:
        return Result("Comparison", article.title, compare_url(ordered), article.lede)
    return generated_comparison(ordered, compare_url(ordered)).result


@dataclass(frozen=True)
class Answer:
    results: list
    understood: str = ""  # the query as read, when a word was read as a typo


def find(query):
    """The results for ``query``, best first (at most MAX_RESULTS).

    Exact names (or aliases) first, then the comparison a query names, then
    results whose name holds every word, then the rest; by name within each.
    """
    index = current_index()
    vocabulary = index.vocabulary
    terms = [understand("vs" if word == "versus" else word, vocabulary) for word in words(query)]
    texts = [term.text for term in terms]
    phrase = " ".join(texts)
    required = [term for term in terms if term.text not in OPTIONAL_WORDS]

    ranked = {}
    if required:
        for candidate in index.entries:
            if not all(hits(term, candidate.words) for term in required):
                continue
            if candidate.parts and not covers(required, candidate.parts):
                continue
            if phrase in candidate.phrases:
                tier = 0
            elif all(hits(term, candidate.name_words) for term in required):
                tier = 2
            else:
                tier = 3
            ranked[candidate.result.url, candidate.result.name] = (tier, candidate.result)

    compared = compared_frameworks(texts, index)
    if compared:
        result = comparison_of(compared, index)
        ranked = {key: value for key, value in ranked.items() if key[0] != result.url}
        exact = phrase == " ".join(words(result.name))
        ranked[result.url, result.name] = (0 if exact else 1, result)

    results = [
        result
        for _, result in sorted(
            ranked.values(),
            key=lambda r: (r[0], r[1].name.lower(), KIND_ORDER.index(r[1].kind)),
        )
    ]
    corrected = any(term.corrected for term in terms)
    return Answer(results[:MAX_RESULTS], understood=phrase if corrected else "")
