"""A small web shop: catalog, cart, checkout and accounts, with product analytics."""
