"""Partner institutions, trainings of their professionals, public events and workshops."""
