"""The platform service: HTTP API, gasless relayer, quiz, shipping intake and IPFS gateway.

  ape run serve --network ethereum:local:foundry --deployment deployments/31337.json --relayer TEST::5
  ape run serve --network ... --deployment deployments/1.json --role api --port 8001
  ape run serve --network ... --deployment deployments/1.json --role relayer --relayer studio-relayer

See docs/service.md for production (PostgreSQL, several workers, a TLS reverse proxy, keys).
"""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path

import click
from ape.cli import ConnectedProviderCommand, network_option


@click.command(cls=ConnectedProviderCommand)
@network_option()
@click.option("--deployment", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="deployments/<chainId>.json written by `ape run deploy` (required unless --demo).")
@click.option("--demo", is_flag=True,
              help="Local chain only: deploy the platform with the sample catalogue first, relay with test "
                   "account 5, attest quizzes with test account 8, and print how to try it with a wallet.")
@click.option("--role", type=click.Choice(["all", "api", "relayer"]), default="all", show_default=True,
              help="api: HTTP only; relayer: the relay worker only; all: both in one process.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8000, show_default=True, help="Port to listen on.")
@click.option("--relayer", "relayer_account", envvar="GAOLING_RELAYER_ACCOUNT", default=None, metavar="ALIAS",
              help="Ape account that pays relay gas (TEST::N on a dev chain). Env: GAOLING_RELAYER_ACCOUNT.")
@click.option("--attester", "attester_account", envvar="GAOLING_ATTESTER_ACCOUNT", default=None, metavar="ALIAS",
              help="Ape account with ATTESTER_ROLE for quiz passes. Env: GAOLING_ATTESTER_ACCOUNT.")
@click.option("--database-url", envvar="GAOLING_DATABASE_URL", default=None,
              help="State database (default: SQLite in the data directory). Env: GAOLING_DATABASE_URL.")
@click.option("--platform", "platform_config", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("metadata/platform.yaml"), show_default=True,
              help="Platform config (for collection allowlists).")
@click.option("--batch-size", type=click.IntRange(1, 500), default=None, help="Check-ins per relay transaction [50].")
@click.option("--batch-seconds", type=click.FloatRange(0.01), default=None,
              help="Send a partial batch once its oldest message waited this long [5].")
@click.option("--rpc-url", default="", help="Public RPC URL to advertise to wallets (EIP-3085 rpcUrls).")
@click.option("--analytics/--no-analytics", "analytics_sync", default=None,
              help="Index the deployment's events into the same database in the background, for the issuer "
                   "dashboard [on for --role all, off otherwise: with several workers let one process do it].")
@click.option("--log-level", type=click.Choice(["debug", "info", "warning"]), default="info", show_default=True)
def cli(network, deployment, demo, role, host, port, relayer_account, attester_account, database_url, platform_config,
        batch_size, batch_seconds, rpc_url, analytics_sync, log_level):
    """Run the studio's platform service on the connected network."""
    from ape import chain, project

    from gaoling.db import DatabaseConfigError
    from gaoling.service import AccountError, ServiceConfig, build_context, create_app, start_relayer
    from gaoling.service.chain import DeploymentError

    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if demo:
        from ape import accounts

        from gaoling.web import demo as web_demo

        if chain.chain_id != 31337:
            raise click.UsageError("--demo deploys test accounts' contracts: use it on the local chain only")
        deployment = web_demo.prepare(project, chain, accounts.test_accounts, echo=click.echo)
        relayer_account = relayer_account or web_demo.RELAYER
        attester_account = attester_account or web_demo.ATTESTER
        rpc_url = rpc_url or chain.provider.uri
    elif deployment is None:
        raise click.UsageError("--deployment: name deployments/<chainId>.json (or use --demo on a local chain)")
    try:
        config = ServiceConfig.from_env(deployment=deployment, role=role, relayer_account=relayer_account,
                                        attester_account=attester_account, database_url=database_url,
                                        batch_size=batch_size, batch_seconds=batch_seconds, rpc_url=rpc_url)
        if role in ("all", "relayer") and not config.relayer_account:
            if role == "relayer":
                raise AccountError("--relayer: name the Ape account that pays relay gas (or GAOLING_RELAYER_ACCOUNT)")
        svc = build_context(config, project, chain.provider, platform_config=platform_config)
    except (AccountError, DeploymentError, DatabaseConfigError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None

    analytics_stop = threading.Event()
    indexing = analytics_sync if analytics_sync is not None else role == "all"
    if indexing:
        from gaoling.analytics.errors import AnalyticsError
        from gaoling.analytics.service import build_indexer, start_background_sync
        from gaoling.analytics.store import migrate

        try:
            migrate(svc.engine)
            indexer, _ = build_indexer(rpc=chain.provider.uri, manifest=config.deployment, engine=svc.engine)
        except AnalyticsError as exc:
            raise click.UsageError(f"--analytics: {exc}") from None
        _, analytics_stop = start_background_sync(indexer)
        click.echo("analytics: indexing the deployment's events into the same database (dashboard /dashboard)")

    stop = threading.Event()
    if svc.relayer is not None:
        if role == "relayer":
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: stop.set())
            click.echo(f"relayer for {svc.relayer.sender} on chain {svc.platform.chain_id}, "
                       f"database {svc.engine.dialect.name}; Ctrl-C stops")
            svc.relayer.run(stop)
            analytics_stop.set()
            return
        relayer_thread, stop = start_relayer(svc)
    elif role == "all":
        click.echo("no --relayer account: serving the API without relaying (messages wait in the queue)")

    import uvicorn

    app = create_app(svc)
    click.echo(f"Gaoling service on http://{host}:{port} (API /api/v1, OpenAPI /api/v1/openapi.json), "
               f"chain {svc.platform.chain_id}, database {svc.engine.dialect.name}, role {role}")
    if demo:
        from ape import accounts

        click.echo(web_demo.banner(f"http://{host}:{port}", rpc_url, chain.chain_id, accounts.test_accounts,
                                   indexing=indexing))
    try:
        uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level=log_level, access_log=False)).run()
    finally:
        stop.set()
        analytics_stop.set()
        if svc.relayer is not None and role == "all":
            relayer_thread.join(timeout=30)  # let the relayer finish its step before the chain stops
