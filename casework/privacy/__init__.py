"""A client's GDPR rights: the export of everything held about them, and erasure."""
