"""A case made while migrations 0006/0007 were placeholders has no network or triage tables: the
pages show it as not built / not triaged instead of failing."""

from __future__ import annotations

from sqlalchemy import create_engine

from darkroom.web.queries import graph_view, triage_view


def test_missing_network_and_triage_tables_read_as_not_run() -> None:
    engine = create_engine("sqlite://")
    with engine.connect() as conn:
        conn.exec_driver_sql("CREATE TABLE messages (id INTEGER PRIMARY KEY, body TEXT)")
        assert graph_view.has_network(conn) is False
        assert triage_view.has_run(conn) is False
        assert triage_view.message_spans(conn, [1, 2]) == {}
        conn.exec_driver_sql("CREATE TABLE network_builds (id INTEGER PRIMARY KEY)")
        conn.exec_driver_sql("CREATE TABLE triage_runs (id INTEGER PRIMARY KEY, finished_at_utc TEXT)")
        assert graph_view.has_network(conn) is False and triage_view.has_run(conn) is False
        conn.exec_driver_sql("INSERT INTO network_builds VALUES (1)")
        conn.exec_driver_sql("INSERT INTO triage_runs VALUES (1, '2026-11-30T00:00:00+00:00')")
        assert graph_view.has_network(conn) is True and triage_view.has_run(conn) is True
    engine.dispose()
