"""The migrations coexist with the service's in one database; every mapping matches the compiled ABIs
(so a contract change by another part of the platform that renames an event argument fails here)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command

from gaoling.analytics import mappings, schema
from gaoling.analytics.abis import _type, load_compiled_abis
from gaoling.analytics.store import alembic_config, open_store
from gaoling.db import make_engine


def test_migrations_keep_their_own_version_table(db_url):
    engine = make_engine(db_url)
    with engine.begin() as conn:  # the service's migrations, already there
        conn.execute(sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        conn.execute(sa.text("INSERT INTO alembic_version VALUES ('service_0007')"))
        conn.execute(sa.text("CREATE TABLE relay_queue (id INTEGER PRIMARY KEY)"))
    open_store(db_url).dispose()
    open_store(db_url).dispose()  # idempotent
    names = set(sa.inspect(engine).get_table_names())
    assert {t.name for t in schema.EVENT_TABLES} <= names and "an_alembic_version" in names
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "service_0007"
        assert conn.execute(sa.text("SELECT version_num FROM an_alembic_version")).scalar() == "0003"
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "base")
    left = set(sa.inspect(engine).get_table_names())
    assert {"alembic_version", "relay_queue"} <= left and not any(n.startswith("an_") and n != "an_alembic_version"
                                                                   for n in left)
    engine.dispose()


def _sample_value(t: str):
    if t == "address":
        return "0x" + "11" * 20
    if t == "bool":
        return True
    if t.startswith(("uint", "int")):
        return 3
    if t == "string":
        return "x"
    return "0x" + "00" * 32


def test_every_mapping_matches_the_compiled_abi():
    abis = load_compiled_abis()
    checked = 0
    for contract, events in mappings.BY_CONTRACT.items():
        if contract not in abis:
            continue  # a contract of another branch not merged yet
        by_name = {e["name"]: e for e in abis[contract] if e.get("type") == "event"}
        for event, targets in events.items():
            assert event in by_name, f"{contract} has no event {event}; update gaoling/analytics/mappings.py"
            args = {i["name"]: _sample_value(_type(i)) for i in by_name[event]["inputs"]}
            for table, build in targets:
                row = build(args)
                assert set(row) <= set(table.c.keys()), (contract, event, set(row) - set(table.c.keys()))
                checked += 1
    assert checked >= 45
    assert "GaolingCrowdfund" in abis  # merged from main: its events have a table
