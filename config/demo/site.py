"""The site frame: Django's Site row, Wagtail's Site and its home page."""

from django.conf import settings
from django.contrib.sites.models import Site as DjangoSite

from wagtail.models import Locale, Page
from wagtail.models import Site as WagtailSite

from cms.models import HomePage


def demo_site_load() -> HomePage:
    """Ensure one HomePage is the default Wagtail site's root; return it."""
    DjangoSite.objects.update_or_create(
        id=settings.SITE_ID, defaults={"domain": "127.0.0.1:8000", "name": "Canopy"}
    )
    Locale.objects.get_or_create(language_code="en-gb")
    root = Page.get_first_root_node()
    if root is None:  # a flushed test database has no tree at all
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    home = HomePage.objects.first()
    if home is None:
        # Wagtail's migration leaves a placeholder "Welcome" page (slug
        # "home") at the top of the tree; the real home page replaces it.
        Page.objects.filter(depth=2, content_type__model="page").delete()
        home = root.add_child(
            instance=HomePage(
                title="Canopy",
                slug="home",
                intro="<p>Houseplants, pots and the know-how to keep them thriving.</p>",
            )
        )
        home.save_revision().publish()
    site = WagtailSite.objects.filter(is_default_site=True).first()
    if site is None:
        WagtailSite.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="Canopy",
        )
    elif site.root_page_id != home.id:
        site.root_page = home
        site.site_name = "Canopy"
        site.save(update_fields=["root_page", "site_name"])
    return home
