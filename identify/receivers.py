"""Sign-in hook: an anonymous visitor's identifications follow them into the
account. Link hooks: saves that can change a result's care-guide or product
links retire the cached links."""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from wagtail.signals import page_published, page_unpublished, post_page_move

from .owners import anonymous_owner_get
from .services import identification_requests_claim, species_links_invalidate

# What the link resolvers read (cms guides, shop products and their stock and
# prices, the species names, the sites that make a page's URL). Lazy senders:
# these apps may load after this one.
_LINK_SOURCES = (
    "identify.Species",
    "cms.CareGuidePage",
    "catalogue.Product",
    "partner.StockRecord",
    "wagtailcore.Site",
)


@receiver(user_logged_in, dispatch_uid="identify_claim_anonymous_requests")
def identification_requests_claim_on_login(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    identification_requests_claim(
        user=user, anonymous_owner=anonymous_owner_get(request.session)
    )


def _links_changed(sender, **kwargs) -> None:
    species_links_invalidate()


for _sender in _LINK_SOURCES:
    post_save.connect(
        _links_changed, sender=_sender, dispatch_uid=f"identify_links_save_{_sender}"
    )
    post_delete.connect(
        _links_changed, sender=_sender, dispatch_uid=f"identify_links_delete_{_sender}"
    )
# Any page: publishing, unpublishing or moving an ancestor changes guide URLs.
for _signal in (page_published, page_unpublished, post_page_move):
    _signal.connect(_links_changed, dispatch_uid=f"identify_links_{id(_signal)}")
