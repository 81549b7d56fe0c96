"""`govsoc config`: show the effective configuration (never any secret)."""

from __future__ import annotations

import click
import yaml

from govsoc.cli.context import AppContext
from govsoc.cli.main import cli
from govsoc.core.config import es_credentials, redact_url


@cli.command("config")
@click.pass_obj
def show_config(app: AppContext) -> None:
    """Validate the configuration and print it as govsoc will use it."""
    config = app.config
    data = config.model_dump(mode="json")
    if config.store.elasticsearch.url:
        data["store"]["elasticsearch"]["url"] = redact_url(config.store.elasticsearch.url)
    data["effective_backend"] = config.backend
    data["elasticsearch_credentials"] = repr(es_credentials())
    click.echo(yaml.safe_dump(data, allow_unicode=True, sort_keys=False).rstrip())
