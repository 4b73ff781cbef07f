"""The REST API under /api/v1: flask-smorest blueprints, OpenAPI document, authentication."""
