"""Where people give up: the quiz's funnel, counted per day and step, never per person.

quiz.js sends "started" and "question-<n>" beacons to /quiz/step/; the quiz counts
"finished" when it stores a result; the analytics page shows the funnel. Every test
builds the three-question quiz of ``build_quiz`` (experience, required; project;
style) over Alpha, Beta and Gamma. The walk through the quiz in Chromium is in
tests/test_browser.py.
"""

import datetime
import threading

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.db import DatabaseError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from recommender.models import Result, StepCount, StepCountQuerySet

from .factories import FrameworkFactory, build_quiz

pytestmark = pytest.mark.usefixtures("empty_content")

STEP_URL = "/quiz/step/"
SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin"}  # what Chromium sends with a beacon


@pytest.fixture
def questions(empty_content):
    frameworks = [FrameworkFactory(name=n, slug=n.lower()) for n in ("Alpha", "Beta", "Gamma")]
    return build_quiz(frameworks)


def beacon(client, body, content_type="application/x-www-form-urlencoded", **headers):
    return client.post(STEP_URL, body, content_type=content_type, **{**SAME_ORIGIN, **headers})


def counts():
    return {(row.day, row.step): row.visitors for row in StepCount.objects.all()}


def test_the_quiz_page_names_the_beacon_and_counts_nothing_itself(client, questions):
    html = client.get("/quiz/").text
    assert f'data-beacon="{STEP_URL}"' in html
    assert reverse("recommender:step") == STEP_URL
    assert not StepCount.objects.exists()  # a cached GET cannot count, so it never does


def test_each_step_is_counted_per_day(client, questions):
    day = datetime.datetime(2026, 3, 9, 12, tzinfo=datetime.UTC)
    with time_machine.travel(day, tick=False):
        for body in ["step=started", "step=started", "step=question-2", "step=question-3"]:
            assert beacon(client, body).status_code == 204
    with time_machine.travel(day + datetime.timedelta(days=1), tick=False):
        assert beacon(client, "step=started").status_code == 204
    monday, tuesday = datetime.date(2026, 3, 9), datetime.date(2026, 3, 10)
    assert counts() == {
        (monday, "started"): 2,
        (monday, "question-2"): 1,
        (monday, "question-3"): 1,
        (tuesday, "started"): 1,
    }


def test_a_count_is_one_statement_that_adds_one(questions, django_assert_num_queries):
    """No read-then-write: the database adds one, so simultaneous counts cannot lose any."""
    StepCount.objects.add_one("started")
    with django_assert_num_queries(1) as captured:
        StepCount.objects.add_one("started")
    (sql,) = (q["sql"] for q in captured.captured_queries)
    assert sql.startswith("INSERT INTO") and "ON CONFLICT" in sql
    assert '"visitors" = "recommender_stepcount"."visitors" + 1' in sql
    assert StepCount.objects.get().visitors == 2


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the in-memory SQLite test database locks whole tables between threads; "
    "tests/test_browser.py sends simultaneous beacons to a server over an SQLite file",
)
def test_simultaneous_counts_from_many_connections_are_all_kept(db):
    """Threads on their own connections race to create the day's row, then keep adding."""
    day, threads, each = datetime.date(2001, 1, 1), 8, 25  # a day no other test uses
    start = threading.Barrier(threads)
    failures = []

    def count():
        try:
            connection.ensure_connection()  # this thread's own, opened before the race
            start.wait()
            for _ in range(each):
                StepCount.objects.add_one("started", day=day)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)
        finally:
            connections.close_all()

    def committed_total():
        """Read (and then delete) the threads' committed rows on a connection of its own."""
        found = []

        def read_and_clean():
            rows = StepCount.objects.filter(day=day)
            found.extend(rows.values_list("step", "visitors"))
            rows.delete()
            connections.close_all()

        reader = threading.Thread(target=read_and_clean)
        reader.start()
        reader.join()
        return found

    workers = [threading.Thread(target=count) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    found = committed_total()  # and cleaned up, whatever the outcome
    assert failures == []
    assert found == [("started", threads * each)]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("step=finished", 400),  # counted by the quiz itself when it stores a result
        ("step=question-1", 400),  # that is "started"
        ("step=question-4", 400),  # the quiz has three questions
        ("step=question-02", 400),
        ("step=Started", 400),
        ("step=", 400),
        ("", 400),
        ("stage=started", 400),
        ("step=started&step=started", 400),
        ("step=started&visitor=42", 400),
        ("step=started&" + "x" * 100, 413),
    ],
)
def test_a_bad_step_is_refused_and_counts_nothing(client, questions, body, status):
    response = beacon(client, body)
    assert response.status_code == status
    assert response.text.strip()  # says what was wrong
    assert not StepCount.objects.exists()


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "text/plain", "multipart/form-data; boundary=x"],
)
def test_a_step_sent_as_anything_but_a_form_is_refused(client, questions, content_type):
    assert beacon(client, "step=started", content_type=content_type).status_code == 415
    assert not StepCount.objects.exists()


def test_a_malformed_content_length_is_refused(client, questions):
    assert beacon(client, "step=started", CONTENT_LENGTH="lots").status_code == 413
    assert not StepCount.objects.exists()


@pytest.mark.parametrize("method", ["get", "head", "put", "delete", "patch"])
def test_a_step_must_be_posted(client, questions, method):
    response = getattr(client, method)(STEP_URL)
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert not StepCount.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_SEC_FETCH_SITE": "cross-site"}, {"HTTP_SEC_FETCH_SITE": "same-site"},
     {"HTTP_SEC_FETCH_SITE": None, "HTTP_ORIGIN": "https://evil.example"}],
)  # fmt: skip
def test_a_beacon_from_another_site_is_refused_and_counts_nothing(client, questions, headers):
    headers = {k: v for k, v in {**SAME_ORIGIN, **headers}.items() if v is not None}
    response = client.post(
        STEP_URL, "step=started", content_type="application/x-www-form-urlencoded", **headers
    )
    assert response.status_code == 403
    assert not StepCount.objects.exists()


def test_a_beacon_reads_and_sets_no_cookie_and_stores_nothing_personal(client, questions):
    client.cookies["sessionid"] = "someone-signed-in"
    response = beacon(client, "step=started", REMOTE_ADDR="203.0.113.9",
                      HTTP_USER_AGENT="TestBrowser/1.0")  # fmt: skip
    assert response.status_code == 204
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    stored = str(list(StepCount.objects.values()))
    for personal in ("203.0.113.9", "TestBrowser", "someone-signed-in"):
        assert personal not in stored
    assert {f.name for f in StepCount._meta.get_fields()} == {"id", "day", "step", "visitors"}


def test_finishing_counts_once_per_stored_result(client, questions):
    assert client.post("/quiz/", {"experience": "new"}).status_code == 303
    assert client.post("/quiz/", {"experience": "seasoned", "project": "api"}).status_code == 303
    assert client.post("/quiz/", {"project": "api"}).status_code == 400  # not stored
    assert client.post("/quiz/", {"experience": "new"},
                       HTTP_SEC_FETCH_SITE="cross-site").status_code == 403  # fmt: skip
    assert Result.objects.count() == 2
    assert counts() == {(timezone.localdate(), "finished"): 2}


@pytest.fixture
def counting_fails(monkeypatch):
    """Every count meets a real database error, as when the table is missing or locked."""

    def fail(self, step, day=None):
        with connections[self.db].cursor() as cursor:
            cursor.execute("SELECT visitors FROM no_such_table")

    monkeypatch.setattr(StepCountQuerySet, "add_one", fail)


def test_a_failed_count_never_breaks_the_quiz(client, questions, counting_fails):
    response = client.post("/quiz/", {"experience": "new"})
    assert response.status_code == 303
    result = Result.objects.get()  # the failed count left the transaction usable
    assert client.get(response["Location"]).status_code == 200
    assert result.winner == "alpha"
    assert beacon(client, "step=started").status_code == 503


def test_a_failed_count_is_reported_to_its_caller(counting_fails, db):
    with pytest.raises(DatabaseError), transaction.atomic():
        StepCount.objects.add_one("started")  # the fixture's failure is the database's
    assert StepCount.record("started") is False
    assert not StepCount.objects.exists()


# --- The analytics page -------------------------------------------------------------------


def _count(day, **visitors):
    StepCount.objects.bulk_create(
        StepCount(day=day, step=step.replace("_", "-"), visitors=n) for step, n in visitors.items()
    )


def funnel_rows(response):
    return [(r["step"], r["count"], r["share"]) for r in response.context["funnel"]]


# The analytics page's own queries, once this process has the quiz loaded (Quiz.load
# keeps it while the content stands): the session, the user; results per day, one
# answer chart per question (3), the total, the verdicts; and the funnel: one query,
# whatever the number of days and steps. Reading the content version is not counted:
# it depends on the cache (see pagecache.caching).
ANALYTICS_QUERIES = 9


def get_analytics(client, **params):
    """The analytics page, and the SQL it ran (the quiz already loaded)."""
    url = reverse("admin:recommender_analytics")
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    own = [q["sql"] for q in captured.captured_queries]
    return response, [sql for sql in own if "pagecache_contentversion" not in sql]


def test_analytics_shows_the_funnel_over_the_date_range(staff_client, questions):
    today = timezone.localdate()
    _count(today, started=6, question_2=5, question_3=3, finished=2)
    _count(today - datetime.timedelta(days=3), started=4, question_2=3, question_3=3, finished=2)
    _count(today - datetime.timedelta(days=60), started=100, finished=100)  # out of range
    response, queries = get_analytics(staff_client)
    assert len(queries) == ANALYTICS_QUERIES
    assert sum("recommender_stepcount" in sql for sql in queries) == 1
    assert funnel_rows(response) == [
        ("started", 10, 100),
        ("question-2", 8, 80),
        ("question-3", 6, 60),
        ("finished", 4, 40),
    ]
    html = response.text
    assert 'id="chart-funnel"' in html and "Where people give up" in html
    assert '<tr data-step="question-2"><th scope="row">Question 2' in html
    assert "What are you building?" in html  # the question each step reached
    assert '<td class="count share">80%</td>' in html

    wide, _ = get_analytics(staff_client, **{"from": str(today - datetime.timedelta(days=90))})
    assert funnel_rows(wide)[0] == ("started", 110, 100)
    assert funnel_rows(wide)[-1] == ("finished", 104, 95)


def test_the_funnel_query_count_does_not_grow_with_days_or_steps(staff_client, questions):
    today = timezone.localdate()
    for days_ago in range(30):
        _count(today - datetime.timedelta(days=days_ago), started=9, question_2=7, question_3=4,
               question_9=1, finished=3)  # fmt: skip
    response, queries = get_analytics(staff_client)
    assert len(queries) == ANALYTICS_QUERIES
    rows = funnel_rows(response)
    assert rows[0] == ("started", 270, 100) and rows[-1] == ("finished", 90, 33)


def test_steps_of_a_longer_former_quiz_stay_in_the_funnel(staff_client, questions):
    _count(timezone.localdate(), started=4, question_2=3, question_5=1, question_4=2)
    rows = staff_client.get(reverse("admin:recommender_analytics")).context["funnel"]
    assert [r["step"] for r in rows] == [
        "started", "question-2", "question-3", "question-4", "question-5", "finished",
    ]  # fmt: skip
    assert rows[3]["detail"] == "no longer in the quiz"


def test_a_funnel_without_starters_shows_no_shares(staff_client, questions):
    _count(timezone.localdate(), finished=2)  # people who took the quiz without JavaScript
    response = staff_client.get(reverse("admin:recommender_analytics"))
    assert funnel_rows(response)[-1] == ("finished", 2, None)
    assert '<td class="count share">–</td>' in response.text


def test_editors_see_the_funnel(client, editor, questions):
    assert Group.objects.get(name="Editors").permissions.filter(codename="view_stepcount").exists()
    _count(timezone.localdate(), started=2, finished=1)
    client.force_login(editor)
    response = client.get(reverse("admin:recommender_analytics"))
    assert funnel_rows(response) == [
        ("started", 2, 100), ("question-2", 0, 0), ("question-3", 0, 0), ("finished", 1, 50),
    ]  # fmt: skip


def test_staff_who_may_read_results_but_not_the_funnel_do_not_see_it(
    client, django_user_model, questions
):
    user = django_user_model.objects.create_user("reader", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_result"))
    client.force_login(user)
    response = client.get(reverse("admin:recommender_analytics"))
    assert response.status_code == 200
    assert response.context["funnel"] is None
    assert "Where people give up" not in response.text
