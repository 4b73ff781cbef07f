"""Retention: clients whose last contact with the centre ended long ago are anonymised."""
