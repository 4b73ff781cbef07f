"""Supervision records: encrypted notes, cases discussed and agreed actions."""
