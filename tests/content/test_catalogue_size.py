"""The query budgets (tests/test_query_budgets.py) are measured on more data than the
initial content holds: if the content outgrows that data, grow factories.build_catalogue."""

import pytest

from comparisons.models import Feature, Framework, Support

from ..test_query_budgets import build_budget_content

pytestmark = pytest.mark.usefixtures("seeded")

MODELS = [Framework, Feature, Support]


def test_the_large_catalogue_is_several_times_the_initial_content(request):
    initial = {model: model.objects.count() for model in MODELS}
    assert all(initial.values())  # the initial content is loaded
    request.getfixturevalue("empty_content")
    build_budget_content()

    measured = {model: model.objects.count() for model in MODELS}
    assert measured[Framework] >= 2 * initial[Framework]
    assert measured[Feature] >= 3 * initial[Feature]
    assert measured[Support] >= 5 * initial[Support]
