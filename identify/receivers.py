"""Sign-in hook: an anonymous visitor's identifications follow them into the account."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .owners import anonymous_owner_get
from .services import identification_requests_claim


@receiver(user_logged_in, dispatch_uid="identify_claim_anonymous_requests")
def identification_requests_claim_on_login(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    identification_requests_claim(
        user=user, anonymous_owner=anonymous_owner_get(request.session)
    )
