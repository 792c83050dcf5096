"""A pull request on the example shop whose changed lines carry fixable tracking-plan findings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app_helpers import REPO, commit, git, shop_repo
from standins.github_fake_repos import GitHubStandIn

from github_app.localgit import LocalRepo

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


_VIEW = '''"""Generated module {index}: one view that tracks."""

from shop.analytics import track_event


def view_{index}(user_id: str, sku: str) -> None:
    track_event(user_id, "Product Viewed", {{"product_id": sku}})
    track_event(user_id, "Product Viewd {index}", {{"product_id": sku}})
'''


def many_views_pr(folder: Path, standin: GitHubStandIn, files: int, number: int = NUMBER) -> tuple[str, str]:
    """A pull request adding ``files`` view modules (two findings each) to the shop, open on the
    stand-in: (base, head)."""
    path = shop_repo(folder / "shop")
    base = git(path, "rev-parse", "HEAD").strip()
    head = commit(path, {f"shop/generated/view_{i:03d}.py": _VIEW.format(index=i) for i in range(files)},
                  "many views", branch="feature")
    standin.add_repo(REPO, LocalRepo(path))
    standin.open_pull(REPO, number, "main", "feature")
    return base, head


__all__ = ["CART", "NUMBER", "REPO", "ShopPR", "make_shop_pr", "many_views_pr"]
