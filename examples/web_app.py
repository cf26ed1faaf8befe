"""A web application embedding omnicontact: a contact webhook in, a routing decision out.

``POST /contacts`` takes a channel's event as JSON, ingests it into one workspace shared by
every request thread (the endpoints are plain ``def`` functions, which FastAPI runs in its
thread pool), resolves the customer and answers with the routing decision as JSON. Needs the
``web`` extra (``pip install 'omnicontact[web]'``: FastAPI and uvicorn).

Run: ``python examples/web_app.py`` serves the app on a free port of 127.0.0.1, sends it three
webhooks over HTTP, prints the decisions and exits 0. To serve it for real, from
``examples/``: ``OMNICONTACT_STORE=crm.sqlite3 uvicorn --factory web_app:create_app``
(``OMNICONTACT_STORE`` may also be a ``postgresql://`` URL).
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import random
import socket
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from omnicontact import Contact, Normalizer, OmnicontactError, Workspace
from omnicontact.exceptions import StoreError
from omnicontact.routing import load_policy

HERE = Path(__file__).parent
NORMALIZE = Normalizer(default_region="FR")


class ContactIn(BaseModel):
    """A channel's event, as the webhook receives it."""

    channel: str
    source_id: str
    occurred_at: dt.datetime
    direction: str = "inbound"
    email: str | None = None
    phone: str | None = None
    loyalty_card: str | None = None
    intent: str | None = None
    summary: str | None = None


def contact_from(event: ContactIn) -> Contact:
    """The contact an event describes (bad identifiers raise omnicontact's typed errors)."""
    identifiers = []
    if event.email:
        identifiers.append(NORMALIZE.email(event.email))
    if event.phone:
        identifiers.append(NORMALIZE.phone(event.phone))
    if event.loyalty_card:
        identifiers.append(NORMALIZE.external_id("loyalty_card", event.loyalty_card))
    return Contact(
        channel=event.channel,
        direction=event.direction,
        occurred_at=event.occurred_at,
        source_id=event.source_id,
        identifiers=identifiers,
        intent=event.intent,
        summary=event.summary,
    )


def sample_events(people: int, *, seed: int) -> list[dict[str, Any]]:
    """Webhook bodies for a load test, shuffled with ``seed``: each person writes by email,
    calls, links the two on the web and shows a loyalty card in a shop (four events)."""
    start = dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc)
    found = []
    for i in range(people):
        email, phone = f"person{i}@example.fr", f"06{45000000 + i * 7919:08d}"
        at = (start + dt.timedelta(minutes=i)).isoformat()
        found += [
            {"channel": "email", "source_id": f"m{i}", "occurred_at": at, "email": email},
            {"channel": "phone", "source_id": f"c{i}", "occurred_at": at, "phone": phone},
            {"channel": "web", "source_id": f"w{i}", "occurred_at": at, "email": email,
             "phone": phone, "intent": "order_status"},
            {"channel": "branch", "source_id": f"b{i}", "occurred_at": at, "phone": phone,
             "loyalty_card": f"{70000 + i}", "intent": "mortgage"},
        ]  # fmt: skip
    random.Random(seed).shuffle(found)
    return found


def create_app(location: str | None = None) -> FastAPI:
    """The app on the store at ``location`` (default: ``$OMNICONTACT_STORE`` or crm.sqlite3).

    One workspace serves every request thread: omnicontact's workspaces and stores are safe
    to share across threads.
    """
    workspace = Workspace.open(location or os.environ.get("OMNICONTACT_STORE", "crm.sqlite3"))
    policy = load_policy(HERE / "policy.toml")
    app = FastAPI(title="omnicontact webhook example")
    app.state.workspace = workspace
    app.router.add_event_handler("shutdown", workspace.close)

    @app.exception_handler(StoreError)
    def store_failed(request: Request, error: StoreError) -> JSONResponse:
        return JSONResponse({"error": str(error)}, status_code=503)

    @app.exception_handler(OmnicontactError)
    def bad_input(request: Request, error: OmnicontactError) -> JSONResponse:
        return JSONResponse({"error": str(error)}, status_code=422)

    @app.post("/contacts")
    def receive(event: ContactIn) -> dict[str, Any]:
        contact = contact_from(event)
        report = workspace.ingest([contact], reason="webhook")
        if report.failures:
            raise HTTPException(status_code=422, detail=report.failures[0].error)
        with workspace.transaction():  # the customer and their view as of one moment
            customer_id = workspace.customer_of(contact.id)
            view = workspace.advisor_view(customer_id)
        decision = policy.decide(contact, view.customer_view())
        return {
            "contact_id": contact.id,
            "duplicate": bool(report.duplicates),
            "customer_id": customer_id,
            "decision": {
                "route": decision.route.value,
                "target": decision.target,
                "label": decision.label,
                "reasons": list(decision.reasons),
            },
        }

    @app.get("/customers")
    def customers() -> dict[str, list[str]]:
        """Every customer id with the ids of its contacts."""
        return {cid: [c.id for c in workspace.timeline(cid)] for cid in workspace.customer_ids()}

    return app


@contextmanager
def serving(app: FastAPI) -> Iterator[int]:
    """Serve ``app`` with uvicorn on a free port of 127.0.0.1 in a thread; yield the port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = int(listener.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the server did not start")
            thread.join(0.02)
        yield port
    finally:
        server.should_exit = True
        thread.join(30)
        listener.close()


def post(port: int, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """POST ``body`` as JSON; the status and the decoded answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(
            "POST", path, json.dumps(body), headers={"Content-Type": "application/json"}
        )
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        try:
            return response.status, json.loads(text)
        except ValueError:  # not JSON: a server error page
            return response.status, {"error": text}
    finally:
        connection.close()


def main() -> None:
    events = [
        {"channel": "email", "source_id": "m-1", "occurred_at": "2026-03-02T09:00:00+01:00",
         "email": "anne.martin@example.fr", "intent": "order_status"},
        {"channel": "phone", "source_id": "c-1", "occurred_at": "2026-03-02T10:00:00+01:00",
         "email": "anne.martin@example.fr", "phone": "06 12 34 56 78", "intent": "mortgage"},
        {"channel": "sms", "source_id": "s-1", "occurred_at": "2026-03-02T11:00:00+01:00",
         "phone": "+33 6 12 34 56 78", "intent": "password_reset"},
    ]  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="omnicontact-web-") as folder:
        app = create_app(str(Path(folder) / "crm.sqlite3"))
        with serving(app) as port:
            for event in events:
                status, answer = post(port, "/contacts", event)
                decision = answer.get("decision", {})
                print(
                    f"{status} {event['channel']:<6} {event['source_id']}: customer "
                    f"{answer.get('customer_id', '-')[:8]}… → {decision.get('label', answer)}"
                )


if __name__ == "__main__":
    main()
