"""Checkout: starting it, its steps, payment and the completed order."""

import logging
from dataclasses import dataclass

import sentry_sdk
from amplitude import BaseEvent

from shop import events
from shop.analytics import track_event
from shop.cart import Cart
from shop.clients import amplitude_client
from shop.events import EventName

logger = logging.getLogger(__name__)


@dataclass
class Order:
    id: str
    user_id: str
    total: float
    currency: str
    status: str = "pending"


class PaymentDeclined(Exception):
    pass


def start_checkout(cart: Cart, currency: str) -> None:
    track_event(cart.user_id, events.CHECKOUT_STARTED, {"cart_value": cart.value, "currency": currency})


def complete_step(user_id: str, step: int) -> None:
    amplitude_client.track(
        BaseEvent(event_type=EventName.CHECKOUT_STEP_COMPLETED, user_id=user_id, event_properties={"step": step})
    )


def charge(order: Order, card_token: str) -> None:
    try:
        _charge_card(order, card_token)
    except PaymentDeclined as exc:
        sentry_sdk.capture_exception(exc)
        logger.warning("Payment failed for order %s", order.id)
        track_event(order.user_id, EventName.PAYMENT_FAILED, {"reason": "declined", "amount": order.total})
        raise
    complete_order(order)


def complete_order(order: Order) -> None:
    order.status = "completed"
    logger.info("Order Completed: %s", order.id)
    track_event(order.user_id, events.ORDER_COMPLETED, {
        "order_id": order.id,
        "revenue": order.total,
    })


def set_status(order: Order, status: str) -> None:
    order.status = status
    track_event(order.user_id, f"Order {status.title()}", {"order_id": order.id})


def _charge_card(order: Order, card_token: str) -> None:
    if not card_token:
        raise PaymentDeclined(order.id)
