"""Key administration: rotating and retiring keys, which writes audit events."""
