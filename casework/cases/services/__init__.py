"""Use cases of cases, one module per family: `cases` (open, move, close, reopen, assign, read),
`participants`, `listing` (filtered pages, my open cases, the intake queue) and `break_glass`."""
