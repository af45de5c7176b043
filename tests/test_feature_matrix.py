"""The feature matrix: every support level on one admin page."""

import pytest
from django.test import Client

from comparisons.models import Feature, Framework, Support

from .htmlforms import form_data

pytestmark = pytest.mark.usefixtures("seeded")

MATRIX = "/admin/comparisons/support/matrix/"


def cell(framework, feature):
    f = Framework.objects.get(slug=framework)
    g = Feature.objects.get(slug=feature)
    return f"cell-{f.pk}-{g.pk}"


def test_the_matrix_shows_every_framework_and_feature(staff_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = staff_client.get(MATRIX)
    assert response.status_code == 200
    data = form_data(response.text, "matrix-form")
    assert data[cell("django", "orm")] == "built-in"
    assert data[cell("flask", "orm")] == "official-extension"
    assert sum(1 for key in data if key.startswith("cell-") and not key.endswith("-v")) == 7 * 21


def test_changing_levels_saves_only_the_changed_cells_with_history(staff_client):
    data = form_data(staff_client.get(MATRIX).text, "matrix-form")
    data[cell("flask", "interactive-debugger")] = "none"
    response = staff_client.post(MATRIX, data, follow=True)
    assert "Saved 1 change(s)." in response.text
    support = Support.objects.get(framework__slug="flask", feature__slug="interactive-debugger")
    assert support.level == "none"
    assert support.history.latest().history_user.username == "boss"


def test_an_extension_level_without_a_named_extension_is_refused(staff_client):
    data = form_data(staff_client.get(MATRIX).text, "matrix-form")
    data[cell("tornado", "orm")] = "third-party"
    response = staff_client.post(MATRIX, data, follow=True)
    assert "name the extension on its own page first" in response.text
    assert Support.objects.get(framework__slug="tornado", feature__slug="orm").level == "none"


def test_a_cell_changed_by_someone_else_meanwhile_is_not_overwritten(staff_client):
    data = form_data(staff_client.get(MATRIX).text, "matrix-form")
    support = Support.objects.get(framework__slug="quart", feature__slug="websockets")
    support.note = "Edited elsewhere"
    support.save()
    data[cell("quart", "websockets")] = "none"
    response = staff_client.post(MATRIX, data, follow=True)
    assert "changed by someone else meanwhile" in response.text
    assert Support.objects.get(pk=support.pk).level == "built-in"


def test_readers_without_change_rights_cannot_save_the_matrix(django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_support"))
    client = Client()
    client.force_login(user)
    assert client.get(MATRIX).status_code == 200
    data = form_data(client.get(MATRIX).text, "matrix-form")
    assert client.post(MATRIX, data).status_code == 403


@pytest.mark.parametrize(
    "url",
    [MATRIX, "/admin/comparisons/framework/facts-to-recheck/", "/admin/recommender/question/try/",
     "/admin/recommender/result/analytics/"],
)  # fmt: skip
def test_staff_without_permissions_cannot_open_the_editor_tools(django_user_model, url):
    user = django_user_model.objects.create_user("nobody", password="pw", is_staff=True)
    client = Client()
    client.force_login(user)
    assert client.get(url).status_code == 403
