"""A pull request on the example shop whose changed lines carry fixable tracking-plan findings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app_helpers import REPO, commit, git, shop_repo

CART = "shop/cart.py"
NUMBER = 7


def clean_cart(text: str) -> str:
    """The cart without the typos the pull request brings in (the deprecated legacy call stays)."""
    return (
        text.replace('"Prodcut Removed"', '"Product Removed"')
        .replace('"cart_valeu"', '"cart_value"')
        .replace('"quantity": "1"', '"quantity": 1')
    )


@dataclass
class ShopPR:
    path: Path
    base: str
    head: str

    def push(self, files: dict[str, str | None], message: str = "more") -> str:
        self.head = commit(self.path, files, message, branch="feature")
        return self.head

    def cart(self) -> str:
        return (self.path / CART).read_text()


def make_shop_pr(tmp_path: Path) -> ShopPR:
    path = shop_repo(tmp_path / "shop")
    original = (path / CART).read_text()
    base = commit(path, {CART: clean_cart(original)}, "clean cart", branch="main")
    head = commit(path, {CART: original}, "typos", branch="feature")
    git(path, "checkout", "-q", "feature")
    return ShopPR(path, base, head)


__all__ = ["CART", "NUMBER", "REPO", "ShopPR", "make_shop_pr"]
