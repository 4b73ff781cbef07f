"""Group runs of group services: roster, waitlist, meetings, attendance, cohort mentoring."""
