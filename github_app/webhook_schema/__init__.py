"""GitHub webhook payload schemas the App ships (data only; see README.md)."""
