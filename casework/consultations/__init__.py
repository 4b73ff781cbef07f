"""Short information consultations, logged fast, with or without a client record."""
