"""Bad input never breaks the site: fuzzed requests get a 4xx, never a 5xx, and store nothing."""

from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comparisons.management.commands.backup import backed_up_models

from .factories import build_quiz, build_site

# The fuzzed requests go to a site built from factories, with its quiz.
pytestmark = pytest.mark.usefixtures("small_site")

FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PREFIXES = ["/compare/", "/search/", "/quiz/", "/quiz/result/", "/data/", "/frameworks/",
            "/features/", "/use-cases/", "/"]  # fmt: skip
SLUGS = ["alpha", "beta", "gamma", "delta", "epsilon", "nope", ""]  # build_site's frameworks

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
segment = st.one_of(
    text,
    st.lists(st.sampled_from(SLUGS), max_size=6).map("-vs-".join),
    st.sampled_from(["..", "%00", "frameworks.json", "support.csv", "x" * 300]),
)


@pytest.fixture
def small_site(empty_content):
    site = build_site()
    build_quiz(site.frameworks)
    return site


def row_count():
    return sum(model._default_manager.count() for model in backed_up_models())


@pytest.fixture
def fuzz_client():
    return Client(raise_request_exception=False)


@FUZZ
@given(prefix=st.sampled_from(PREFIXES), segments=st.lists(segment, max_size=3),
       query=st.dictionaries(text, text, max_size=4), trailing=st.booleans())  # fmt: skip
def test_arbitrary_paths_and_query_strings_never_cause_a_5xx(
    fuzz_client, prefix, segments, query, trailing
):
    before = row_count()
    path = prefix + "/".join(quote(s, safe="") for s in segments) + ("/" if trailing else "")
    response = fuzz_client.get(path + ("?" + urlencode(query) if query else ""))
    assert response.status_code < 500, (path, query)
    assert row_count() == before


VALID_ANSWERS = {"new", "seasoned"}  # build_quiz's required question, "experience"


def _answers_experience(fields):
    """A form that validly answers the one required question (it would store a row)."""
    value = fields.get("experience")
    values = value if isinstance(value, list) else [value]
    return len(values) == 1 and values[0] in VALID_ANSWERS


@FUZZ
@given(
    fields=st.dictionaries(
        st.one_of(text, st.sampled_from(["experience", "project", "style", "csrfmiddlewaretoken"])),
        st.one_of(text, st.lists(text, max_size=3)),
        max_size=8,
    ).filter(lambda f: not _answers_experience(f))
)
def test_arbitrary_quiz_forms_get_a_4xx_and_store_nothing(fuzz_client, fields):
    before = row_count()
    response = fuzz_client.post("/quiz/", fields)
    assert 400 <= response.status_code < 500, fields
    assert row_count() == before


@FUZZ
@given(
    path=st.sampled_from(["/quiz/", "/search/", "/compare/alpha-vs-beta/", "/data/support.csv",
                          "/quiz/result/x/", "/markdownx/markdownify/", "/markdownx/upload/"]),
    body=st.binary(max_size=3000),
    content_type=st.sampled_from(["application/x-www-form-urlencoded", "multipart/form-data",
                                  "application/json", "text/plain",
                                  "multipart/form-data; boundary=x"]),
    method=st.sampled_from(["post", "put", "patch", "delete"]),
)  # fmt: skip
def test_arbitrary_bodies_and_methods_never_cause_a_5xx(
    fuzz_client, path, body, content_type, method
):
    before = row_count()
    response = getattr(fuzz_client, method)(path, data=body, content_type=content_type)
    assert response.status_code < 500, (path, method, content_type, body[:80])
    assert row_count() == before


LEAKS = ["Traceback", "SECRET_KEY", "settings.py", "DATABASES", "django.core", 'File "']


def assert_leaks_nothing(response):
    for marker in LEAKS:
        assert marker not in response.text, marker


@pytest.mark.urls("tests.error_urls")
def test_the_500_page_is_ours_and_leaks_nothing(fuzz_client, settings):
    settings.DEBUG = False
    response = fuzz_client.get("/broken/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert_leaks_nothing(response)


def test_the_404_and_400_pages_are_ours_and_leak_nothing(fuzz_client):
    response = fuzz_client.get("/no/such/page/")
    assert response.status_code == 404 and "There is no page at this address" in response.text
    assert_leaks_nothing(response)
    response = fuzz_client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400 and "couldn't understand that request" in response.text
    assert_leaks_nothing(response)


def test_an_expired_form_gets_our_403_page():
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/admin/login/", {"username": "boss", "password": "pw"})  # no token
    assert response.status_code == 403
    assert "We couldn't accept that form" in response.text
    assert_leaks_nothing(response)


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_SEC_FETCH_SITE": "cross-site"}, {"HTTP_SEC_FETCH_SITE": "same-site"},
     {"HTTP_ORIGIN": "https://evil.example"}, {"HTTP_ORIGIN": "null"}],
)  # fmt: skip
def test_a_quiz_sent_from_another_site_is_refused_and_stores_nothing(headers):
    from recommender.models import Result

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/quiz/", {"experience": "new"}, **headers)  # valid answers
    assert response.status_code == 403
    assert "sent from another website" in response.text
    assert_leaks_nothing(response)
    assert not Result.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_SEC_FETCH_SITE": "same-origin"}, {"HTTP_ORIGIN": "http://testserver"}, {}],
)  # fmt: skip
def test_the_quiz_needs_no_cookie_from_its_own_pages(headers):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/quiz/", {"experience": "new"}, **headers)
    assert response.status_code == 303


# --- NUL characters --------------------------------------------------------------------
# PostgreSQL refuses a NUL in any text it is sent, so one that reached a query was a 500
# there (SQLite just finds nothing). Every public address and every parameter a view
# reads is asked with one; CI runs this file on PostgreSQL too.

NUL = "%00"


def public_addresses(token):
    """Every public address of the URL contract (DESIGN.md), over build_site's rows."""
    return [
        "/", "/frameworks/", "/frameworks/alpha/", "/compare/", "/compare/alpha-vs-beta/",
        "/compare/alpha-vs-beta/changes/", "/features/", "/features/orm/", "/use-cases/",
        "/use-cases/cms/", "/search/", "/quiz/", f"/quiz/result/{token}/", "/feed/",
        "/sitemap.xml", "/robots.txt", "/data/", "/data/frameworks.json", "/data/support.csv",
        "/data/adoptions.csv", "/data/traits.csv", "/about/", "/sources/",
        "/og/compare/alpha-vs-beta.png", "/og/frameworks/alpha.png", f"/og/quiz/{token}.png",
        "/healthz", "/admin/login/",
    ]  # fmt: skip


# What the views read (search, picker, change log pages, sitemap pages, quiz links,
# sign-in's next), and one they ignore.
PARAMETERS = ["q", "f", "page", "p", "experience", "project", "next", "utm_source"]


@pytest.fixture
def token(small_site):
    assert Client().post("/quiz/", {"experience": "new"}).status_code == 303
    from recommender.models import Result

    return Result.objects.get().token


def test_the_addresses_the_nul_tests_ask_are_real_pages(token):
    for address in public_addresses(token):
        assert Client().get(address).status_code in (200, 301, 302), address


def test_a_nul_in_any_query_parameter_is_a_400_and_stores_nothing(fuzz_client, token):
    before = row_count()
    for address in public_addresses(token):
        for name in PARAMETERS:
            for query in (f"{name}=alpha{NUL}", f"{name}{NUL}=alpha", f"{name}={NUL}"):
                response = fuzz_client.get(f"{address}?{query}")
                assert response.status_code == 400, (address, query)
                assert "couldn't understand that request" in response.text
    assert row_count() == before


NUL_ADDRESSES = [
    "/frameworks/al{}pha/", "/compare/alpha-vs-be{}ta/", "/compare/al{}pha-vs-beta/changes/",
    "/compare/{}/", "/features/or{}m/", "/use-cases/cm{}s/", "/quiz/result/ab{}c/",
    "/og/compare/alpha-vs-be{}ta.png", "/og/frameworks/al{}pha.png", "/og/quiz/ab{}c.png",
    "/data/support{}.csv", "/media/markdownx/a{}.png", "/{}/", "/admin/{}/",
    "/static/css/site{}.css",
]  # fmt: skip


def test_a_nul_in_an_address_is_a_404(fuzz_client):
    before = row_count()
    for address in NUL_ADDRESSES:
        response = fuzz_client.get(address.format(NUL))
        assert response.status_code == 404, address
        assert "There is no page at this address" in response.text
    assert row_count() == before


def test_a_nul_in_a_quiz_answer_is_a_400_and_stores_nothing(fuzz_client):
    before = row_count()
    for fields in [{"experience": "new\x00"}, {"experience": "new", "project": "site\x00"},
                   {"experience": "new", "style\x00": "rules"},
                   {"experience": ["new", "\x00"]}]:  # fmt: skip
        for form in ("urlencoded", "multipart"):
            if form == "urlencoded":
                response = fuzz_client.post(
                    "/quiz/",
                    urlencode(fields, doseq=True),
                    content_type="application/x-www-form-urlencoded",
                )
            else:
                response = fuzz_client.post("/quiz/", fields)  # the test client's multipart
            assert response.status_code == 400, (fields, form)
    assert row_count() == before


def test_a_nul_in_the_sign_in_form_is_a_400_and_counts_nothing(fuzz_client, django_user_model):
    from axes.models import AccessAttempt

    django_user_model.objects.create_superuser("boss", "boss@example.com", "pw")
    for fields in [{"username": "boss\x00", "password": "pw"},
                   {"username": "boss", "password": "p\x00w"},
                   {"username": "boss", "password": "pw", "next": "/admin/\x00"}]:  # fmt: skip
        response = fuzz_client.post("/admin/login/", fields)
        assert response.status_code == 400, fields
        assert "_auth_user_id" not in fuzz_client.session
    assert not AccessAttempt.objects.exists()


def test_a_cookie_with_a_nul_is_ignored(token):
    for cookie in ('sessionid="abcdefgh\\000ijkl"', 'csrftoken="ab\\000c"'):
        visitor = Client(raise_request_exception=False, HTTP_COOKIE=cookie)
        for address in ("/frameworks/", "/quiz/", "/admin/"):
            response = visitor.get(address)
            assert response.status_code in (200, 302), (cookie, address)
        assert visitor.post("/quiz/", {"experience": "new"}).status_code == 303
