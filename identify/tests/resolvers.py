"""Small stand-ins for the cms and shop link resolvers (settings name them)."""

from identify.models import Species


def care_guide_urls(species_ids):
    return {
        species.id: f"/guides/{species.slug}/"
        for species in Species.objects.filter(id__in=species_ids)
    }


def product_summaries(species_ids):
    return {
        species.id: [
            {
                "title": f"{species.scientific_name} in a 12 cm pot",
                "url": f"/shop/catalogue/{species.slug}/",
                "price": "18.00",
                "currency": "GBP",
                "in_stock": True,
            }
        ]
        for species in Species.objects.filter(id__in=species_ids)
    }
