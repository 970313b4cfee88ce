"""Drive Oscar's checkout through HTTP, the way a browser does."""

from django.test import Client
from django.urls import reverse

ADDRESS = {
    "first_name": "Ada",
    "last_name": "Gardener",
    "line1": "1 Fern Street",
    "line4": "Bristol",
    "postcode": "BS1 4DJ",
    "country": "GB",
}


def basket_add(client: Client, product, quantity: int = 1):
    return client.post(
        reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity}
    )


def checkout_to_preview(
    client: Client,
    *,
    email: str | None = "guest@example.com",
    shipping: str = "standard",
    payment: str = "bank-transfer",
):
    """Gateway (guests), address, shipping and payment method; returns the
    last response (a redirect to the preview when every step passed)."""
    if email is not None:
        response = client.post(
            reverse("checkout:index"), {"username": email, "options": "anonymous"}
        )
        assert response.status_code == 302, response.content[:2000]
    response = client.post(reverse("checkout:shipping-address"), ADDRESS)
    assert response.status_code == 302, response.content[:2000]
    response = client.post(
        reverse("checkout:shipping-method"), {"method_code": shipping}
    )
    assert response.status_code == 302, response.content[:2000]
    response = client.post(reverse("checkout:payment-method"), {"method": payment})
    assert response.status_code == 302, response.content[:2000]
    return response


def order_place(client: Client):
    return client.post(reverse("checkout:preview"), {"action": "place_order"})
