"""Product cards for CMS blocks, priced by the visitor's Oscar strategy.

The shop app owns cards (``shop.selectors.product_cards_list``); this module
only finds the strategy for the request.
"""

from collections.abc import Iterable

from oscar.core.loading import get_class


def strategy_for_request(request):
    """The visitor's pricing strategy (Oscar's middleware sets it on most
    requests; API and test requests may lack it)."""
    strategy = getattr(request, "strategy", None)
    if strategy is None:
        selector = get_class("partner.strategy", "Selector")()
        user = getattr(request, "user", None)
        strategy = selector.strategy(request=request, user=user)
    return strategy


def product_cards_list(*, product_ids: Iterable[int], strategy) -> list:
    from shop.selectors import product_cards_list as shop_product_cards_list

    return shop_product_cards_list(product_ids=list(product_ids), strategy=strategy)
