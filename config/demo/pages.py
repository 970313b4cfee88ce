"""The pages step of the demo: every page type and every block, linked live
to the catalogue, the species library and the chat rooms.

Idempotent: a page that exists (by slug under its parent) is left as editors
may have changed it; only the /community/ page gains its chat block once the
room exists. Care facts are never written here: guides read the species.
"""

from io import BytesIO

from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.text import slugify

from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.models import Site as WagtailSite

from oscar.core.loading import get_model

from cms.facts import care_facts_list
from cms.models import (
    ArticleIndexPage,
    ArticlePage,
    Author,
    CareGuideIndexPage,
    CareGuidePage,
    HomePage,
    LandingPage,
    SiteSettings,
)
from cms.services import editorial_workflow_ensure
from identify.models import Species

from .illustrations import image_to_jpeg_bytes, object_illustration, plant_illustration

Image = get_image_model()

AUTHORS = (
    ("rowan-ellis", "Rowan Ellis", "Head grower", "Looks after the glasshouse."),
    ("priya-natarajan", "Priya Natarajan", "Plant doctor", "Answers the hard ones."),
    ("sam-okafor", "Sam Okafor", "Editor", "Turns know-how into guides."),
)

# A link card for the embed block, stored as Wagtail's embed cache entry so the
# demo never needs the network (the provider would be asked otherwise).
EMBED_URL = "https://www.kew.org/read-and-watch"
EMBED_MAX_WIDTH = 960


def _image(title: str, drawing) -> object:
    """The demo image called ``title``, drawn once."""
    existing = Image.objects.filter(title=title).first()
    if existing is not None:
        return existing
    data = image_to_jpeg_bytes(drawing)
    image = Image(title=title)
    image.file = ImageFile(BytesIO(data), name=f"{slugify(title)[:80]}.jpg")
    image.save()
    return image


def _paragraph(*sentences: str) -> tuple:
    return ("paragraph", "".join(f"<p>{sentence}</p>" for sentence in sentences))


def _heading(text: str, level: str = "h2") -> tuple:
    return ("heading", {"text": text, "level": level})


def _child(parent: Page, model, slug: str, **fields):
    """The child of ``parent`` with ``slug``, created and published if missing."""
    existing = parent.get_children().filter(slug=slug).specific().first()
    if existing is not None:
        return existing, False
    tags = fields.pop("tags", [])
    page = model(slug=slug, **fields)
    if tags:
        page.tags.add(*tags)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page, True


def _embed_ensure() -> None:
    Embed.objects.get_or_create(
        hash=get_embed_hash(EMBED_URL, EMBED_MAX_WIDTH),
        defaults={
            "url": EMBED_URL,
            "max_width": EMBED_MAX_WIDTH,
            "type": "link",
            "html": (
                f'<a class="button button--secondary" href="{EMBED_URL}" '
                'rel="noopener">Read and watch at Kew Gardens</a>'
            ),
            "title": "Read and watch — Royal Botanic Gardens, Kew",
            "provider_name": "Royal Botanic Gardens, Kew",
        },
    )


def _site_settings_ensure() -> None:
    site = WagtailSite.objects.filter(is_default_site=True).first()
    if site is None:
        return
    settings_row = SiteSettings.for_site(site)
    if not settings_row.contact_email:
        settings_row.contact_email = "hello@canopy.test"
        settings_row.contact_phone = "+44 20 7946 0000"
        settings_row.contact_address = "Canopy, 1 Glasshouse Yard, London"
        settings_row.instagram_url = "https://www.instagram.com/"
        settings_row.youtube_url = "https://www.youtube.com/"
        settings_row.save()


def _products_by_species() -> dict[int, list[int]]:
    product_model = get_model("catalogue", "Product")
    result: dict[int, list[int]] = {}
    rows = (
        product_model.objects.filter(species__isnull=False, is_public=True)
        .order_by("title")
        .values_list("species_id", "id")
    )
    for species_id, product_id in rows:
        result.setdefault(species_id, []).append(product_id)
    return result


def _accessory_ids() -> list[int]:
    product_model = get_model("catalogue", "Product")
    return list(
        product_model.objects.filter(species__isnull=True, is_public=True)
        .order_by("title")
        .values_list("id", flat=True)
    )


def _guide_tags(species: Species) -> list[str]:
    tags = []
    if species.light:
        tags.append(f"{species.light.replace('_', '-')}-light")
    if species.difficulty:
        tags.append(f"{species.difficulty}-care")
    if species.is_pet_safe:
        tags.append("pet-safe")
    return tags


def _guide_faq(species: Species, name: str) -> list[tuple]:
    facts = {fact.key: fact for fact in care_facts_list(species)}
    if species.is_pet_safe is True:
        pets = "The sources we cite list it as non-toxic to both cats and dogs."
    elif species.toxic_to_cats or species.toxic_to_dogs:
        pets = (
            f"Cats: {facts['toxic_to_cats'].value.lower()}. "
            f"Dogs: {facts['toxic_to_dogs'].value.lower()}. "
            "Keep it out of reach of pets that chew leaves."
        )
    else:
        pets = "We have no source we trust on this, so treat it as unknown."
    watering = facts["watering"]
    propagation = facts["propagation"]
    return [
        (
            "question",
            {
                "question": f"Is {name} safe for cats and dogs?",
                "answer": f"<p>{pets}</p>",
            },
        ),
        (
            "question",
            {
                "question": f"How often should I water {name}?",
                "answer": (
                    f"<p>{watering.value}.</p>"
                    if watering.is_known
                    else "<p>Our sources do not say; water when the top of the soil is dry.</p>"
                ),
            },
        ),
        (
            "question",
            {
                "question": "Can I propagate it?",
                "answer": (
                    f"<p>Yes: {propagation.value.lower()}.</p>"
                    if propagation.is_known
                    else "<p>Unknown: our sources do not say.</p>"
                ),
            },
        ),
    ]


def _guides_ensure(index: CareGuideIndexPage, plant_doctor) -> list[CareGuidePage]:
    products = _products_by_species()
    accessories = _accessory_ids()
    guides = []
    for position, species in enumerate(
        Species.objects.filter(id__in=list(products)).order_by("scientific_name")
    ):
        name = (species.primary_common_name or species.scientific_name).strip()
        display = name[:1].upper() + name[1:]
        hero = _image(
            f"{species.scientific_name} (illustration)",
            plant_illustration(species.scientific_name, variant=1),
        )
        detail = _image(
            f"{species.scientific_name} close-up (illustration)",
            plant_illustration(species.scientific_name, variant=3, size=960),
        )
        facts = {fact.key: fact for fact in care_facts_list(species)}
        body = [
            _heading("Where to put it"),
            _paragraph(
                f"Light: {facts['light'].value.lower()}."
                if facts["light"].is_known
                else "Our sources do not say how much light it needs; "
                "start with bright, indirect light and watch the leaves.",
                f"Temperature: {facts['temperature'].value}."
                if facts["temperature"].is_known
                else "",
            ),
            _heading("Watering"),
            _paragraph(
                f"{facts['watering'].value}."
                if facts["watering"].is_known
                else "Unknown: water when the top of the soil is dry."
            ),
            (
                "image",
                {
                    "image": detail,
                    "alt_text": f"Drawing of {display} leaves",
                    "caption": f"{display} up close.",
                    "credit": "Illustration: Canopy",
                },
            ),
        ]
        if accessories:
            body.append(
                (
                    "product_card",
                    {
                        "product": accessories[position % len(accessories)],
                        "note": "A pot with a drainage hole keeps roots healthy.",
                    },
                )
            )
        if position == 0 and plant_doctor is not None:
            body.append(
                (
                    "chat_room",
                    {
                        "title": "Ask the plant doctor",
                        "room": plant_doctor,
                        "height": 420,
                    },
                )
            )
        guide, _ = _child(
            index,
            CareGuidePage,
            species.slug,
            title=f"{display} care guide",
            species=species,
            intro=(
                f"How to keep {display} ({species.scientific_name}) thriving: "
                "light, water and the facts that matter."
            ),
            search_description=f"Care guide for {display} ({species.scientific_name}).",
            hero_image=hero,
            body=body,
            faq=_guide_faq(species, display),
            tags=_guide_tags(species),
        )
        guides.append(guide)
    return guides


def _articles(
    plants: dict[int, list[int]], accessories: list[int], guides_index: Page
) -> list[dict]:
    species_by_light: dict[str, list[Species]] = {}
    for species in Species.objects.filter(id__in=list(plants)).order_by(
        "scientific_name"
    ):
        species_by_light.setdefault(species.light or "unknown", []).append(species)
    pet_safe = [
        plants[species.id][0]
        for species in Species.objects.pet_safe().filter(id__in=list(plants))
    ]
    easy = [
        plants[species.id][0]
        for species in Species.objects.filter(id__in=list(plants), difficulty="easy")
    ]
    any_species = Species.objects.filter(id__in=list(plants)).order_by(
        "scientific_name"
    )
    first_species = any_species.first()
    propagating = next((s for s in any_species if s.propagation), first_species)
    return [
        {
            "slug": "reading-the-light-in-your-home",
            "title": "Reading the light in your home",
            "tags": ["light", "beginners", "bright-indirect-light"],
            "intro": "Most houseplant trouble starts with the wrong window. "
            "Here is how to tell bright, indirect light from the real thing.",
            "body": [
                _heading("Bright is not the same as direct"),
                _paragraph(
                    "A window that gets the sun on the glass for hours is direct light. "
                    "A metre or two back from it, or behind a sheer curtain, is bright, "
                    "indirect light: what most foliage plants in our guides ask for.",
                    "Hold your hand a foot above a leaf at midday: a crisp shadow means "
                    "direct sun, a soft one means bright indirect, barely any means low.",
                ),
                (
                    "quote",
                    {
                        "quote": "Move the plant before you change the watering.",
                        "attribution": "Rowan Ellis, head grower",
                    },
                ),
                (
                    "product_grid",
                    {
                        "heading": "Easy plants for a bright room",
                        "products": easy[:4],
                    },
                ),
                (
                    "call_to_action",
                    {
                        "title": "Find a plant for your light",
                        "text": "Filter every care guide by the light you have.",
                        "button_text": "Browse care guides",
                        "page": guides_index,
                        "url": "",
                    },
                ),
            ],
        },
        {
            "slug": "how-to-water-without-drowning-your-plants",
            "title": "How to water without drowning your plants",
            "tags": ["watering", "beginners", "easy-care"],
            "intro": "Check the soil, not the calendar: the one watering habit "
            "that keeps roots healthy.",
            "body": [
                _heading("Feel before you pour"),
                _paragraph(
                    "Push a finger into the soil. Most of the plants in our guides want "
                    "the top few centimetres dry before the next drink.",
                    "Water slowly until it runs from the drainage hole, then empty the "
                    "saucer: roots standing in water cannot breathe.",
                ),
                (
                    "care_facts",
                    {"species": first_species, "heading": "Example: one plant's facts"},
                ),
                (
                    "product_card",
                    {
                        "product": accessories[0] if accessories else None,
                        "note": "Drainage matters more than the pot's looks.",
                    },
                ),
                (
                    "faq",
                    {
                        "heading": "Watering questions",
                        "items": [
                            {
                                "question": "Top or bottom watering?",
                                "answer": "<p>Both work; bottom watering wets the "
                                "whole root ball evenly. Tip away what is left after "
                                "half an hour.</p>",
                            },
                            {
                                "question": "Tap water or rain water?",
                                "answer": "<p>Where tap water is hard, some plants "
                                "show brown leaf tips; rain water avoids that.</p>",
                            },
                        ],
                    },
                ),
            ],
        },
        {
            "slug": "pet-safe-houseplants",
            "title": "Pet-safe houseplants: what the sources say",
            "tags": ["pets", "pet-safe", "safety"],
            "intro": "We only call a plant pet-safe when a source we cite says it is "
            "non-toxic to both cats and dogs.",
            "body": [
                _heading("How we decide"),
                _paragraph(
                    "Every care guide reads its toxicity from our species library, the "
                    "same record the shop's filters use. Where a source is silent we say "
                    "unknown rather than guess.",
                ),
                (
                    "product_grid",
                    {"heading": "Non-toxic to cats and dogs", "products": pet_safe[:6]},
                ),
                (
                    "call_to_action",
                    {
                        "title": "See every pet-safe guide",
                        "text": "The care-guide index filters by pet safety.",
                        "button_text": "Pet-safe guides",
                        "page": None,
                        "url": "/guides/?pet_safe=1",
                    },
                ),
            ],
        },
        {
            "slug": "repotting-step-by-step",
            "title": "Repotting, step by step",
            "tags": ["repotting", "pots", "beginners"],
            "intro": "Roots circling the pot or growing out of the drainage hole? "
            "Time to move up a size.",
            "body": [
                _heading("Choose the next pot"),
                _paragraph(
                    "Go up one size, two to four centimetres wider. A much bigger pot "
                    "holds water the roots cannot reach yet.",
                ),
                (
                    "image",
                    {
                        "image": _image(
                            "Terracotta pot (illustration)",
                            object_illustration("Terracotta pot", kind="pot"),
                        ),
                        "alt_text": "Drawing of a terracotta pot",
                        "caption": "Terracotta dries out evenly.",
                        "credit": "Illustration: Canopy",
                    },
                ),
                (
                    "product_grid",
                    {"heading": "Pots and tools", "products": accessories[:4]},
                ),
                (
                    "embed",
                    {"url": EMBED_URL, "caption": "More from the gardeners at Kew"},
                ),
            ],
        },
        {
            "slug": "humidity-for-tropical-plants",
            "title": "Humidity for tropical plants",
            "tags": ["humidity", "tropical"],
            "intro": "Crispy leaf edges in winter are often dry air, not thirst.",
            "body": [
                _heading("Group them together"),
                _paragraph(
                    "Plants standing together raise the humidity around each other. "
                    "A tray of damp gravel under the pots helps more than misting.",
                    "Keep tropical plants away from radiators and draughty doors.",
                ),
                (
                    "quote",
                    {
                        "quote": "Misting feels helpful; a pebble tray actually is.",
                        "attribution": "Priya Natarajan, plant doctor",
                    },
                ),
            ],
        },
        {
            "slug": "propagation-basics",
            "title": "Taking cuttings: propagation basics",
            "tags": ["propagation", "easy-care"],
            "intro": "Many houseplants root from a cutting in a glass of water. "
            "Start with the easy ones.",
            "body": [
                _heading("Which method?"),
                _paragraph(
                    "Each care guide lists the methods our sources give for that plant: "
                    "stem cuttings, division, plantlets, leaf cuttings or layering.",
                ),
                (
                    "care_facts",
                    {"species": propagating, "heading": "One to start with"},
                ),
            ],
        },
    ]


@transaction.atomic
def demo_pages_load(home: HomePage) -> dict[str, int]:
    """Create the demo pages under ``home``; returns counts by page type."""
    from django.apps import apps

    editorial_workflow_ensure()
    _site_settings_ensure()
    _embed_ensure()
    authors = [
        Author.objects.get_or_create(
            slug=slug, defaults={"name": name, "role": role, "bio": bio}
        )[0]
        for slug, name, role, bio in AUTHORS
    ]
    rooms = {}
    if apps.is_installed("community"):
        room_model = apps.get_model("community", "Room")
        rooms = {room.slug: room for room in room_model.objects.all()}

    guides_index, _ = _child(
        home,
        CareGuideIndexPage,
        "guides",
        title="Care guides",
        intro="<p>One guide per plant, with facts from cited sources.</p>",
    )
    articles_index, _ = _child(
        home,
        ArticleIndexPage,
        "articles",
        title="Articles",
        intro="<p>Know-how from our growers and plant doctor.</p>",
    )
    guides = _guides_ensure(guides_index, rooms.get("plant-doctor"))
    plants = _products_by_species()
    accessories = _accessory_ids()

    articles = []
    for index, spec in enumerate(_articles(plants, accessories, guides_index)):
        body = [
            block
            for block in spec["body"]
            if not (block[0] == "product_card" and not block[1]["product"])
            and not (block[0] == "product_grid" and not block[1]["products"])
        ]
        article, _ = _child(
            articles_index,
            ArticlePage,
            spec["slug"],
            title=spec["title"],
            intro=spec["intro"],
            search_description=spec["intro"],
            author=authors[index % len(authors)],
            hero_image=_image(
                f"{spec['title']} (illustration)",
                object_illustration(spec["title"], kind="hero", variant=index),
            ),
            body=body,
            tags=spec["tags"],
        )
        articles.append(article)

    campaign_hero = _image(
        "Spring repotting (illustration)",
        object_illustration("Spring repotting", kind="banner"),
    )
    _child(
        home,
        LandingPage,
        "spring-repotting",
        title="Spring repotting week",
        intro="<p>New pots, fresh compost and advice for the growing season.</p>",
        hero_image=campaign_hero,
        body=[
            _paragraph("Everything you need to give your plants room to grow."),
            (
                "product_grid",
                {"heading": "Pots and tools", "products": accessories[:6]},
            ),
            (
                "quote",
                {
                    "quote": "Repot in spring, when roots grow fastest.",
                    "attribution": "",
                },
            ),
            (
                "call_to_action",
                {
                    "title": "Not sure how?",
                    "text": "Our step-by-step repotting guide.",
                    "button_text": "Read the guide",
                    "page": next(
                        (a for a in articles if a.slug == "repotting-step-by-step"),
                        None,
                    ),
                    "url": "/articles/",
                },
            ),
        ],
    )
    _child(
        home,
        LandingPage,
        "identify",
        title="Identify a plant",
        intro="<p>Upload a photo and we will suggest what it is, with its care guide.</p>",
        body=[
            (
                "identification",
                {
                    "heading": "What plant is this?",
                    "intro": "<p>One to five photos of the same plant work best.</p>",
                },
            ),
        ],
    )
    community, created = _child(
        home,
        LandingPage,
        "community",
        title="Community",
        intro="<p>Chat with other plant people and our plant doctor.</p>",
        body=(
            [("chat_room", {"title": "General chat", "room": rooms["general"]})]
            if "general" in rooms
            else []
        ),
    )
    if (
        not created
        and "general" in rooms
        and not any(block.block_type == "chat_room" for block in community.body)
    ):
        community.body.append(
            ("chat_room", {"title": "General chat", "room": rooms["general"]})
        )
        community.save_revision().publish()

    if not home.body:
        easy_ids = [
            plants[s.id][0]
            for s in Species.objects.filter(id__in=list(plants), difficulty="easy")[:4]
        ]
        home.hero_image = _image(
            "Canopy home (illustration)",
            object_illustration("Canopy", kind="hero"),
        )
        home.body = [
            _heading("Plants, pots and honest care advice"),
            _paragraph(
                "Every plant we sell has a care guide whose facts come from cited "
                "sources, and the shop filters read the very same facts."
            ),
        ] + (
            [("product_grid", {"heading": "Easy to start with", "products": easy_ids})]
            if easy_ids
            else []
        )
        home.save_revision().publish()

    return {
        "care guides": len(guides),
        "articles": len(articles),
        "landing pages": LandingPage.objects.count(),
    }
