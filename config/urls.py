from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.views import page_serve_view

from . import views
from .metrics import metrics_view

handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("shop/", include(apps.get_app_config("oscar").urls[0])),
    path("api/identify/", include("identify.urls")),
    path("identifications/", include("identify.page_urls")),
    path("api/chat/", include("community.urls")),
    path("", include("cms.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's catch-all serves every other path from the page tree: keep it last.
# Page paths go to our serve view (Wagtail's, routed from the route cache);
# it keeps Wagtail's URL name, so page URLs reverse exactly as before.
urlpatterns += [
    re_path(wagtail_urls.serve_pattern, page_serve_view, name="wagtail_serve"),
    path("", include(wagtail_urls)),
]
