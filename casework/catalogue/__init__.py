"""The service catalogue and the instrument files the service uses."""
