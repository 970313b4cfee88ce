"""Page tree rules and every page type's admin create/edit/preview forms."""

from unittest import mock

from django.urls import reverse

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTests
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

import pytest

from cms.models import (
    ArticleIndexPage,
    ArticlePage,
    CareGuideIndexPage,
    CareGuidePage,
    HomePage,
    LandingPage,
)
from config.demo.site import demo_site_load

from .factories import (
    ArticleIndexPageFactory,
    ArticlePageFactory,
    AuthorFactory,
    CareGuideIndexPageFactory,
    CareGuidePageFactory,
    LandingPageFactory,
    PlantProductFactory,
    SpeciesFactory,
)


class TreeRulesTests(WagtailPageTests):
    def test_home_takes_sections_and_campaigns_only(self):
        self.assertAllowedSubpageTypes(
            HomePage, {LandingPage, ArticleIndexPage, CareGuideIndexPage}
        )
        self.assertAllowedParentPageTypes(HomePage, {Page})

    def test_articles_live_only_under_the_article_index(self):
        self.assertAllowedParentPageTypes(ArticlePage, {ArticleIndexPage})
        self.assertAllowedSubpageTypes(ArticlePage, set())
        self.assertCanNotCreateAt(HomePage, ArticlePage)
        self.assertCanNotCreateAt(CareGuideIndexPage, ArticlePage)

    def test_guides_live_only_under_the_guide_index(self):
        self.assertAllowedParentPageTypes(CareGuidePage, {CareGuideIndexPage})
        self.assertAllowedSubpageTypes(CareGuidePage, set())
        self.assertCanNotCreateAt(ArticleIndexPage, CareGuidePage)

    def test_landing_pages_nest_under_home_or_each_other(self):
        self.assertAllowedParentPageTypes(LandingPage, {HomePage, LandingPage})
        self.assertAllowedSubpageTypes(LandingPage, {LandingPage})

    def test_one_home_and_one_index_of_each_kind(self):
        assert HomePage.max_count == 1
        assert ArticleIndexPage.max_count == 1
        assert CareGuideIndexPage.max_count == 1


class AdminFormsTests(WagtailPageTests):
    def setUp(self):
        super().setUp()
        self.home = demo_site_load()

    def test_editor_creates_a_landing_page(self):
        self.assertCanCreate(
            self.home,
            LandingPage,
            nested_form_data(
                {
                    "title": "Summer sale",
                    "slug": "summer-sale",
                    "intro": rich_text("<p>Hot deals</p>"),
                    "body": streamfield(
                        [
                            ("heading", {"text": "Deals", "level": "h2"}),
                            (
                                "quote",
                                {"quote": "Plants!", "attribution": "Us"},
                            ),
                        ]
                    ),
                }
            ),
        )
        page = LandingPage.objects.get(slug="summer-sale")
        assert page.live
        assert [block.block_type for block in page.body] == ["heading", "quote"]

    def test_editor_creates_an_article_with_a_product_card(self):
        index = ArticleIndexPageFactory(parent=self.home)
        author = AuthorFactory()
        product = PlantProductFactory()
        self.assertCanCreate(
            index,
            ArticlePage,
            nested_form_data(
                {
                    "title": "Watering 101",
                    "slug": "watering-101",
                    "author": author.pk,
                    "date": "2026-03-01",
                    "tags": "watering, beginners",
                    "intro": "Check the soil first.",
                    "body": streamfield(
                        [
                            ("paragraph", rich_text("<p>" + "word " * 450 + "</p>")),
                            ("product_card", {"product": product.pk, "note": "Nice"}),
                        ]
                    ),
                }
            ),
        )
        article = ArticlePage.objects.get(slug="watering-101")
        assert article.author == author
        assert sorted(tag.slug for tag in article.tags.all()) == [
            "beginners",
            "watering",
        ]
        assert article.body[1].value["product"] == product.pk
        # 450 words of body plus the intro at 200 words a minute.
        assert article.reading_minutes == 3

    def test_editor_creates_a_care_guide_for_a_species(self):
        index = CareGuideIndexPageFactory(parent=self.home)
        species = SpeciesFactory()
        self.assertCanCreate(
            index,
            CareGuidePage,
            nested_form_data(
                {
                    "title": "Example care",
                    "slug": "example-care",
                    "species": species.pk,
                    "tags": "easy-care",
                    "intro": "Easy going.",
                    "body": streamfield([]),
                    "faq": streamfield(
                        [
                            (
                                "question",
                                {
                                    "question": "Does it bite?",
                                    "answer": rich_text("<p>No.</p>"),
                                },
                            )
                        ]
                    ),
                }
            ),
        )
        assert CareGuidePage.objects.get(slug="example-care").species == species

    def test_indexes_are_creatable_once(self):
        self.assertCanCreate(
            self.home,
            ArticleIndexPage,
            nested_form_data({"title": "Articles", "intro": rich_text("<p>x</p>")}),
        )
        # max_count: the second one is refused.
        assert not ArticleIndexPage.can_create_at(self.home)

    # Wagtail's helpers log in with the first authentication backend, which
    # here is axes' (it cannot load users); use Django's model backend.
    @mock.patch(
        "wagtail.test.utils.page_tests.AUTH_BACKEND",
        "django.contrib.auth.backends.ModelBackend",
    )
    def test_every_page_type_edits_renders_and_previews(self):
        articles = ArticleIndexPageFactory(parent=self.home)
        guides = CareGuideIndexPageFactory(parent=self.home)
        pages = [
            self.home,
            LandingPageFactory(parent=self.home),
            articles,
            ArticlePageFactory(parent=articles),
            guides,
            CareGuidePageFactory(parent=guides),
        ]
        for page in pages:
            edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
            assert self.client.get(edit_url).status_code == 200, page
            self.assertPageIsRenderable(page)

    @mock.patch(
        "wagtail.test.utils.page_tests.AUTH_BACKEND",
        "django.contrib.auth.backends.ModelBackend",
    )
    def test_article_and_guide_previews_render(self):
        articles = ArticleIndexPageFactory(parent=self.home)
        guides = CareGuideIndexPageFactory(parent=self.home)
        body = streamfield([("paragraph", rich_text("<p>Preview me</p>"))])
        article = ArticlePageFactory(parent=articles)
        self.assertPageIsPreviewable(
            article,
            post_data=nested_form_data(
                {
                    "title": article.title,
                    "slug": article.slug,
                    "date": "2026-04-01",
                    "tags": "",
                    "intro": "x",
                    "body": body,
                }
            ),
        )
        guide = CareGuidePageFactory(parent=guides)
        self.assertPageIsPreviewable(
            guide,
            post_data=nested_form_data(
                {
                    "title": guide.title,
                    "slug": guide.slug,
                    "species": guide.species_id,
                    "tags": "",
                    "intro": "x",
                    "body": body,
                    "faq": streamfield([]),
                }
            ),
        )

    def test_editor_edits_an_article_and_saves_a_draft_revision(self):
        index = ArticleIndexPageFactory(parent=self.home)
        article = ArticlePageFactory(parent=index, title="Old title")
        edit_url = reverse("wagtailadmin_pages:edit", args=[article.pk])
        data = nested_form_data(
            {
                "title": "New title",
                "slug": article.slug,
                "date": "2026-04-01",
                "tags": "",
                "intro": "Changed.",
                "body": streamfield([("paragraph", rich_text("<p>New</p>"))]),
            }
        )

        response = self.client.post(edit_url, data)

        assert response.status_code == 302
        article.refresh_from_db()
        # A draft: the live title stays until someone publishes.
        assert article.title == "Old title"
        assert article.has_unpublished_changes
        assert article.get_latest_revision_as_object().title == "New title"


@pytest.mark.django_db
def test_reading_time_counts_words_of_text_blocks(home_page):
    index = ArticleIndexPageFactory(parent=home_page)
    article = ArticlePageFactory(
        parent=index,
        intro="short",
        body=[
            ("heading", {"text": "two words", "level": "h2"}),
            ("paragraph", "<p>" + "leaf " * 598 + "</p>"),
            ("quote", {"quote": "one", "attribution": ""}),
        ],
    )
    # 1 + 2 + 598 + 1 = 602 words -> 4 minutes at 200 a minute.
    assert article.reading_minutes == 4
