"""Facts stay true: the re-check list for editors and the public change log."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from comparisons.admin import months_before
from comparisons.models import Adoption, Framework, Source, Support, TraitValue

from .htmlforms import form_data

pytestmark = pytest.mark.usefixtures("seeded")

RECHECK = "/admin/comparisons/framework/facts-to-recheck/"


def test_months_before_handles_short_months():
    assert months_before(datetime.date(2026, 3, 31), 1) == datetime.date(2026, 2, 28)
    assert months_before(datetime.date(2026, 11, 21), 12) == datetime.date(2025, 11, 21)
    assert months_before(datetime.date(2026, 1, 15), 2) == datetime.date(2025, 11, 15)


def test_fresh_sourced_facts_are_not_listed(staff_client):
    response = staff_client.get(RECHECK)
    assert response.status_code == 200
    assert response.context["total"] == 0


def test_old_and_unsourced_facts_are_listed_by_framework_with_links(staff_client):
    old = timezone.localdate() - datetime.timedelta(days=400)
    support = Support.objects.get(framework__slug="flask", feature__slug="orm")
    Support.objects.filter(pk=support.pk).update(verified_on=old)
    trait = TraitValue.objects.get(framework__slug="django", trait__slug="learning-curve")
    trait.sources.clear()
    Framework.objects.filter(slug="quart").update(verified_on=old)

    response = staff_client.get(RECHECK)
    groups = dict(response.context["groups"])
    assert response.context["total"] == 3
    flask = next(f for f in groups if f.slug == "flask")
    [fact] = groups[flask]
    assert fact["url"] == reverse("admin:comparisons_support_change", args=[support.pk])
    assert "last checked" in fact["reasons"]
    django = next(f for f in groups if f.slug == "django")
    assert groups[django][0]["reasons"] == "cites no source"
    assert 'id="recheck-quart"' in response.text


def test_the_age_is_configurable(staff_client, settings):
    Support.objects.filter(framework__slug="flask", feature__slug="orm").update(
        verified_on=timezone.localdate() - datetime.timedelta(days=70)
    )
    assert staff_client.get(RECHECK).context["total"] == 0
    settings.FACTS_MAX_AGE_MONTHS = 2
    assert staff_client.get(RECHECK).context["total"] == 1


def test_mark_verified_today_clears_the_fact_and_records_history(staff_client):
    old = timezone.localdate() - datetime.timedelta(days=400)
    support = Support.objects.get(framework__slug="flask", feature__slug="orm")
    Support.objects.filter(pk=support.pk).update(verified_on=old)
    page = staff_client.get(RECHECK).text
    assert f'name="fact" value="support:{support.pk}"' in page
    data = {**form_data(page), "fact": f"support:{support.pk}"}  # tick the box
    response = staff_client.post(RECHECK, data, follow=True)
    assert "Marked 1 fact as verified today" in response.text
    support.refresh_from_db()
    assert support.verified_on == timezone.localdate()
    assert support.history.latest().history_user.username == "boss"
    assert staff_client.get(RECHECK).context["total"] == 0


def test_mark_verified_ignores_forged_keys(staff_client):
    old = timezone.localdate() - datetime.timedelta(days=400)
    Support.objects.update(verified_on=old)
    forged = ["nope:1", "support:x", "support:999999", "source:1", "framework:"]
    response = staff_client.post(RECHECK, {"fact": forged}, follow=True)
    assert "Marked 0 facts as verified today" in response.text
    assert not Support.objects.exclude(verified_on=old).exists()


def test_the_public_change_log_shows_what_changed_and_when(client, staff_client):
    assert "No changes since" in client.get("/compare/django-vs-flask/changes/").text
    support = Support.objects.get(framework__slug="flask", feature__slug="orm")
    url = reverse("admin:comparisons_support_change", args=[support.pk])
    staff_client.post(url, {**form_data(staff_client.get(url).text, "support_form"),
                            "level": "third-party"})  # fmt: skip
    netflix = Adoption.objects.get(company__slug="netflix")
    staff_client.post(reverse("admin:comparisons_adoption_delete", args=[netflix.pk]),
                      {"post": "yes"})  # fmt: skip

    html = client.get("/compare/django-vs-flask/changes/").text
    assert "ORM support: level changed from “official-extension” to “third-party”" in html
    assert "removed use at Netflix" in html
    assert "boss" not in html  # editors' names stay private
    assert (
        'href="/compare/django-vs-flask/changes/"' in client.get("/compare/django-vs-flask/").text
    )


def test_the_change_log_of_an_impossible_comparison_is_a_404(client):
    assert client.get("/compare/django-vs-nope/changes/").status_code == 404


def test_the_change_log_has_a_fixed_query_budget(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):  # one per fact model, its sources, the names
        assert client.get("/compare/aiohttp-vs-sanic/changes/").status_code == 200


def test_the_change_log_shows_a_change_of_sources(client, staff_client):
    support = Support.objects.get(framework__slug="flask", feature__slug="orm")
    cited = list(support.sources.order_by("pk"))
    new_source = Source.objects.exclude(pk__in=[s.pk for s in cited]).order_by("pk").first()
    url = reverse("admin:comparisons_support_change", args=[support.pk])
    data = form_data(staff_client.get(url).text, "support_form")
    data["sources"] = [str(cited[0].pk), str(new_source.pk)]
    assert staff_client.post(url, data).status_code == 302

    html = client.get("/compare/django-vs-flask/changes/").text
    assert f"ORM support: cited “{new_source.title}”" in html.replace("&#x27;", "'")
    for dropped in cited[1:]:
        assert f"stopped citing “{dropped.title}”" in html.replace("&#x27;", "'")
    assert f"cited “{cited[0].title}”" not in html.replace("&#x27;", "'")  # kept, not news
    assert "level changed" not in html  # nothing else changed
