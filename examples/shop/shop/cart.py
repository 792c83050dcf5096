"""The shopping cart: adding, removing and viewing items."""

from dataclasses import dataclass, field

from shop.analytics import track_event
from shop.catalog import CATALOG
from shop.clients import mixpanel_client
from shop.events import EventName
from shop.tracking import TrackingService


@dataclass
class Cart:
    user_id: str
    items: dict[str, int] = field(default_factory=dict)

    @property
    def value(self) -> float:
        return sum(CATALOG[sku].price * qty for sku, qty in self.items.items())


def add_item(cart: Cart, sku: str, quantity: int = 1) -> None:
    cart.items[sku] = cart.items.get(sku, 0) + quantity
    tracker = TrackingService(cart.user_id)
    tracker.track(EventName.PRODUCT_ADDED, {"product_id": sku, "quantity": quantity, "price": CATALOG[sku].price})


def add_sample(cart: Cart, sku: str) -> None:
    """Free samples are added from the product page, one at a time."""
    cart.items[sku] = 1
    track_event(cart.user_id, EventName.PRODUCT_ADDED, {
        "product_id": sku,
        "quantity": "1",
        "price": 0.0,
    })


def add_item_legacy(cart: Cart, sku: str) -> None:
    """Still called by the old mobile web flow."""
    cart.items[sku] = cart.items.get(sku, 0) + 1
    mixpanel_client.track(cart.user_id, "Cart Item Added", {"product_id": sku})


def remove_item(cart: Cart, sku: str) -> None:
    cart.items.pop(sku, None)
    track_event(cart.user_id, "Prodcut Removed", {"product_id": sku})


def view_cart(cart: Cart) -> Cart:
    track_event(cart.user_id, EventName.CART_VIEWED, {
        "items_count": len(cart.items),
        "cart_valeu": cart.value,
    })
    return cart
