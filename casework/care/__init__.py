"""Care: enrolments in services, appointments with attendance, and session notes."""
