"""The tasks feature's use cases: `mandatory` (the tasks routing opens), `plan` (a case's goals
and tasks, done and declined), `lists` (who has what to do, and when), `reminders` (e-mail)."""
