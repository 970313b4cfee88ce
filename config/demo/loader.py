"""Builds the whole demo, step by step; each step is idempotent."""

from .accounts import demo_accounts_load
from .site import demo_site_load


def demo_load(*, with_accounts: bool) -> list[str]:
    report: list[str] = []
    if with_accounts:
        users = demo_accounts_load()
        report.append(f"accounts: {len(users)}")
    home = demo_site_load()
    report.append(f"home page: {home.url_path}")
    return report
