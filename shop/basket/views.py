"""The basket flags every line the shop cannot currently fill.

Oscar warns only about products that became unavailable outright; a plant
whose stock fell below the line's quantity (or to zero) stayed silent until
checkout bounced. Lines are never dropped: the shopper decides.
"""

from django.utils.translation import gettext as _

from oscar.apps.basket.views import *  # noqa: F403
from oscar.apps.basket.views import BasketView as CoreBasketView
from oscar.core.loading import get_class

Unavailable = get_class("partner.availability", "Unavailable")


def basket_line_problem(line) -> str | None:
    """Why this line cannot be bought as it stands, or None."""
    availability = line.purchase_info.availability
    if isinstance(availability, Unavailable):
        return None  # Oscar's own warning covers it
    is_permitted, reason = availability.is_purchase_permitted(line.quantity)
    if is_permitted:
        return None
    return _(
        "“%(title)s” cannot be ordered as it is (%(reason)s): lower the "
        "quantity or remove it to check out."
    ) % {"title": line.product.get_title(), "reason": reason}


class BasketView(CoreBasketView):
    def get_basket_warnings(self, basket):
        warnings = super().get_basket_warnings(basket)
        for line in basket.all_lines():
            problem = basket_line_problem(line)
            if problem:
                warnings.append(problem)
        return warnings

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["problem_line_ids"] = {
            line.pk
            for line in self.request.basket.all_lines()
            if basket_line_problem(line)
        }
        return context
