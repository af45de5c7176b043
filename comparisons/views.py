import csv
import io
import itertools
import logging
import uuid
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count
from django.http import (
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.text import Truncator
from django.views.decorators.http import require_POST, require_safe
from django.views.static import serve as static_serve
from PIL import Image, ImageOps, UnidentifiedImageError

from pagecache.caching import VersionedMemo, reader_cache, without_query
from recommender.models import Result

from . import pages
from . import search as site_search
from .markdown import MAX_CHARS as MAX_MARKDOWN_CHARS
from .markdown import render_markdown
from .models import (
    Adoption,
    Article,
    Feature,
    Fit,
    Framework,
    ProCon,
    Support,
    TraitValue,
    UseCase,
    with_frameworks,
    with_sources,
)
from .templatetags.pickframe import jsonld_faq

logger = logging.getLogger(__name__)

MIN_COMPARED, MAX_COMPARED = 2, 4
MAX_QUERY_LENGTH = 200


def _breadcrumbs(*trail):
    return [("Home", reverse("comparisons:home")), *trail]


# --- Home, profiles, features, use cases ----------------------------------------


@require_safe
@reader_cache
def home(request):
    frameworks = list(Framework.objects.published())
    articles = list(Article.objects.published().for_listing())
    return render(
        request,
        "comparisons/home.html",
        {
            "articles": articles,
            "frameworks": frameworks,
            "popular": _popular_comparisons(frameworks, articles),
        },
    )


def _pair_links(pairs, articles):
    """(title, canonical address) of each pair of frameworks: its article's title and
    order where an article covers exactly the pair, else "A vs B" in slug order."""
    by_set = {frozenset(f.pk for f in article.frameworks): article for article in articles}
    links = []
    for pair in pairs:
        article = by_set.get(frozenset(f.pk for f in pair))
        if article:
            links.append((article.title, article.get_absolute_url()))
        else:
            first, second = sorted(pair, key=lambda f: f.slug)
            links.append((f"{first.name} vs {second.name}", compare_url((first, second))))
    return links


POPULAR = 4  # frameworks whose pairs make the popular comparisons (6 pairs)


@dataclass(frozen=True)
class Popular:
    """The popular comparisons, and what made them popular (for the page to say)."""

    links: list
    by_quiz: bool  # the quiz's most frequent verdicts; else what our articles cover


def _popular_comparisons(frameworks, articles):
    """Every pair of the frameworks the quiz recommends most often: what readers are
    most likely weighing against each other. Until there are results, the frameworks
    our editorial comparisons cover most."""
    wins = dict(Result.objects.values_list("winner").annotate(n=Count("pk")).order_by())
    covered = Counter(f.pk for article in articles for f in article.frameworks)
    top = sorted(
        frameworks,
        key=lambda f: (-wins.get(f.slug, 0), -covered[f.pk], f.name.lower()),
    )[:POPULAR]
    return Popular(_pair_links(itertools.combinations(top, 2), articles), by_quiz=bool(wins))


@require_safe
@reader_cache
def framework_list(request):
    return render(
        request,
        "comparisons/framework_list.html",
        {
            "frameworks": Framework.objects.published(),
            "title": "Python web frameworks",
            "description": "Profiles of the Python web frameworks we track, with sourced facts.",
            "breadcrumbs": _breadcrumbs(("Frameworks", reverse("comparisons:frameworks"))),
        },
    )


@require_safe
@reader_cache
def framework_detail(request, slug):
    """A framework's profile. Staff also see drafts, with a banner, and unchecked facts."""
    if request.user.is_staff:  # staff see drafts, and always a fresh page
        profile = _profile(slug, staff=True)
    else:
        profile = rendered_profiles.get(slug, lambda: _profile(slug))
    return render(request, "comparisons/framework_detail.html", profile.context)


def _profile(slug, staff=False):
    """Render one profile; like a comparison, the result depends on content alone."""
    frameworks = Framework.objects.all() if staff else Framework.objects.published()
    framework = get_object_or_404(frameworks.select_related("pypi_source"), slug=slug)
    citations = pages.Citations()
    frameworks, *facts = with_sources([framework], *_facts_of([framework], staff))
    with_frameworks(frameworks, *facts)
    supports, traits, fits, adoptions, pros_cons = facts
    body = {
        "framework": framework,
        "facts": pages.side_by_side(frameworks, supports, traits, citations),
        "grid": pages.feature_grid(frameworks, supports, citations),
        "fits": sorted(
            (pages.Cell.of(fit, citations) for fit in fits),
            key=lambda cell: (-(cell.value.level or -1), cell.value.use_case.order),
        ),
        "adoptions": [pages.Cell.of(a, citations) for a in adoptions],
        "pros_cons": [pages.Cell.of(p, citations) for p in pros_cons],
        "comparisons": _comparisons_of(framework),
        "draft": not framework.is_live,
    }
    body["checked_month"] = citations.usual_check()
    body["citations"] = citations.numbered()
    return Page(
        url=framework.get_absolute_url(),
        context={
            "title": f"{framework.name}: {pages.mid_sentence(framework.get_kind_display())}",
            "description": Truncator(framework.summary).chars(160),
            "og_image": ""
            if body["draft"]  # no image shows a draft
            else reverse("comparisons:og_framework", kwargs={"slug": framework.slug}),
            "body": render_to_string("comparisons/framework_body.html", body),
            "breadcrumbs": _breadcrumbs(
                ("Frameworks", reverse("comparisons:frameworks")),
                (framework.name, framework.get_absolute_url()),
            ),
        },
    )


def _facts_of(frameworks, staff):
    """The fact rows a comparison or profile shows: support, traits, fits, adoptions,
    pros and cons (staff also see the "not checked yet" placeholders)."""
    return [
        Support.objects.for_frameworks(frameworks, unchecked=staff),
        TraitValue.objects.for_frameworks(frameworks, unchecked=staff),
        Fit.objects.for_frameworks(frameworks, unchecked=staff),
        Adoption.objects.for_frameworks(frameworks),
        ProCon.objects.for_frameworks(frameworks),
    ]


def _comparisons_of(framework):
    """(title, canonical address) of the framework's comparison with each other published
    framework, then of its articles on three or more frameworks."""
    articles = list(Article.objects.published().filter(entries__framework=framework).for_listing())
    others = Framework.objects.published().exclude(pk=framework.pk).order_by("name")
    links = _pair_links([(framework, other) for other in others], articles)
    return links + [(a.title, a.get_absolute_url()) for a in articles if len(a.frameworks) > 2]


@require_safe
@reader_cache
def feature_list(request):
    """Every framework against every feature: one grid, each cell linking to its details."""
    frameworks = list(Framework.objects.published())
    features = Feature.objects.public().select_related("category")
    supports = Support.objects.for_frameworks(frameworks).select_related(None)
    return render(
        request,
        "comparisons/feature_list.html",
        {
            "frameworks": frameworks,
            "groups": pages.feature_matrix(features, frameworks, supports),
            "title": "Features compared",
            "description": "Every feature we compare, from ORMs to WebSockets, and who has it.",
            "breadcrumbs": _breadcrumbs(("Features", reverse("comparisons:features"))),
        },
    )


@require_safe
@reader_cache
def use_case_list(request):
    return render(
        request,
        "comparisons/usecase_list.html",
        {
            "use_cases": UseCase.objects.public(),
            "title": "Use cases",
            "description": "Which Python web framework fits which kind of project, with reasons.",
            "breadcrumbs": _breadcrumbs(("Use cases", reverse("comparisons:use_cases"))),
        },
    )


@require_safe
@reader_cache
def feature_detail(request, slug):
    feature = get_object_or_404(Feature.objects.public().select_related("category"), slug=slug)
    citations = pages.Citations()
    supports = (
        feature.supports.filter(framework__in=Framework.objects.published())
        .checked()
        .select_related("framework")
        .order_by("framework__name")
    )
    levels = list(Support.Level)
    (supports,) = with_sources(supports)
    rows = sorted(
        (pages.Cell.of(support, citations) for support in supports),
        key=lambda cell: levels.index(cell.value.level),
    )
    return render(
        request,
        "comparisons/feature_detail.html",
        {
            "feature": feature,
            "title": f"{feature.name} in Python web frameworks",
            "description": Truncator(
                f"{feature.description} Which frameworks have it built in, "
                "and which need a package."
            ).chars(160),
            "rows": rows,
            "checked_month": citations.usual_check(),  # after the rows are built
            "citations": citations.numbered(),
            "breadcrumbs": _breadcrumbs(
                ("Features", reverse("comparisons:features")),
                (feature.name, feature.get_absolute_url()),
            ),
        },
    )


@require_safe
@reader_cache
def use_case_detail(request, slug):
    use_case = get_object_or_404(UseCase.objects.public(), slug=slug)
    citations = pages.Citations()
    fits = (
        use_case.fits.filter(framework__in=Framework.objects.published())
        .checked()
        .select_related("framework")
        .order_by("-level", "framework__name")
    )
    (fits,) = with_sources(fits)
    return render(
        request,
        "comparisons/usecase_detail.html",
        {
            "use_case": use_case,
            "title": f"Best Python framework for {pages.mid_sentence(use_case.name)}",
            "description": Truncator(
                f"{use_case.summary} Frameworks ranked by fit, with the reasons."
            ).chars(160),
            "rows": [pages.Cell.of(fit, citations) for fit in fits],
            "checked_month": citations.usual_check(),  # after the rows are built
            "citations": citations.numbered(),
            "breadcrumbs": _breadcrumbs(
                ("Use cases", reverse("comparisons:use_cases")),
                (use_case.name, use_case.get_absolute_url()),
            ),
        },
    )


# --- Comparisons -----------------------------------------------------------------


def _compare_not_found(request, problem, status=404):
    return render(
        request,
        "comparisons/compare_not_found.html",
        {
            "problem": problem,
            "frameworks": Framework.objects.published(),
            "title": "No such comparison",
        },
        status=status,
    )


def _resolve_set(slugs, drafts=False):
    """Published frameworks for ``slugs`` (``drafts``: any), or a sentence saying what is wrong."""
    if not all(slugs):
        return None, "A framework name is missing from this address."
    if len(slugs) < MIN_COMPARED:
        return None, "A comparison needs at least two frameworks."
    if len(slugs) > MAX_COMPARED:
        return None, f"A comparison can hold at most {MAX_COMPARED} frameworks."
    if len(set(slugs)) != len(slugs):
        return None, "The same framework appears twice in this comparison."
    frameworks = Framework.objects.all() if drafts else Framework.objects.published()
    found = {f.slug: f for f in frameworks.filter(slug__in=slugs).select_related("pypi_source")}
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        names = ", ".join(f"“{slug}”" for slug in missing)
        return None, f"We have no published framework called {names}."
    return [found[slug] for slug in slugs], None


def _canonical_order(frameworks, article):
    """The article's column order if there is one, else alphabetical by slug."""
    if article is not None:
        position = {entry.framework_id: entry.position for entry in article.entries.all()}
        return sorted(frameworks, key=lambda f: position[f.pk])
    return sorted(frameworks, key=lambda f: f.slug)


def compare_url(frameworks):
    slugs = "-vs-".join(f.slug for f in frameworks)
    return reverse("comparisons:compare", kwargs={"slugs": slugs})


@require_safe
@reader_cache(params=("f",))
def compare_index(request):
    """The picker: tick frameworks, submit, land on the canonical comparison."""
    frameworks = Framework.objects.published()
    chosen = request.GET.getlist("f")
    problem = None
    if chosen:
        chosen_set, problem = _resolve_set([slug.lower() for slug in chosen])
        if chosen_set:
            article = _article_for(chosen_set, request.user.is_staff)
            return redirect(compare_url(_canonical_order(chosen_set, article)))
    frameworks = list(frameworks)
    articles = list(Article.objects.published().for_listing())
    response = render(
        request,
        "comparisons/compare_index.html",
        {
            "frameworks": frameworks,
            "chosen": set(chosen),
            "problem": problem,
            "articles": articles,
            "popular": _popular_comparisons(frameworks, articles),
            "pairs": _pair_links(itertools.combinations(frameworks, 2), articles),
            "title": "Compare Python web frameworks",
            "description": "Pick two to four frameworks and see them side by side.",
            "min": MIN_COMPARED,
            "max": MAX_COMPARED,
            "breadcrumbs": _breadcrumbs(("Compare", reverse("comparisons:compare_index"))),
        },
        status=400 if problem else 200,
    )
    return response


def _article_for(frameworks, staff=False):
    """The editorial article for exactly this set; staff also see drafts."""
    articles = Article.objects.covering(frameworks).prefetch_related("entries", "faq")
    if staff:
        return articles.order_by("-updated_at").first()
    return articles.published().first()


def _weight(page):
    """What a memoized page costs to keep: its rendered HTML in UTF-8 bytes, and a
    little for the rest (so that even answers without a body are counted)."""
    return len(page.context.get("body", "").encode()) + 1024


# Rendered comparisons and profiles, per process, until the content changes (see
# pagecache), within READER_MEMO_BYTES each.
rendered_comparisons = VersionedMemo(
    size=100_000, max_bytes=settings.READER_MEMO_BYTES, weigh=_weight
)
rendered_profiles = VersionedMemo(size=100_000, max_bytes=settings.READER_MEMO_BYTES, weigh=_weight)


@dataclass(frozen=True)
class Page:
    """What a comparison or profile address resolves to under the current content."""

    problem: str = ""  # why there is no such comparison
    url: str = ""  # its canonical address
    context: dict = field(default_factory=dict)  # for the page's template


@require_safe
@reader_cache
def compare(request, slugs):
    # Any order of the same frameworks is one comparison: it is built (or found in
    # the memo) once, and other orders are redirected before anything is rendered.
    requested = tuple(sorted(slug.lower() for slug in slugs.split("-vs-")))
    if request.user.is_staff:  # staff see drafts, and always a fresh page
        comparison = _comparison(requested, staff=True)
    else:
        comparison = rendered_comparisons.get(requested, lambda: _comparison(requested))
    if comparison.problem:
        return _compare_not_found(request, comparison.problem)
    if request.path != comparison.url:
        return redirect(comparison.url, permanent=True)
    return render(request, "comparisons/compare_detail.html", comparison.context)


def _comparison(requested, staff=False):
    """Resolve and render one comparison; the result depends on content alone.

    The rendered body is most of the page and most of its cost (about 300 fact
    rows with their sources), so views.compare keeps it per content version.
    """
    frameworks, problem = _resolve_set(list(requested), drafts=staff)
    if problem:
        return Page(problem=problem)
    article = _article_for(frameworks, staff)
    frameworks = _canonical_order(frameworks, article)
    canonical = compare_url(frameworks)
    names = " vs ".join(f.name for f in frameworks)
    citations = pages.Citations()
    frameworks, *facts = with_sources(frameworks, *_facts_of(frameworks, staff))
    with_frameworks(frameworks, *facts)
    supports, traits, fits, adoptions, pros_cons = facts
    body = {
        "frameworks": frameworks,
        "article": article,
        "canonical": canonical,
        "title": article.title if article else names,
        "drafts": [f for f in frameworks if not f.is_live],
        "facts": pages.side_by_side(frameworks, supports, traits, citations),
        "grid": pages.feature_grid(frameworks, supports, citations),
        "fits": pages.fit_table(frameworks, fits, citations),
        "adoptions": pages.per_framework(frameworks, adoptions, citations),
        "pros_cons": pages.per_framework(frameworks, pros_cons, citations),
    }
    body["checked_month"] = citations.usual_check()
    body["citations"] = citations.numbered()
    return Page(
        url=canonical,
        context={
            "article": article,
            "title": body["title"],
            "description": article.seo_description
            if article
            else Truncator(
                names + ": features, use cases, users, pros and cons side by side, with sources."
            ).chars(160),
            "og_type": "article" if article else "website",
            "og_image": ""
            if body["drafts"]  # no image shows a draft
            else reverse(
                "comparisons:og_compare", kwargs={"slugs": "-vs-".join(f.slug for f in frameworks)}
            ),
            "faq_jsonld": jsonld_faq(article) if article and article.faq.all() else "",
            "body": render_to_string("comparisons/compare_body.html", body),
            "breadcrumbs": _breadcrumbs(
                ("Compare", reverse("comparisons:compare_index")), (names, canonical)
            ),
        },
    )


CHANGES_PER_PAGE = 100


@require_safe
@reader_cache(params=("page",))
def compare_changes(request, slugs):
    """The public change log of one comparison's facts, from their history, in pages."""
    requested = [slug.lower() for slug in slugs.split("-vs-")]
    frameworks, problem = _resolve_set(requested)
    if problem:
        return _compare_not_found(request, problem)
    frameworks = sorted(frameworks, key=lambda f: f.slug)
    histories = pages.fact_histories(frameworks)
    entries = pages.change_log(
        pages.fact_changes(frameworks, histories, pages.row_names(), public=True)
    )
    paginator = Paginator(entries, CHANGES_PER_PAGE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except (EmptyPage, PageNotAnInteger):
        return _compare_not_found(request, "That page of the change log does not exist.")
    page_url = compare_url(frameworks)
    return render(
        request,
        "comparisons/compare_changes.html",
        {
            "frameworks": frameworks,
            "page": page,
            "compare_link": page_url,
            "title": "Change log: " + " vs ".join(f.name for f in frameworks),
            "description": "What changed in the facts behind this comparison, and when.",
            "breadcrumbs": _breadcrumbs(
                ("Compare", reverse("comparisons:compare_index")),
                (" vs ".join(f.name for f in frameworks), page_url),
                ("Change log", page_url + "changes/"),
            ),
        },
    )


# --- Search ----------------------------------------------------------------------


@require_safe
@reader_cache(params=("q",), store=without_query)
def search(request):
    query = request.GET.get("q", "").strip()
    if len(query) > MAX_QUERY_LENGTH:
        return render(
            request,
            "comparisons/search.html",
            {"query": query[:MAX_QUERY_LENGTH], "problem": "too-long", "limit": MAX_QUERY_LENGTH},
            status=400,
        )
    answer = site_search.find(query) if len(query) >= 2 else site_search.Answer([])
    return render(
        request,
        "comparisons/search.html",
        {
            "query": query,
            "results": answer.results,
            "understood": answer.understood,
            "problem": "too-short" if len(query) < 2 else None,
            "title": f"Search: {query}" if query else "Search",
        },
    )


# --- Open data ---------------------------------------------------------------------


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell):
    """A CSV cell a spreadsheet will show as text, never run as a formula.

    Spreadsheets evaluate a cell that starts with one of ``FORMULA_STARTS``, and
    editors type free text; such a cell gets a leading single quote (OWASP's advice
    for CSV injection), which spreadsheets take as "this is text".
    """
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def _facts_csv(filename, columns, facts, cells):
    """A CSV of fact rows: ``columns`` and ``cells(fact)``, then when and where verified,
    then whether the row is sourced or our assessment, and what an assessment rests on.
    Every open-data CSV is written here, each cell through ``spreadsheet_safe``."""
    buffer = io.StringIO()
    # RFC 4180's CRLF: the writer then quotes a cell holding either character.
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*columns, "verified_on", "sources", "basis", "evidence"])
    for fact in facts:
        sources = " ".join(source.url for source in fact.sources.all() if source.url)
        verified = fact.verified_on.isoformat() if fact.verified_on else ""
        basis = getattr(fact, "basis", "sourced")
        row = [*cells(fact), verified, sources, basis, getattr(fact, "evidence", "")]
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
@reader_cache
def data_index(request):
    return render(
        request,
        "comparisons/data_index.html",
        {
            "title": "Open data",
            "description": "Framework facts, the feature matrix, traits and adoptions "
            "as JSON and CSV.",
            "breadcrumbs": _breadcrumbs(("Open data", reverse("comparisons:data"))),
        },
    )


@require_safe
@reader_cache
def data_frameworks(request):
    frameworks = (
        Framework.objects.published().select_related("pypi_source").prefetch_related("sources")
    )
    data = [
        {
            "slug": f.slug,
            "name": f.name,
            "kind": f.kind,
            "tagline": f.tagline,
            "summary": f.summary,
            "first_released": f.first_released.isoformat(),
            "creators": f.creators,
            "license": f.license,
            "homepage": f.homepage,
            "docs": f.docs_url,
            "repository": f.repository_url,
            "current_version": f.current_version,
            "verified_on": f.verified_on.isoformat() if f.verified_on else None,
            "sources": [s.url for s in f.sources.all() if s.url],
            "version_released": f.version_released.isoformat() if f.version_released else None,
            "python_requires": f.python_requires,
            "pypi": f.pypi_source.url if f.pypi_source else None,
            "pypi_checked_at": f.pypi_checked_at.isoformat() if f.pypi_checked_at else None,
            "adopters_checked_on": (
                f.adopters_checked_on.isoformat() if f.adopters_checked_on else None
            ),
        }
        for f in frameworks
    ]
    return JsonResponse(data, safe=False, json_dumps_params={"indent": 2, "ensure_ascii": False})


def _published_facts(model):
    published = Framework.objects.published()
    return (
        model.objects.for_frameworks(published)
        .select_related("framework")
        .prefetch_related("sources")
    )


@require_safe
@reader_cache
def data_support(request):
    return _facts_csv(
        "support.csv",
        ["framework", "feature", "level", "via", "via_url", "note"],
        _published_facts(Support).order_by("framework__slug", "feature__slug"),
        lambda s: [s.framework.slug, s.feature.slug, s.level, s.via, s.via_url, s.note],
    )


@require_safe
@reader_cache
def data_adoptions(request):
    return _facts_csv(
        "adoptions.csv",
        ["company", "framework", "how"],
        _published_facts(Adoption).order_by("company__slug", "framework__slug"),
        lambda a: [a.company.name, a.framework.slug, a.how],
    )


@require_safe
@reader_cache
def data_traits(request):
    return _facts_csv(
        "traits.csv",
        ["framework", "trait", "value"],
        _published_facts(TraitValue).order_by("framework__slug", "trait__order"),
        lambda t: [t.framework.slug, t.trait.slug, t.value],
    )


# --- Site-wide pages -----------------------------------------------------------------


@require_safe
@reader_cache
def about(request):
    return render(
        request,
        "comparisons/about.html",
        {
            "title": "About Pickframe",
            "breadcrumbs": _breadcrumbs(("About", reverse("comparisons:about"))),
        },
    )


@require_safe
@reader_cache
def sources_policy(request):
    return render(
        request,
        "comparisons/sources_policy.html",
        {
            "title": "How we source and check facts",
            "breadcrumbs": _breadcrumbs(("Sources", reverse("comparisons:sources_policy"))),
        },
    )


@require_safe
def favicon(request):
    """Browsers that ignore the page's icon links ask for /favicon.ico."""
    return redirect(static("img/favicon-32.png"), permanent=True)


@require_safe
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /markdownx/", f"Sitemap: {sitemap}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_safe
def media(request, path):
    """Serve an uploaded image so that it can never act as a page or a script."""
    response = static_serve(request, path, document_root=settings.MEDIA_ROOT)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "public, max-age=86400"
    return response


# --- Editor tools: django-markdownx's preview and upload endpoints -------------
# markdownx ships these views open to anyone; ours answer staff only, and an
# anonymous request is redirected to the admin login before anything runs.

# Pillow format name -> the extension we store it under. Nothing else is kept.
UPLOAD_FORMATS = {"PNG": "png", "JPEG": "jpg"}
MAX_IMAGE_SIDE = 2000
# Pillow refuses to open an image of more than twice this many pixels anywhere in
# the site (a decompression bomb: a few hundred kilobytes can declare 40 megapixels).
# Uploads are held to the limit itself, read from the header before decoding.
Image.MAX_IMAGE_PIXELS = settings.UPLOAD_MAX_PIXELS


@staff_member_required
@require_POST
def markdown_preview(request):
    content = request.POST.get("content", "").replace("\r\n", "\n")
    if len(content) > MAX_MARKDOWN_CHARS:
        # Refused before any parsing. markdownx shows the answer in the preview pane.
        return HttpResponseBadRequest(
            f'<p class="errornote">Too long to preview: this text has {len(content):,} '
            f"characters, and no Markdown field takes more than {MAX_MARKDOWN_CHARS:,}.</p>"
        )
    return HttpResponse(render_markdown(content))


def _upload_error(message, status=400):
    """The answer both upload scripts show the editor: ours (static/js/markdown-editor.js)
    and markdownx's drag and drop, which parses any answer as JSON."""
    return JsonResponse({"image": [message]}, status=status)


class UploadRefused(Exception):
    """An image we will not store; the message says why, to the editor."""


def _check_pixels(width, height):
    limit = settings.UPLOAD_MAX_PIXELS
    if width * height > limit:
        raise UploadRefused(
            f"This image is {width:,} × {height:,} pixels ({width * height / 1e6:.1f} "
            f"megapixels); images can have at most {limit / 1e6:g} megapixels. "
            "Scale it down and upload it again."
        )


def _reencoded(upload):
    """The upload as a fresh PNG or JPEG of at most MAX_IMAGE_SIDE pixels a side,
    with its format's extension.

    Only the header is read before the checks, so an image with too many pixels
    costs nothing to refuse. What is stored is the pixels alone, turned upright as
    the EXIF orientation says: no EXIF (camera, place), comments, text chunks,
    colour profile or anything smuggled after the image.
    """
    try:
        with Image.open(upload) as probe:
            image_format = probe.format
            if image_format not in UPLOAD_FORMATS:
                raise UploadRefused("Only PNG and JPEG images can be uploaded.")
            _check_pixels(*probe.size)
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.draft(image.mode, (MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))  # JPEG: decode smaller
            image.load()
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
            if image_format == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            # Pillow writes some of what it read back out (a JPEG's comment, a PNG's
            # colour profile); keep only a palette's transparency, which is pixels.
            image.info = {k: v for k, v in image.info.items() if k == "transparency"}
            encoded = io.BytesIO()
            image.save(encoded, format=image_format)
    except UnidentifiedImageError as error:
        raise UploadRefused("Only PNG and JPEG images can be uploaded.") from error
    except Image.DecompressionBombError as error:
        raise UploadRefused(
            f"This image has too many pixels: at most {settings.UPLOAD_MAX_PIXELS / 1e6:g} "
            "megapixels. Scale it down and upload it again."
        ) from error
    except (OSError, SyntaxError, ValueError) as error:
        raise UploadRefused("The image file is damaged and could not be read.") from error
    return encoded.getvalue(), UPLOAD_FORMATS[image_format]


@staff_member_required
@require_POST
def markdown_upload(request):
    """Store a PNG or JPEG image for a Markdown field; answer with its Markdown.

    The file's own name and declared type are ignored: Pillow decides what the
    bytes are, the image is re-encoded (``_reencoded``), and the server picks the
    stored name and extension. A storage that cannot write (a full or read-only
    disk) is a message to the editor, and leaves no partial file behind.
    """
    upload = request.FILES.get("image")
    if upload is None:
        return _upload_error("Choose an image file to upload.")
    if upload.size > settings.MARKDOWNX_UPLOAD_MAX_SIZE:
        limit_mb = settings.MARKDOWNX_UPLOAD_MAX_SIZE // (1024 * 1024)
        return _upload_error(f"The image is larger than {limit_mb} MB.")
    try:
        content, extension = _reencoded(upload)
    except UploadRefused as refusal:
        return _upload_error(str(refusal))

    name = f"{settings.MARKDOWNX_MEDIA_PATH}{uuid.uuid4().hex}.{extension}"
    try:
        stored = default_storage.save(name, ContentFile(content))
    except OSError as error:
        logger.error("Could not store an uploaded image as %s: %s", name, error)
        try:
            default_storage.delete(name)  # whatever part of it was written
        except OSError:
            logger.exception("Could not remove the partly written %s", name)
        return _upload_error(
            "The server could not store the image: its disk is full or cannot be "
            "written to. Nothing was saved. Try again later, or tell an administrator.",
            status=503,
        )
    return JsonResponse({"image_code": f"![]({default_storage.url(stored)})"})
