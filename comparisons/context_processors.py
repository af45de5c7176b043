"""Values every public page's shell (base.html) needs."""

from functools import cache

from django.urls import reverse

NAV = {
    "home": "comparisons:home",
    "frameworks": "comparisons:frameworks",
    "compare": "comparisons:compare_index",
    "quiz": "recommender:quiz",
    "search": "comparisons:search",
    "features": "comparisons:features",
    "use_cases": "comparisons:use_cases",
    "about": "comparisons:about",
    "sources_policy": "comparisons:sources_policy",
    "feed": "comparisons:feed",
    "data": "comparisons:data",
}


@cache
def _nav_urls():
    # The URLconf is fixed for the life of the process, so reverse each link once
    # rather than on every page (a dozen reverse() calls cost more than the rest of
    # a small page's shell).
    return {name: reverse(route) for name, route in NAV.items()}


def site(request):
    return {"nav": _nav_urls()}
