"""One process of the throttling test (run as `python -m tests.auth.throttle_worker`), standing in
for one gunicorn worker: its own app, the shared database and the shared limiter storage.

`setup <database url>` migrates the database; `attempts <database url> <e-mail> <count>` makes
`count` wrong sign-ins and prints their status codes as JSON.
"""

from __future__ import annotations

import json
import re
import sys

from alembic import command

from casework import create_app
from casework.db import db
from casework.migrate import alembic_config

#: Both processes must hash the account alike: the same secret key.
SECRET_KEY = "throttle-test-secret-key-shared-by-both-processes"


def main(mode: str, database_url: str, *rest: str) -> None:
    app = create_app(
        {
            "CASEWORK_ENV": "testing",
            "SECRET_KEY": SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": database_url,
        }
    )
    if mode == "setup":
        with app.app_context(), db.engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        return
    email, count = rest[0], int(rest[1])
    client = app.test_client()
    statuses = []
    for _ in range(count):
        page = client.get("/sign-in").get_data(as_text=True)
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert match, page
        response = client.post(
            "/sign-in",
            data={"email": email, "password": "not the password", "csrf_token": match.group(1)},
        )
        statuses.append(response.status_code)
    print(json.dumps(statuses))


if __name__ == "__main__":
    main(*sys.argv[1:])
