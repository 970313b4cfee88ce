"""Content-Security-Policy: strict on the site, relaxed only on the two staff
UIs whose vendor templates carry inline scripts."""

import pytest

STRICT_PATHS = ["/", "/shop/accounts/login/", "/healthz"]
RELAXED_PATHS = ["/admin/login/", "/shop/dashboard/login/"]


def _directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.django_db
@pytest.mark.parametrize("path", STRICT_PATHS)
def test_the_site_gets_the_strict_policy(client, home_page, path):
    response = client.get(path)

    directives = _directives(response["Content-Security-Policy"])
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'self'"]
    assert directives["base-uri"] == ["'self'"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", RELAXED_PATHS)
def test_staff_uis_allow_their_inline_scripts_but_nothing_foreign(client, path):
    response = client.get(path)

    directives = _directives(response["Content-Security-Policy"])
    assert directives["script-src"] == ["'self'", "'unsafe-inline'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["default-src"] == ["'self'"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_sites_pages_raise_no_policy_violation_in_a_browser(
    asgi_server, page, home_page
):
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )

    for path in ("/", "/shop/catalogue/", "/shop/accounts/login/"):
        response = page.goto(f"{asgi_server}{path}")
        assert response.status < 500, path
        page.wait_for_load_state("load")

    assert violations == []
