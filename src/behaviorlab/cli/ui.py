"""``behaviorlab ui``: evaluations, comparisons, traces and the labelling queue in the browser."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import typer

from behaviorlab.cli._common import StoreOpt, err, fail, open_store
from behaviorlab.store import default_url


def _check_sqlite_exists(url: str) -> None:
    # Store() would create an empty database; a viewer pointed at a typo should say so instead
    path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else None
    if "://" not in url:
        path = url
    if path and path != ":memory:" and not Path(path).is_file():
        fail(f"no store at {path}: run an evaluation first, or give --db")


def ui(
    db: str | None = StoreOpt,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on"),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port (0: any free one)"),
    token: str | None = typer.Option(
        None,
        "--token",
        envvar="BEHAVIORLAB_UI_TOKEN",
        help="Required for every page and write when set; required to listen beyond localhost",
    ),
    new_token: bool = typer.Option(
        False, "--new-token", help="Make up a random token (printed in the address)"
    ),
) -> None:
    """Serve a local web app over the store: evaluations, A/B, traces, labelling queue."""
    try:
        from behaviorlab.ui import UIError, UIServer, UISettings, create_app
    except ModuleNotFoundError as e:
        fail(f"the web app needs the ui extra ({e.name} is missing): pip install 'behaviorlab[ui]'")
        return
    if new_token and token:
        fail("give --token or --new-token, not both")
    if new_token:
        token = secrets.token_urlsafe(24)
    url = db or default_url()
    _check_sqlite_exists(url)
    try:
        settings = UISettings(host=host, token=token or None)
    except UIError as e:
        fail(str(e))
        return
    store = open_store(url)
    try:
        server = UIServer(create_app(store, settings), host=host, port=port)
    except OSError as e:
        fail(str(e))
        return
    address = server.url + (f"/?token={token}" if token else "/")
    err.print(f"behaviorlab ui on [bold]{address}[/] (store {store.url}); Ctrl+C stops it")
    if token and os.environ.get("BEHAVIORLAB_UI_TOKEN") != token:
        err.print("the token is in the address above: share it only with people who may rate runs")
    server.run()
