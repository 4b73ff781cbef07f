"""The thin shared web layer: the signed-in staff member, errors as pages and problem JSON,
defensive reading of form input, and the template filters every page uses."""
