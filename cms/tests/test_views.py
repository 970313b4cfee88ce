"""Pages through HTTP: content, query budgets, search, crawlers, API v2."""

import datetime

from django.test import override_settings

import pytest

from .factories import (
    ArticlePageFactory,
    AuthorFactory,
    CareGuidePageFactory,
    ImageFactory,
    LandingPageFactory,
    PlantProductFactory,
    SpeciesFactory,
)

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 15


@pytest.fixture
def site_content(home_page, article_index, guide_index, monkeypatch):
    """A small but complete site: every listing has images, tags and products.

    Listings page by 3 here so a handful of pages exercises pagination.
    """
    monkeypatch.setattr("cms.models.pages.ARTICLES_PER_PAGE", 3)
    monstera = SpeciesFactory(
        scientific_name="Monstera deliciosa",
        common_names=["Swiss cheese plant"],
        toxic_to_cats=True,
        toxic_to_dogs=True,
    )
    products = [
        PlantProductFactory(
            title=f"Swiss cheese plant, {size} cm pot", species=monstera
        )
        for size in (12, 17, 21)
    ]
    PlantProductFactory(title="Sold out monstera", species=monstera, stock=0)
    pots = [PlantProductFactory(title=f"Pot {n}") for n in range(4)]
    author = AuthorFactory()
    # One shared image keeps rendition work (the slow part) to one image.
    image = ImageFactory()
    grid = ("product_grid", {"heading": "Shop", "products": [p.pk for p in pots]})
    articles = [
        ArticlePageFactory(
            parent=article_index,
            title=f"Article {n}",
            slug=f"article-{n}",
            date=datetime.date(2026, 1, 1) + datetime.timedelta(days=n),
            author=author,
            hero_image=image,
            tags=["light", f"topic-{n % 3}"],
            body=[
                ("paragraph", "<p>Words</p>"),
                grid,
                ("product_card", {"product": products[0].pk, "note": ""}),
                ("image", {"image": image, "alt_text": "", "caption": ""}),
                ("care_facts", {"species": monstera, "heading": ""}),
            ],
        )
        for n in range(5)
    ]
    guides = [
        CareGuidePageFactory(
            parent=guide_index,
            title="Monstera care",
            slug="monstera",
            species=monstera,
            hero_image=image,
            tags=["light"],
            body=[("paragraph", "<p>Care</p>"), grid],
            faq=[("question", {"question": "Toxic?", "answer": "<p>Yes.</p>"})],
        )
    ] + [
        CareGuidePageFactory(parent=guide_index, hero_image=image, tags=["light"])
        for _ in range(3)
    ]
    landing = LandingPageFactory(
        parent=home_page,
        slug="spring",
        body=[grid, ("quote", {"quote": "Hi", "attribution": ""})],
    )
    home_page.body = [grid]
    home_page.save_revision().publish()
    return {
        "monstera": monstera,
        "products": products,
        "pots": pots,
        "articles": articles,
        "guides": guides,
        "landing": landing,
    }


PAGES = [
    "/",
    "/articles/",
    "/articles/?page=2",
    "/articles/?tag=topic-1",
    "/articles/article-3/",
    "/guides/",
    "/guides/?light=bright_indirect&pet_safe=1&difficulty=easy",
    "/guides/monstera/",
    "/spring/",
]


@override_settings(CMS_PAGE_CACHE=False)
def test_every_page_stays_within_the_query_budget(
    client, site_content, django_assert_max_num_queries
):
    for path in PAGES:
        client.get(path)  # the first view makes the image renditions

        with django_assert_max_num_queries(QUERY_BUDGET):
            response = client.get(path)

        assert response.status_code == 200, path


def test_signed_in_pages_stay_within_the_query_budget(
    client, site_content, django_assert_max_num_queries
):
    from .factories import UserFactory

    client.force_login(UserFactory(), "django.contrib.auth.backends.ModelBackend")
    # The page body comes from the cache; the visitor's own bits (account
    # links, basket count) are rendered for them.
    client.get("/articles/article-3/")

    with django_assert_max_num_queries(QUERY_BUDGET):
        response = client.get("/articles/article-3/")

    assert b"Sign out" in response.content


def test_article_index_is_paginated_newest_first(client, site_content):
    first = client.get("/articles/").content.decode()
    second = client.get("/articles/?page=2").content.decode()

    assert first.index("Article 4<") < first.index("Article 3<")
    assert first.index("Article 3<") < first.index("Article 2<")
    assert first.count('class="card card--link"') == 3
    assert second.count('class="card card--link"') == 2
    assert "Article 0<" in second
    assert "Article 1<" in second


def test_article_index_filters_by_tag(client, site_content):
    html = client.get("/articles/?tag=topic-1").content.decode()

    titles = [f"Article {n}<" for n in range(5) if n % 3 == 1]
    assert all(title in html for title in titles)
    assert "Article 0<" not in html
    assert 'href="/articles/?tag=topic-1" aria-current="page"' in html


def test_article_shows_author_reading_time_prices_and_related(client, site_content):
    html = client.get("/articles/article-3/").content.decode()

    assert "By Author" in html
    assert "1 min read" in html
    assert "£20.00" in html
    assert "Related reading" in html
    assert '<link rel="canonical" href="http://localhost/articles/article-3/">' in html
    assert 'property="og:type" content="article"' in html
    assert 'property="og:image" content="http://testserver/media/images/' in html


def test_care_guide_shows_facts_faq_and_in_stock_products(client, site_content):
    html = client.get("/guides/monstera/").content.decode()

    assert "Care facts" in html
    assert '<span class="badge badge--toxic">Toxic</span>' in html
    assert "<summary>Toxic?</summary>" in html
    assert "Shop this plant" in html
    shop = html[html.index("Shop this plant") :]
    for product in site_content["products"]:
        assert product.title in shop
    assert "Sold out monstera" not in html


def test_guide_index_filters_through_query_parameters(client, site_content):
    monstera_toxic = client.get("/guides/?pet_safe=1").content.decode()
    everything = client.get("/guides/").content.decode()

    assert "Monstera care" in everything
    assert "Monstera care" not in monstera_toxic
    assert 'name="pet_safe" value="1" checked' in monstera_toxic


def test_search_finds_monstera_from_a_typo(client, site_content):
    html = client.get("/search/", {"q": "monstra"}).content.decode()

    assert "Monstera care" in html
    assert "Swiss cheese plant, 12 cm pot" in html
    # Search still finds what is sold out, but offers no add-to-basket button.
    sold_out = html[html.index("Sold out monstera") :]
    sold_out = sold_out[: sold_out.index("</article>")]
    assert "Out of stock" in sold_out
    assert "/shop/basket/add/" not in sold_out


@pytest.mark.postgres
def test_search_on_postgres_uses_trigram_fuzzy_matching(site_content):
    from cms.search import site_search

    results = site_search("monstra")

    assert results.searched_for == "monstra"  # no rewriting: the database matches
    assert "Monstera care" in [page.title for page in results.pages]
    assert site_content["products"][0].pk in results.product_ids


def test_search_without_a_query_shows_the_form(client, db, home_page):
    response = client.get("/search/")

    assert response.status_code == 200
    assert b'name="q"' in response.content


def test_sitemap_lists_live_pages(client, site_content):
    xml = client.get("/sitemap.xml").content.decode()

    assert "<loc>http://localhost/guides/monstera/</loc>" in xml
    assert "<loc>http://localhost/articles/article-3/</loc>" in xml


def test_robots_txt_points_at_the_sitemap_and_hides_private_areas(client, db):
    text = client.get("/robots.txt").content.decode()

    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text
    assert "Disallow: /shop/checkout/" in text


def test_api_v2_lists_pages_with_their_fields(client, site_content):
    response = client.get(
        "/api/v2/pages/", {"type": "cms.ArticlePage", "fields": "intro,reading_minutes"}
    )

    assert response.status_code == 200
    data = response.json()
    assert data["meta"]["total_count"] == 5
    assert data["items"][0]["reading_minutes"] == 1


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/v2/pages/999999/", 404, "not_found"),
        ("/api/v2/pages/?type=nope.Nope", 400, "bad_request"),
        ("/api/v2/images/?limit=x", 400, "bad_request"),
        ("/api/v2/documents/999999/", 404, "not_found"),
    ],
)
def test_api_v2_errors_use_the_contract_shape(
    client, db, home_page, path, status, code
):
    response = client.get(path)

    assert response.status_code == status
    body = response.json()
    assert body["error"]["code"] == code
    assert body["error"]["detail"]


def test_api_v2_rejects_other_methods_as_json(client, db, home_page):
    response = client.post("/api/v2/pages/")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_sqlite_fallback_corrects_typos_against_the_sites_own_words(site_content):
    from cms.search import _corrected

    assert _corrected("monstra") == "monstera"
    assert _corrected("swiss chese plant") == "swiss cheese plant"
    # Short words and unknown words are left alone rather than guessed.
    assert _corrected("zzyzx pot") == "zzyzx pot"


@override_settings(CMS_PAGE_CACHE=False)
def test_every_page_stays_within_the_query_budget_rendered_whole(
    client, site_content, django_assert_max_num_queries
):
    """The first view after a change of the tree's shape and a stock change
    finds every route, listing, product card and body retired: the render
    itself must stay within budget (no N+1 in listings, product blocks or
    menus)."""
    from cms.page_cache import SITE_TAG, TREE_TAG, page_cache_purge, product_tag

    product_tags = [
        product_tag(product.pk)
        for product in [*site_content["products"], *site_content["pots"]]
    ]
    for path in PAGES:
        client.get(path)  # makes the image renditions (their cache is kept)
    for path in PAGES:
        page_cache_purge([TREE_TAG, SITE_TAG, *product_tags])

        with django_assert_max_num_queries(QUERY_BUDGET):
            response = client.get(path)

        assert response.status_code == 200, path
