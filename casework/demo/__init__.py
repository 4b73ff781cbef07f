"""A synthetic demo centre: staff now, clients and cases as the features arrive."""
