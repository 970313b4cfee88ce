"""Wagtail API v2 for headless clients, speaking the contract's error shape."""

from django.http import Http404

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from rest_framework.exceptions import APIException, Throttled

from config.api_errors import api_error_response


class ContractErrorsMixin:
    """Every 4xx from these endpoints is ``{"error": {"code", "detail"}}``."""

    def handle_exception(self, exc):
        if isinstance(exc, Http404):
            return api_error_response("not_found", str(exc) or "Not found.", 404)
        if isinstance(exc, BadRequestError):
            return api_error_response("bad_request", str(exc), 400)
        if isinstance(exc, APIException):
            codes = exc.get_codes()
            code = codes if isinstance(codes, str) else exc.default_code
            detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
            response = api_error_response(
                str(code),
                str(detail),
                exc.status_code,
                retry_after=exc.wait if isinstance(exc, Throttled) else None,
            )
            if getattr(exc, "auth_header", None):
                response["WWW-Authenticate"] = exc.auth_header
            return response
        return super().handle_exception(exc)


class CanopyPagesAPIViewSet(ContractErrorsMixin, PagesAPIViewSet):
    pass


class CanopyImagesAPIViewSet(ContractErrorsMixin, ImagesAPIViewSet):
    pass


class CanopyDocumentsAPIViewSet(ContractErrorsMixin, DocumentsAPIViewSet):
    pass


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", CanopyPagesAPIViewSet)
api_router.register_endpoint("images", CanopyImagesAPIViewSet)
api_router.register_endpoint("documents", CanopyDocumentsAPIViewSet)
