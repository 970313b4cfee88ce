import pytest


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/nothing-here/", "/guides/no-such-guide/", "/shop/nope/"]
)
def test_unknown_paths_are_404_not_500(client, home_page, path):
    response = client.get(path)

    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/nothing/", "/api/identify/not-a-uuid/x/"])
def test_unknown_api_paths_answer_the_json_error_shape(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_home_page_is_served_at_the_root(client, home_page):
    response = client.get("/")

    assert response.status_code == 200
    assert b"Canopy" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "expected_status"),
    [
        ("/admin/", 302),  # to the Wagtail sign-in
        ("/django-admin/", 302),
        ("/shop/dashboard/", 302),
        ("/shop/catalogue/", 200),
        ("/shop/basket/", 200),
        ("/shop/accounts/login/", 200),
    ],
)
def test_contract_paths_answer(client, home_page, path, expected_status):
    response = client.get(path)

    assert response.status_code == expected_status


@pytest.mark.django_db
def test_signed_in_views_redirect_inside_the_shop(client, home_page):
    response = client.get("/shop/accounts/")

    assert response.status_code == 302
    assert response["Location"].startswith("/shop/accounts/login/")


@pytest.mark.django_db
def test_every_response_carries_a_request_id(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="abc12345-upstream")

    assert response["X-Request-ID"] == "abc12345-upstream"
    assert len(client.get("/healthz", HTTP_X_REQUEST_ID="<bad>")["X-Request-ID"]) == 32
