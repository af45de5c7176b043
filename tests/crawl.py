"""Crawl the sitemap the way a search engine would (used by code and content tests)."""

import re
from urllib.parse import urljoin, urlsplit


def crawl_sitemap(client):
    """Every address the sitemap lists, each asked with HEAD and GET.

    Returns (addresses, {address: status of HEAD and GET when not 200}, addresses that no
    other listed page links to).
    """
    xml = client.get("/sitemap.xml").text
    urls = [urlsplit(url).path for url in re.findall(r"<loc>([^<]+)</loc>", xml)]
    failed, linked = {}, set()
    for url in urls:
        head, get = client.head(url), client.get(url)
        if head.status_code != 200 or get.status_code != 200:
            failed[url] = (head.status_code, get.status_code)
            continue
        for href in re.findall(r'<a href="([^"#]*)', get.text):  # menus included
            target = urlsplit(urljoin(url, href)).path
            if target != url:
                linked.add(target)
    return urls, failed, [url for url in urls if url not in linked]
