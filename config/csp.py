"""Content-Security-Policy: strict for the site, relaxed for two staff UIs.

The site's own pages load scripts only from files (no inline script), so they
get ``script-src 'self'``. Wagtail's admin and Oscar's dashboard ship inline
scripts and inline event handlers in their templates; rewriting those vendor
templates is not maintainable, so paths under
``CANOPY_CSP_RELAXED_PREFIXES`` get the relaxed policy instead. Those paths
are staff-only (login required) and still forbid foreign scripts, framing
and plugins.
"""

from django.conf import settings

from csp.middleware import CSPMiddleware, PolicyParts


class PathPolicyCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if (
            not report_only
            and parts.config is None
            and request.path_info.startswith(settings.CANOPY_CSP_RELAXED_PREFIXES)
        ):
            parts.config = settings.CANOPY_CSP_RELAXED_DIRECTIVES
        return parts
