"""Browsing the catalog: search, product pages and sharing."""

from dataclasses import dataclass

from shop.analytics import track_event
from shop.clients import posthog_client
from shop.events import EventName


@dataclass
class Product:
    sku: str
    name: str
    category: str
    price: float


CATALOG = {
    "TEA-001": Product("TEA-001", "Sencha", "tea", 12.5),
    "TEA-002": Product("TEA-002", "Assam", "tea", 9.0),
    "MUG-001": Product("MUG-001", "Stoneware mug", "accessories", 18.0),
}


def search(user_id: str, query: str) -> list[Product]:
    results = [p for p in CATALOG.values() if query.lower() in p.name.lower()]
    posthog_client.capture(
        distinct_id=user_id,
        event=EventName.PRODUCTS_SEARCHED,
        properties={"query": query, "results_count": len(results)},
    )
    return results


def view_product(user_id: str, sku: str) -> Product:
    product = CATALOG[sku]
    posthog_client.capture(
        distinct_id=user_id,
        event="Product Viewed",
        properties={"product_id": product.sku, "category": product.category, "price": product.price},
    )
    return product


def share_product(user_id: str, sku: str, channel: str) -> str:
    track_event(user_id, "product_shared", {"product_id": sku, "channel": channel})
    return f"https://shop.example.com/p/{sku}?utm_source={channel}"
