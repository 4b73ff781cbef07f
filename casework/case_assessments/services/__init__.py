"""Use cases of assessments: `assessments` (start, answer, complete, rescore), `routing` (the
recommendations a completed assessment leads to), `recommendations` (the case manager's
decisions), `closing` (the closing reassessment beside the first)."""
