"""The default strategy, minus an N+1: Oscar's ``fetch_for_line`` ignores the
line's own (already joined) stock record and looks the product's up again,
one query per basket line on every basket render."""

from oscar.apps.partner.strategy import *  # noqa: F403
from oscar.apps.partner.strategy import Default as CoreDefault
from oscar.apps.partner.strategy import Selector as CoreSelector


class Default(CoreDefault):
    def fetch_for_line(self, line, stockrecord=None):
        return self.fetch_for_product(line.product, stockrecord or line.stockrecord)


class Selector(CoreSelector):
    def strategy(self, request=None, user=None, **kwargs):
        return Default(request)
