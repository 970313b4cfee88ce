"""Per-site settings editors change without a deploy: footer, social, contact."""

from django.core.cache import cache
from django.db import models

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    footer_text = models.CharField(
        max_length=255, blank=True, default="Canopy — plants, pots and know-how."
    )
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    contact_address = models.TextField(blank=True)
    instagram_url = models.URLField(blank=True)
    facebook_url = models.URLField(blank=True)
    youtube_url = models.URLField(blank=True)
    pinterest_url = models.URLField(blank=True)
    twitter_handle = models.CharField(
        max_length=40, blank=True, help_text="Without the @, for Twitter/X cards."
    )

    panels = [
        FieldPanel("footer_text"),
        MultiFieldPanel(
            [
                FieldPanel("contact_email"),
                FieldPanel("contact_phone"),
                FieldPanel("contact_address"),
            ],
            heading="Contact",
        ),
        MultiFieldPanel(
            [
                FieldPanel("instagram_url"),
                FieldPanel("facebook_url"),
                FieldPanel("youtube_url"),
                FieldPanel("pinterest_url"),
                FieldPanel("twitter_handle"),
            ],
            heading="Social",
        ),
    ]

    class Meta:
        verbose_name = "Site settings"

    @classmethod
    def cache_key(cls, site_id: int) -> str:
        return f"cms:site-settings:{site_id}"

    @classmethod
    def for_site(cls, site):
        """Every page reads these: served from the cache, refreshed on save
        (cms.signals)."""
        if site is None:
            return super().for_site(site)
        key = cls.cache_key(site.pk)
        instance = cache.get(key)
        if instance is None:
            instance = super().for_site(site)
            cache.set(key, instance, 3600)
        return instance

    @property
    def social_links(self) -> list[tuple[str, str]]:
        links = [
            ("Instagram", self.instagram_url),
            ("Facebook", self.facebook_url),
            ("YouTube", self.youtube_url),
            ("Pinterest", self.pinterest_url),
        ]
        if self.twitter_handle:
            links.append(("X", f"https://x.com/{self.twitter_handle}"))
        return [(label, url) for label, url in links if url]
