"""Product cards for CMS blocks, priced by the visitor's Oscar strategy.

The shop app owns cards (``shop.selectors.product_cards_list``); this module
finds the strategy for the request and keeps each card under its product
tag's version (cms/page_cache.py): saving the product or its stock records,
or reserving, releasing or shipping its stock, bumps the tag and retires the
card. Pricing a card runs the strategy over the product, its stock records
and images (three queries and a quarter of an article's render); a kept card
is one cache read for all of a page's products.

Cards are kept per strategy class, as the page cache keeps whole pages for
every visitor: a strategy whose prices depend on the visitor beyond its
class must not be used with either.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.cache import caches

from oscar.core.loading import get_class

_CARD_PREFIX = "cms:product-card:v1:"
# Retired by the version in the key; this only bounds what an unshown product
# keeps in Redis.
_CARD_TIMEOUT = 60 * 60 * 24


def _cache():
    return caches[getattr(settings, "CMS_PAGE_CACHE_ALIAS", "default")]


def strategy_for_request(request):
    """The visitor's pricing strategy (Oscar's middleware sets it on most
    requests; API and test requests may lack it)."""
    strategy = getattr(request, "strategy", None)
    if strategy is None:
        selector = get_class("partner.strategy", "Selector")()
        user = getattr(request, "user", None)
        strategy = selector.strategy(request=request, user=user)
    return strategy


def product_cards_list(
    *, product_ids: Iterable[int], strategy, versions: dict[int, int]
) -> list:
    """Cards in the order of ``product_ids`` (unknown or hidden ids skipped).

    ``versions`` are the products' tag versions, read before this call; a
    product without one is priced afresh and not kept.
    """
    from shop.selectors import product_cards_list as shop_product_cards_list

    wanted = list(dict.fromkeys(int(product_id) for product_id in product_ids))
    strategy_name = f"{type(strategy).__module__}.{type(strategy).__qualname__}"
    keys = {
        product_id: f"{_CARD_PREFIX}{strategy_name}:{product_id}:{versions[product_id]}"
        for product_id in wanted
        if product_id in versions
    }
    cache = _cache()
    found = cache.get_many(list(keys.values())) if keys else {}
    cards = {product_id: found[key] for product_id, key in keys.items() if key in found}
    missing = [product_id for product_id in wanted if product_id not in cards]
    if missing:
        priced = shop_product_cards_list(product_ids=missing, strategy=strategy)
        cards.update((card.id, card) for card in priced)
        # A hidden or deleted product has no card and nothing is kept for it:
        # it may come back under the same version.
        cache.set_many(
            {keys[card.id]: card for card in priced if card.id in keys}, _CARD_TIMEOUT
        )
    return [cards[product_id] for product_id in wanted if product_id in cards]
