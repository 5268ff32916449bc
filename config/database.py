"""Database settings from URLs, with libpq's multi-host form for a Patroni cluster.

``postgres://user@host1:6432,host2:6432/name?target_session_attrs=read-write`` lists every node
(or every pgbouncer in front of one); libpq tries them in order and keeps the first that accepts
writes, so the app follows Patroni's primary without a proxy (ADR 0120). dj_database_url cannot
parse a host list, so the list is set aside, the rest is parsed as usual and the list put back as
libpq's comma-separated ``host`` and ``port`` parameters, which Django passes through.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

import dj_database_url


def database_config(url: str, *, conn_max_age: int = 60) -> dict[str, Any]:
    """Django DATABASES entry for ``url`` (single host or a libpq host list)."""
    parts = urlsplit(url)
    userinfo, _, hostlist = parts.netloc.rpartition("@")
    if "," not in hostlist:
        return dict(dj_database_url.parse(url, conn_max_age=conn_max_age))
    hosts: list[str] = []
    ports: list[str] = []
    for entry in hostlist.split(","):
        host, _, port = entry.strip().partition(":")
        if not host:
            raise ValueError(f"empty host in the database host list {hostlist!r}")
        if port and not port.isdigit():
            raise ValueError(f"bad port {port!r} in the database host list {hostlist!r}")
        hosts.append(host)
        ports.append(port or "5432")
    single = (userinfo + "@" if userinfo else "") + hosts[0]
    config = dict(
        dj_database_url.parse(urlunsplit(parts._replace(netloc=single)), conn_max_age=conn_max_age)
    )
    config["HOST"] = ",".join(hosts)
    config["PORT"] = ",".join(ports)
    return config
