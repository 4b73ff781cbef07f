"""The case page: a case with its timeline and action forms, and its printable summary."""
