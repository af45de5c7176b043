"""The initial content renders: every page it publishes answers 200.

The pages' code is tested on rows of its own in tests/test_pages.py and
tests/test_seo.py; this test checks the content editors start from.
"""

import re

import pytest

pytestmark = pytest.mark.usefixtures("seeded")


def test_every_page_the_sitemap_lists_answers_200(client):
    xml = client.get("/sitemap.xml").text
    urls = re.findall(r"<loc>http://testserver(/[^<]*)</loc>", xml)
    assert any("-vs-" in url for url in urls) and any("/frameworks/" in url for url in urls)
    for url in urls:
        assert client.get(url).status_code == 200, url
