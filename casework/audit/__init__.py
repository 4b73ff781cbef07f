"""The audit trail: an append-only, keyed hash chain of who read or changed sensitive data."""
