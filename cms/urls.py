from django.urls import path

from wagtail.contrib.sitemaps.views import sitemap

from cms import views
from cms.api import api_router

# No app namespace: Wagtail's API reverses its own "wagtailapi" namespace,
# which must stay top-level.
urlpatterns = [
    path("sitemap.xml", sitemap, name="cms-sitemap"),
    path("robots.txt", views.robots_txt_view, name="cms-robots-txt"),
    path("search/", views.search_view, name="cms-search"),
    path("api/v2/", api_router.urls),
]
