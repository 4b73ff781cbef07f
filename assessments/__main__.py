"""`python -m assessments validate|score|route ...`"""

from .cli import main

raise SystemExit(main())
