"""Project-level shop records (the Oscar models live in the forked apps)."""

from django.db import models


class PaymentWebhookEvent(models.Model):
    """A provider event already processed; a replay finds its row and stops."""

    provider = models.CharField(max_length=20)
    event_id = models.CharField(max_length=255)
    event_type = models.CharField(max_length=100)
    order_number = models.CharField(max_length=128, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"], name="payment_webhook_event_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.event_id}"
