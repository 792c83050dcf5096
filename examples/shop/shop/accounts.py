"""Accounts: sign-up, sign-in and the newsletter."""

from dataclasses import dataclass

from shop.analytics import identify, track_event
from shop.events import EventName


@dataclass
class User:
    id: str
    email: str
    newsletter: bool = False


def sign_up(user: User, method: str) -> None:
    identify(user.id, {"email": user.email})
    track_event(user.id, EventName.USER_SIGNED_UP, {"signup_method": method, "email": user.email})


def sign_in(user: User, method: str) -> None:
    track_event(user.id, EventName.USER_SIGNED_IN, {"method": method})


def subscribe_to_newsletter(user: User, source: str) -> None:
    user.newsletter = True
    track_event(user.id, "Newsletter Subscribed", {
        "source": source,
        "customer_email": user.email,
    })
