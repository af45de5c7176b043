"""The initial content renders: every page it publishes answers, and is linked.

The pages' code is tested on rows of its own in tests/test_pages.py,
tests/test_seo.py and tests/test_reachability.py; this test checks the content
editors start from.
"""

import pytest

from ..crawl import crawl_sitemap

pytestmark = pytest.mark.usefixtures("seeded")


def test_every_page_the_sitemap_lists_answers_and_is_linked_from_another(client):
    urls, failed, unlinked = crawl_sitemap(client)
    assert any("-vs-" in url for url in urls) and any("/frameworks/" in url for url in urls)
    assert failed == {}
    assert unlinked == []
