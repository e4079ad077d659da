"""`kubemedic apikey create|list|revoke`: API keys for `kubemedic serve` (stored hashed, shown once)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console

from kubemedic.cli.common import DbOption, clock, die, store_url
from kubemedic.domain import InputError

apikey_app = typer.Typer(help="Manage API keys for `kubemedic serve` (stored hashed; shown once).")


@apikey_app.command("create")
def apikey_create(
    name: Annotated[str, typer.Argument(help="Who or what uses the key, e.g. grafana.")],
    role: Annotated[str, typer.Option("--role", help="viewer, operator or admin.")] = "viewer",
    db: DbOption = None,
) -> None:
    """Create a key and print it once."""
    import asyncio

    from kubemedic.store import Store

    async def run() -> tuple[str, str]:
        async with Store.open(store_url(db)) as store:
            return await store.api_keys.create(name, role, clock())

    try:
        key_id, key = asyncio.run(run())
    except InputError as exc:
        die(str(exc))
    typer.echo(key)
    Console(stderr=True, soft_wrap=True).print(
        f"created key {key_id} ({role}) for {name}; it is shown only now - store it safely", highlight=False
    )


@apikey_app.command("list")
def apikey_list(db: DbOption = None) -> None:
    """List keys (never their secrets)."""
    import asyncio

    from rich.table import Table

    from kubemedic.store import Store

    async def run() -> list[Any]:
        async with Store.open(store_url(db)) as store:
            return list(await store.api_keys.list())

    table = Table("id", "name", "role", "created", "revoked")
    for k in asyncio.run(run()):
        table.add_row(
            k.id, k.name, k.role, k.created_at.isoformat(), k.revoked_at.isoformat() if k.revoked_at else ""
        )
    Console().print(table)


@apikey_app.command("revoke")
def apikey_revoke(
    key_id: Annotated[str, typer.Argument(help="The key id (from `apikey list`).")], db: DbOption = None
) -> None:
    """Revoke a key; requests with it are refused from now on."""
    import asyncio

    from kubemedic.store import Store

    async def run() -> bool:
        async with Store.open(store_url(db)) as store:
            return await store.api_keys.revoke(key_id, clock())

    if not asyncio.run(run()):
        die(f"no active key with id {key_id!r} (see `kubemedic apikey list`)")
    typer.echo(f"revoked {key_id}")
