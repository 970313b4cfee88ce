"""Cache purge only (house style: signals for decoupled invalidation).

Pages are purged when any page is published or unpublished, or site
settings change (menus, listings and related links: the site tag); when a
page moves, changes its slug or is deleted, or a site, an image, a
document, an author or a species (care facts, guide filters) changes,
routes and page bodies go too (the tree tag, with the site tag); a page's
kept route goes with any save of the page (its page tag); per product when
its stock, price, images or details change, including stock reserved,
released or shipped by the shop's conditional updates; per chat room when a
message is published, hidden or deleted, or the room's rules change (public
rooms show recent messages without JavaScript).
"""

from django.db.models.signals import post_delete, post_save

from wagtail.models import Page
from wagtail.signals import (
    page_published,
    page_slug_changed,
    page_unpublished,
    post_page_move,
)

from cms.page_cache import (
    SITE_TAG,
    TREE_TAG,
    page_cache_purge,
    page_tag,
    product_tag,
    room_tag,
)
from shop.signals import stock_levels_changed


def _purge_site(**kwargs) -> None:
    page_cache_purge([SITE_TAG])


def _purge_tree(**kwargs) -> None:
    page_cache_purge([TREE_TAG, SITE_TAG])


def _page_moved(**kwargs) -> None:
    # Restricted subtrees are cached by tree path, which a move changes.
    from cms.page_cache import restricted_paths_forget

    restricted_paths_forget()
    page_cache_purge([TREE_TAG, SITE_TAG])


def _forget_site_settings(sender, instance, created=False, **kwargs) -> None:
    from django.core.cache import cache

    cache.delete(sender.cache_key(instance.site_id))
    # A row created with its defaults (by the first page that reads the
    # settings) changes nothing a page already shows.
    if not created:
        page_cache_purge([SITE_TAG])


def _forget_view_restrictions(sender, instance, **kwargs) -> None:
    from cms.page_cache import restricted_paths_forget

    restricted_paths_forget()
    page_cache_purge([SITE_TAG])


def _purge_page_deleted(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page):
        page_cache_purge([TREE_TAG, SITE_TAG])


def _purge_page_saved(sender, instance, **kwargs) -> None:
    # Its kept route holds the row (cms/routing.py): every save retires it.
    if isinstance(instance, Page):
        page_cache_purge([page_tag(instance.pk)])


def _purge_stock_record(sender, instance, **kwargs) -> None:
    product = instance.product if instance.product_id else None
    tags = [product_tag(instance.product_id)]
    if product is not None and product.parent_id:
        tags.append(product_tag(product.parent_id))
    page_cache_purge(tags)


def _purge_product(sender, instance, **kwargs) -> None:
    tags = [product_tag(instance.pk)]
    if instance.parent_id:
        tags.append(product_tag(instance.parent_id))
    page_cache_purge(tags)


def _purge_product_image(sender, instance, **kwargs) -> None:
    page_cache_purge([product_tag(instance.product_id)])


def _purge_stock_levels(sender, product_ids, **kwargs) -> None:
    page_cache_purge([product_tag(product_id) for product_id in product_ids])


def _purge_room(sender, instance, **kwargs) -> None:
    page_cache_purge([room_tag(instance.pk)])


def _purge_room_message(sender, instance, created=False, **kwargs) -> None:
    # Publishing a message saves its room (the sequence number); a message
    # created held shows nowhere. Later saves hide, delete or approve it.
    if not created:
        page_cache_purge([room_tag(instance.room_id)])


def connect() -> None:
    page_published.connect(_purge_site, dispatch_uid="cms_purge_published")
    page_unpublished.connect(_purge_site, dispatch_uid="cms_purge_unpublished")
    post_page_move.connect(_page_moved, dispatch_uid="cms_purge_moved")
    page_slug_changed.connect(_purge_tree, dispatch_uid="cms_purge_slug_changed")
    post_delete.connect(_purge_page_deleted, dispatch_uid="cms_purge_deleted")
    post_save.connect(_purge_page_saved, dispatch_uid="cms_purge_page_saved")
    # An article's kept route holds its author, joined.
    post_save.connect(_purge_tree, sender="cms.Author", dispatch_uid="cms_author")
    post_save.connect(
        _forget_site_settings, sender="cms.SiteSettings", dispatch_uid="cms_settings"
    )
    for signal in (post_save, post_delete):
        signal.connect(
            _forget_view_restrictions,
            sender="wagtailcore.PageViewRestriction",
            dispatch_uid=f"cms_restrictions_{id(signal)}",
        )
    post_save.connect(
        _purge_stock_record, sender="partner.StockRecord", dispatch_uid="cms_stock"
    )
    post_delete.connect(
        _purge_stock_record, sender="partner.StockRecord", dispatch_uid="cms_stock_del"
    )
    for signal in (post_save, post_delete):
        suffix = id(signal)
        signal.connect(
            _purge_product,
            sender="catalogue.Product",
            dispatch_uid=f"cms_product_{suffix}",
        )
        signal.connect(
            _purge_product_image,
            sender="catalogue.ProductImage",
            dispatch_uid=f"cms_product_image_{suffix}",
        )
        for model in (
            "wagtailcore.Site",
            "identify.Species",
            "wagtailimages.Image",
            "wagtaildocs.Document",
        ):
            signal.connect(
                _purge_tree, sender=model, dispatch_uid=f"cms_{model}_{suffix}"
            )
        signal.connect(
            _purge_room, sender="community.Room", dispatch_uid=f"cms_room_{suffix}"
        )
    post_save.connect(
        _purge_room_message, sender="community.Message", dispatch_uid="cms_message"
    )
    stock_levels_changed.connect(_purge_stock_levels, dispatch_uid="cms_stock_levels")
