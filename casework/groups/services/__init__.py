"""Use cases of group runs, one module per family: runs, waitlist (seats under the run's lock),
enrolments, meetings and attendance, cohort mentoring. Callers import the module they need."""
