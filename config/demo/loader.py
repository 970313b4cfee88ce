"""Builds the whole demo, step by step; each step is idempotent.

Order matters: species first (the single source of plant facts), then the
catalogue that sells them, the chat rooms, and last the pages that link all.
"""

from .accounts import demo_accounts_load
from .catalogue import demo_catalogue_load
from .pages import demo_pages_load
from .rooms import demo_rooms_load
from .site import demo_site_load
from .species import demo_species_load


def demo_load(*, with_accounts: bool) -> list[str]:
    report: list[str] = []
    if with_accounts:
        users = demo_accounts_load()
        report.append(f"accounts: {len(users)}")
    home = demo_site_load()
    report.append(f"home page: {home.url_path}")
    # Each app's demo step is added below, in dependency order:
    # species (identify) -> catalogue (shop) -> rooms (community) -> pages (cms).
    report.append(f"species: {len(demo_species_load())}")
    report.append(f"products: {len(demo_catalogue_load(demo_species_load()))}")
    report.append(f"rooms: {len(demo_rooms_load())}")
    report.append(f"pages: {demo_pages_load(home)}")
    return report
