"""What every Canopy page shares: SEO fields, cache tags, product preloading."""

import math
import re
from html import unescape

from django.db import models
from django.utils.functional import SimpleLazyObject

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.models import Page

WORDS_PER_MINUTE = 200
_TAG = re.compile(r"<[^>]+>")
# Raw-JSON keys holding reader-visible text inside stream blocks.
_TEXT_KEYS = {"text", "quote", "question", "answer", "caption", "title", "heading"}


def stream_text(raw_data) -> str:
    """The plain text of a stream's raw JSON (for reading time), no rendering."""
    parts: list[str] = []

    def walk(value, key=""):
        if isinstance(value, dict):
            for child_key, child in value.items():
                if child_key in {"type", "id"}:
                    continue
                walk(child, child_key if child_key != "value" else key)
        elif isinstance(value, list):
            for child in value:
                walk(child, key)
        elif isinstance(value, str) and (key in _TEXT_KEYS or key == "paragraph"):
            parts.append(unescape(_TAG.sub(" ", value)))

    for item in raw_data or []:
        walk(item.get("value"), item.get("type", ""))
    return " ".join(parts)


def reading_minutes_for(*texts: str) -> int:
    words = sum(len(text.split()) for text in texts if text)
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


class CanopyPage(Page):
    """Abstract base: SEO fields, cacheable serving, body products preloaded."""

    og_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="social image",
        help_text="Shown when the page is shared (Open Graph / Twitter). "
        "Defaults to the hero image.",
    )
    canonical_url = models.URLField(
        blank=True,
        help_text="Only when this content's original lives at another address.",
    )

    promote_panels = [
        *Page.promote_panels,
        MultiFieldPanel(
            [FieldPanel("og_image"), FieldPanel("canonical_url")],
            heading="Sharing and canonical address",
        ),
    ]
    api_fields = [APIField("seo_title"), APIField("search_description")]

    # Page cache: whether anonymous-identical output may be stored.
    is_page_cacheable = True
    # Joined in when the page is routed to, so templates do not query them.
    route_select_related: tuple[str, ...] = ("og_image",)
    # Which facts a listing card shows (cms/includes/page_card.html). Asking a
    # page for a field it lacks costs Django's template engine a dir() of the
    # whole model instance, per card.
    listing_kind = ""

    class Meta:
        abstract = True

    # -- hooks for subclasses -------------------------------------------------
    def get_body_streams(self) -> list:
        """StreamField values whose product blocks the page shows."""
        body = getattr(self, "body", None)
        return [body] if body is not None else []

    def get_extra_product_ids(self, request) -> list[int]:
        return []

    def get_share_image(self):
        return self.og_image or getattr(self, "hero_image", None)

    # -- serving ----------------------------------------------------------------
    def get_view_restrictions(self):
        """Wagtail asks on every request; almost no page has restrictions, so
        answer from the cached list of restricted paths without a query."""
        from wagtail.models import PageViewRestriction

        from cms.page_cache import restricted_paths

        if not any(self.path.startswith(path) for path in restricted_paths()):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    def route_descendant(self, request, path_components):
        """Route to a descendant in two queries, whatever its depth.

        Wagtail walks the path one level at a time (two queries per level);
        url_path already spells the whole path, so look it up directly. The
        result is the same: a live page, or 404.
        """
        from django.contrib.contenttypes.models import ContentType
        from django.http import Http404

        target = self.url_path + "/".join(path_components) + "/"
        found = (
            Page.objects.filter(url_path=target, path__startswith=self.path)
            .values_list("id", "content_type_id")
            .first()
        )
        if found is None:
            raise Http404
        page_id, content_type_id = found
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None:
            raise Http404
        queryset = model.objects.all()
        select = getattr(model, "route_select_related", ())
        if select:
            queryset = queryset.select_related(*select)
        return queryset.get(id=page_id).route(request, [])

    def get_context(self, request, *args, **kwargs):
        from cms.blocks import product_ids_in, room_ids_in
        from cms.page_cache import product_tag, room_tag, tag_versions_stamp
        from cms.selectors import product_cards_for_request

        context = super().get_context(request, *args, **kwargs)
        streams = self.get_body_streams()
        product_ids: dict[int, None] = {}
        for stream in streams:
            for product_id in product_ids_in(stream):
                product_ids.setdefault(product_id, None)
        for product_id in self.get_extra_product_ids(request):
            product_ids.setdefault(product_id, None)
        # Read before anything they stand for: the page cache and the stream
        # fragments are stamped with these versions (cms/page_cache.py).
        tag_versions = tag_versions_stamp(
            request,
            [
                *(product_tag(product_id) for product_id in product_ids),
                *(room_tag(room) for stream in streams for room in room_ids_in(stream)),
            ],
        )
        context["stream_tag_versions"] = tag_versions
        context["share_rendition"] = self._page_images_prime()
        # Priced when first asked for: a stream served from its fragment
        # never asks.
        context["product_cards"] = SimpleLazyObject(
            lambda: product_cards_for_request(
                request, product_ids=list(product_ids), tag_versions=tag_versions
            )
        )
        context["canonical_url"] = self.canonical_url or self.get_full_url(request)
        return context

    def _page_images_prime(self):
        """Load the hero's and share image's renditions in one cache read;
        return the share image's rendition (page.html's og:image), or None.

        The share rendition is looked up here rather than with ``{% image %}``,
        whose ``get_rendition`` writes the rendition back to the cache on
        every render.
        """
        from wagtail.images.shortcuts import get_renditions_or_not_found

        from cms.selectors import (
            HERO_IMAGE_SPECS,
            SHARE_IMAGE_SPECS,
            image_renditions_prime,
        )

        specs_by_image: dict[int, tuple[object, list[str]]] = {}
        # Every page type with a hero image shows it (cms/includes/hero.html).
        hero = getattr(self, "hero_image", None)
        if hero is not None:
            specs_by_image[id(hero)] = (hero, [*HERO_IMAGE_SPECS])
        share = self.get_share_image()
        if share is not None:
            # Often the hero itself: one instance, so its specs are merged.
            specs_by_image.setdefault(id(share), (share, []))[1].extend(
                SHARE_IMAGE_SPECS
            )
        image_renditions_prime(specs_by_image.values())
        if share is None:
            return None
        (spec,) = SHARE_IMAGE_SPECS
        return get_renditions_or_not_found(share, (spec,))[spec]

    def serve(self, request, *args, **kwargs):
        from cms.page_cache import page_cache_allow

        response = super().serve(request, *args, **kwargs)
        if self.is_page_cacheable and not getattr(request, "is_preview", False):
            page_cache_allow(
                request,
                page=self,
                canonical_query=self.canonical_query(response.context_data),
            )
        return response

    def canonical_query(self, context: dict) -> dict[str, str] | None:
        """The query string this page's own links use for what ``context``
        shows; only that spelling is cached (None: none is). Pages that read
        no parameter have an empty one."""
        return {}
