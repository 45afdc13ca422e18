"""One of several processes logging meetings at once (run by tests/test_concurrency.py).

Usage: python -m tests.concurrency_worker DATABASE_URL EMAIL PASSWORD WORKER_NO COUNT
Prints one JSON line: {"statuses": [...], "errors": [...]}.
"""
import json
import re
import sys

from config import TestConfig


def main(database_url, email, password, worker, count):
    from crm import create_app

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        RATELIMIT_ENABLED = False

    app = create_app(Config)
    client = app.test_client()
    token = lambda html: re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)  # noqa: E731
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"email": email, "password": password, "csrf_token": token(page)})
    statuses, errors = [], []
    for n in range(int(count)):
        page = client.get("/meetings/new").get_data(as_text=True)
        response = client.post("/meetings/new", data={
            "csrf_token": token(page), "summary": f"Worker {worker} meeting {n} — Қазақфильм",
            "occurred_at": "2018-05-14T10:00", "timezone": "UTC", "outcome": "positive",
            "new_people": f"Guest {worker}-{n}", "follow_ups-0-description": "",
        })
        statuses.append(response.status_code)
        if response.status_code != 302:
            errors.append(response.get_data(as_text=True)[-2000:])
    print(json.dumps({"statuses": statuses, "errors": errors[:2]}))


if __name__ == "__main__":
    main(*sys.argv[1:])
