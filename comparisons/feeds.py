from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from .models import Article


class ArticleFeed(Feed):
    feed_type = Atom1Feed
    title = "Pickframe comparisons"
    subtitle = "New and updated comparisons of Python web frameworks."
    link = reverse_lazy("comparisons:home")
    author_name = "Pickframe editors"  # RFC 4287 wants an author for the feed or each entry

    def items(self):
        """Every editorial article (there are a few dozen at most)."""
        return Article.objects.published().for_listing()

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.lede

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at
