"""Clients: identifying fields encrypted, statistical fields in clear, consents."""
