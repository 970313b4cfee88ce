"""Catalogue, category and search pages on the database search (no haystack).

Oscar's catalogue app imports ``CatalogueView`` and ``ProductCategoryView``
from ``search.views``; this module replaces them and the search view.
"""

from urllib.parse import unquote

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from oscar.core.loading import get_model

from shop.selectors import product_card_from

from .forms import ProductFilterForm
from .selectors import SORTS, product_facets_cached, product_search

Category = get_model("catalogue", "Category")

PRODUCTS_PER_PAGE = 24


class ProductListBaseView(TemplateView):
    """Filter, sort, paginate and facet the public products."""

    template_name = "oscar/catalogue/browse.html"
    summary = _("All plants and supplies")

    def get_category_ids(self) -> tuple[int, ...]:
        return ()

    def get_facet_categories(self):
        return Category.objects.filter(is_public=True, depth=1)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = ProductFilterForm(self.request.GET)
        filters = form.to_filters(category_ids=self.get_category_ids())
        paginator = Paginator(product_search(filters), PRODUCTS_PER_PAGE)
        try:
            page = paginator.page(self.request.GET.get("page") or 1)
        except (EmptyPage, PageNotAnInteger) as error:
            raise Http404(_("No such page.")) from error
        strategy = self.request.strategy
        items = [(product, product_card_from(product, strategy)) for product in page]
        query_params = self.request.GET.copy()
        query_params.pop("page", None)
        context.update(
            form=form,
            filters=filters,
            query=filters.query,
            items=items,
            page_obj=page,
            paginator=paginator,
            facets=product_facets_cached(
                filters, categories=self.get_facet_categories()
            ),
            sorts=SORTS,
            summary=self.summary,
            query_string=query_params.urlencode(),
        )
        return context


class CatalogueView(ProductListBaseView):
    pass


class FacetedSearchView(ProductListBaseView):
    template_name = "oscar/search/results.html"
    summary = _("Search")


class ProductCategoryView(ProductListBaseView):
    template_name = "oscar/catalogue/category.html"

    def get(self, request, *args, **kwargs):
        self.category = get_object_or_404(Category, pk=kwargs["pk"])
        if not (self.category.is_public or request.user.is_staff):
            raise Http404
        expected = self.category.get_absolute_url()
        if unquote(expected) != unquote(request.path):
            return HttpResponsePermanentRedirect(expected)
        return super().get(request, *args, **kwargs)

    def get_category_ids(self):
        return tuple(
            self.category.get_descendants_and_self().values_list("pk", flat=True)
        )

    def get_facet_categories(self):
        return self.category.get_children().filter(is_public=True)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["category"] = self.category
        context["summary"] = self.category.name
        return context
