"""Non-page content: authors and the tag links of articles and guides."""

from django.db import models

from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class Author(index.Indexed, models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    role = models.CharField(max_length=120, blank=True)
    bio = models.TextField(blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("role"),
        FieldPanel("bio"),
        FieldPanel("photo"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("slug"),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "cms.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class CareGuidePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "cms.CareGuidePage", on_delete=models.CASCADE, related_name="tagged_items"
    )
