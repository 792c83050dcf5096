"""Stand-in servers the tests talk real network protocols to (GitHub REST API, Redis)."""
