"""Assessments run on a case with an instrument, and the recommendations they produce."""
