"""Staff accounts, teams, roles and signed-in sessions."""
