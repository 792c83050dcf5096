"""Event names, in one place so the code and the tracking plan stay in step."""

from enum import StrEnum

ORDER_COMPLETED = "Order Completed"
CHECKOUT_STARTED = "Checkout Started"


class EventName(StrEnum):
    PRODUCTS_SEARCHED = "Products Searched"
    PRODUCT_VIEWED = "Product Viewed"
    PRODUCT_ADDED = "Product Added"
    PRODUCT_REMOVED = "Product Removed"
    CART_VIEWED = "Cart Viewed"
    CHECKOUT_STEP_COMPLETED = "Checkout Step Completed"
    PAYMENT_FAILED = "Payment Failed"
    USER_SIGNED_UP = "User Signed Up"
    USER_SIGNED_IN = "User Signed In"
