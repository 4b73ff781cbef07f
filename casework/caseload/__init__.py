"""The caseload review of a supervisor's teams, computed with SQL aggregates."""
