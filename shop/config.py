"""Oscar's root app config: /shop/ opens the catalogue.

Oscar redirects its root to ``OSCAR_HOMEPAGE``, which is the site's home
page here (for Oscar's "Home" links), so the site's "Shop" link would lead
straight back home.
"""

from django.urls import path, reverse_lazy
from django.views.generic import RedirectView

from oscar import config


class Shop(config.Shop):
    name = "oscar"

    def get_urls(self):
        urls = super().get_urls()
        return [
            path(
                "",
                RedirectView.as_view(url=reverse_lazy("catalogue:index")),
                name="home",
            ),
            *(url for url in urls if getattr(url, "name", None) != "home"),
        ]
