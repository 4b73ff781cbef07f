"""Anonymous satisfaction surveys, scored by the engine, linked to a service, not a person."""
