"""Tasks of a case: its mandatory safety actions and its plan (goals, steps, follow-up and
reassessment dates)."""
