"""Use cases of clients, one module per family: `clients` (intake with the duplicate check,
reading, updating, searching) and `consents` (consents and the basis for processing)."""
