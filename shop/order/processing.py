"""Dashboard status changes go through the shop's order service, which keeps
stock in step (cancel releases, ship consumes) and queues the customer email."""

from oscar.apps.order.exceptions import InvalidOrderStatus
from oscar.apps.order.processing import EventHandler as CoreEventHandler

from shop.exceptions import InvalidStatusChange
from shop.services import order_status_change


class EventHandler(CoreEventHandler):
    def handle_order_status_change(self, order, new_status, note_msg=None):
        try:
            updated = order_status_change(
                order_id=order.pk,
                new_status=new_status,
                user=self.user,
                note=note_msg or "",
            )
        except InvalidStatusChange as error:
            raise InvalidOrderStatus(str(error)) from error
        order.status = updated.status
