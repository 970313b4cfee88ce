"""Page types. The tree: Home → Landing / Article index → Article /
Care-guide index → Care guide. Editors cannot create a page elsewhere."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.utils import timezone

from modelcluster.contrib.taggit import ClusterTaggableManager
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from cms.blocks import BodyStreamBlock, FaqStreamBlock

from .base import CanopyPage, reading_minutes_for, stream_text

ARTICLES_PER_PAGE = 12
GUIDES_PER_PAGE = 24


def _hero_image_field():
    return models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


def _paginate(request, items, per_page: int):
    paginator = Paginator(items, per_page)
    try:
        return paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


def _with_page_number(query: dict[str, str], shown) -> dict[str, str]:
    # The first page's links carry no number (includes/pagination.html).
    if shown.number > 1:
        query["page"] = str(shown.number)
    return query


class HomePage(CanopyPage):
    intro = RichTextField(blank=True)
    hero_image = _hero_image_field()
    body = StreamField(BodyStreamBlock(), blank=True, use_json_field=True)

    content_panels = [
        *CanopyPage.content_panels,
        FieldPanel("intro"),
        FieldPanel("hero_image"),
        FieldPanel("body"),
    ]
    search_fields = [*CanopyPage.search_fields, index.SearchField("intro")]
    api_fields = [
        *CanopyPage.api_fields,
        APIField("intro"),
        APIField("hero_image"),
        APIField("body"),
    ]

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.LandingPage",
        "cms.ArticleIndexPage",
        "cms.CareGuideIndexPage",
    ]
    template = "cms/home_page.html"
    route_select_related = ("hero_image", "og_image")

    def route(self, request, path_components):
        if path_components:
            return self.route_descendant(request, path_components)
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        from cms.fragments import tree_read_cached
        from cms.selectors import article_list, care_guide_list

        context = super().get_context(request, *args, **kwargs)
        context["latest_articles"] = tree_read_cached(
            request, "home-latest-articles", lambda: list(article_list()[:3])
        )
        context["featured_guides"] = tree_read_cached(
            request, "home-featured-guides", lambda: list(care_guide_list()[:4])
        )
        return context


class LandingPage(CanopyPage):
    """Campaign pages, /identify/ and /community/: a free body of blocks."""

    intro = RichTextField(blank=True)
    hero_image = _hero_image_field()
    body = StreamField(BodyStreamBlock(), blank=True, use_json_field=True)

    content_panels = [
        *CanopyPage.content_panels,
        FieldPanel("intro"),
        FieldPanel("hero_image"),
        FieldPanel("body"),
    ]
    search_fields = [
        *CanopyPage.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]
    api_fields = [
        *CanopyPage.api_fields,
        APIField("intro"),
        APIField("hero_image"),
        APIField("body"),
    ]

    parent_page_types = ["cms.HomePage", "cms.LandingPage"]
    subpage_types = ["cms.LandingPage"]
    template = "cms/landing_page.html"
    route_select_related = ("hero_image", "og_image")


class ArticleIndexPage(CanopyPage):
    intro = RichTextField(blank=True)

    content_panels = [*CanopyPage.content_panels, FieldPanel("intro")]
    api_fields = [*CanopyPage.api_fields, APIField("intro")]

    max_count = 1
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ArticlePage"]
    template = "cms/article_index_page.html"

    def get_context(self, request, *args, **kwargs):
        from cms.fragments import TreeCachedListing, tree_read_cached
        from cms.selectors import article_list, article_tag_list, article_tag_slugs

        context = super().get_context(request, *args, **kwargs)
        tag = request.GET.get("tag", "").strip()[:100]
        known = not tag or tag in tree_read_cached(
            request, "article-tag-slugs", article_tag_slugs
        )
        if known:
            articles = TreeCachedListing(
                request,
                f"articles:{self.pk}:{tag}",
                lambda: article_list(index_page=self, tag=tag or None),
            )
        else:
            articles = []  # no live article has it: nothing to read or keep
        context["articles"] = _paginate(request, articles, ARTICLES_PER_PAGE)
        context["current_tag"] = tag
        context["current_tag_known"] = known
        context["tags"] = tree_read_cached(request, "article-tags", article_tag_list)
        return context

    def canonical_query(self, context: dict) -> dict[str, str] | None:
        if not context["current_tag_known"]:
            return None  # an empty listing under any tag anyone makes up
        query = {"tag": context["current_tag"]} if context["current_tag"] else {}
        return _with_page_number(query, context["articles"])


class ArticlePage(CanopyPage):
    author = models.ForeignKey(
        "cms.Author",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    date = models.DateField("Article date", default=timezone.localdate)
    intro = models.TextField(
        max_length=400, help_text="One or two sentences shown in listings."
    )
    hero_image = _hero_image_field()
    body = StreamField(BodyStreamBlock(), use_json_field=True)
    tags = ClusterTaggableManager(through="cms.ArticlePageTag", blank=True)
    reading_minutes = models.PositiveSmallIntegerField(default=1, editable=False)

    content_panels = [
        *CanopyPage.content_panels,
        MultiFieldPanel(
            [FieldPanel("author"), FieldPanel("date"), FieldPanel("tags")],
            heading="About this article",
        ),
        FieldPanel("hero_image"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = [
        *CanopyPage.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("date"),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]
    api_fields = [
        *CanopyPage.api_fields,
        APIField("date"),
        APIField("author"),
        APIField("intro"),
        APIField("hero_image"),
        APIField("body"),
        APIField("tags"),
        APIField("reading_minutes"),
    ]

    parent_page_types = ["cms.ArticleIndexPage"]
    subpage_types: list[str] = []
    template = "cms/article_page.html"
    route_select_related = ("author", "hero_image", "og_image")
    listing_kind = "article"

    def save(self, *args, **kwargs):
        self.reading_minutes = reading_minutes_for(
            self.intro, stream_text(self.body.raw_data)
        )
        return super().save(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from cms.fragments import related_links_html, tree_read_cached

        context = super().get_context(request, *args, **kwargs)
        context["tags"] = tags = tree_read_cached(
            request, f"page-tags:{self.pk}", lambda: list(self.tags.all())
        )
        context["related_html"] = related_links_html(request, page=self, tags=tags)
        # The index is the parent; its URL is this one minus the slug (no query).
        index_url = (self.get_url(request) or "/").rstrip("/").rsplit("/", 1)[0] + "/"
        context["index_url"] = index_url
        context["crumbs"] = [("Home", "/"), ("Articles", index_url)]
        return context


class CareGuideIndexPage(CanopyPage):
    intro = RichTextField(blank=True)

    content_panels = [*CanopyPage.content_panels, FieldPanel("intro")]
    api_fields = [*CanopyPage.api_fields, APIField("intro")]

    max_count = 1
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.CareGuidePage"]
    template = "cms/care_guide_index_page.html"

    def get_context(self, request, *args, **kwargs):
        from cms.fragments import TreeCachedListing
        from cms.selectors import CareGuideFilters, care_guide_list

        context = super().get_context(request, *args, **kwargs)
        filters = CareGuideFilters.from_query(request.GET)
        guides = TreeCachedListing(
            request,
            f"guides:{self.pk}:{filters!r}",
            lambda: care_guide_list(index_page=self, filters=filters),
        )
        context["guides"] = _paginate(request, guides, GUIDES_PER_PAGE)
        context["filters"] = filters
        return context

    def canonical_query(self, context: dict) -> dict[str, str]:
        filters = context["filters"]
        query = {
            name: value
            for name, value in (
                ("light", filters.light),
                ("difficulty", filters.difficulty),
                ("pet_safe", "1" if filters.pet_safe else ""),
            )
            if value
        }
        return _with_page_number(query, context["guides"])


class CareGuidePage(CanopyPage):
    """One species' care, its facts read live from the species library."""

    species = models.ForeignKey(
        "identify.Species",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="care_guides",
        help_text="The plant this guide covers; its care facts come from here.",
    )
    intro = models.TextField(max_length=400)
    hero_image = _hero_image_field()
    body = StreamField(BodyStreamBlock(), blank=True, use_json_field=True)
    faq = StreamField(FaqStreamBlock(), blank=True, use_json_field=True)
    tags = ClusterTaggableManager(through="cms.CareGuidePageTag", blank=True)

    content_panels = [
        *CanopyPage.content_panels,
        FieldPanel("species"),
        FieldPanel("tags"),
        FieldPanel("hero_image"),
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("faq", heading="Frequently asked questions"),
    ]
    search_fields = [
        *CanopyPage.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.SearchField("faq"),
        index.RelatedFields(
            "species",
            [
                index.SearchField("scientific_name"),
                index.SearchField("common_names"),
            ],
        ),
        index.FilterField("species_id"),
    ]
    api_fields = [
        *CanopyPage.api_fields,
        APIField("species_id"),
        APIField("intro"),
        APIField("hero_image"),
        APIField("body"),
        APIField("faq"),
        APIField("tags"),
    ]

    parent_page_types = ["cms.CareGuideIndexPage"]
    subpage_types: list[str] = []
    template = "cms/care_guide_page.html"
    route_select_related = ("species", "hero_image", "og_image")
    listing_kind = "guide"

    def get_body_streams(self) -> list:
        return [self.body]

    def shop_product_ids(self) -> list[int]:
        from cms.selectors import species_product_ids

        if self._shop_product_ids is None:
            self._shop_product_ids = (
                species_product_ids(self.species_id) if self.species_id else []
            )
        return self._shop_product_ids

    _shop_product_ids: list[int] | None = None

    def get_extra_product_ids(self, request) -> list[int]:
        return self.shop_product_ids()

    def get_context(self, request, *args, **kwargs):
        from cms.facts import care_facts_list
        from cms.fragments import related_links_html, tree_read_cached

        context = super().get_context(request, *args, **kwargs)
        cards = context["product_cards"]
        context["care_facts"] = care_facts_list(self.species) if self.species else []
        context["shop_cards"] = [
            cards[product_id]
            for product_id in self.shop_product_ids()
            if product_id in cards and cards[product_id].is_available
        ]
        context["tags"] = tags = tree_read_cached(
            request, f"page-tags:{self.pk}", lambda: list(self.tags.all())
        )
        context["related_html"] = related_links_html(request, page=self, tags=tags)
        return context
