"""Where queries run: a build's embedded store, or a SPARQL 1.1 endpoint in a production store.

Every query path (``kg query``, ``report``, ``search``, ``describe``, ``path``, ``stats``,
``console``, ``publish``) takes what :func:`open_source` returns: pyoxigraph's read-only
``Store``, or a :class:`kg.remote.RemoteStore` that answers the same calls
(``query(text, prefixes=…, use_default_graph_as_union=…)``, ``len()``,
``quads_for_pattern``, ``named_graphs()``) over HTTP, with the same results for the same data.

An endpoint is named by ``--endpoint URL`` or ``--profile NAME`` (a section of
``~/.config/kaifang/endpoints.toml``, or of the file ``KG_ENDPOINTS_FILE`` names), or by the
environment (``KG_ENDPOINT``, ``KG_PROFILE``). Credentials come from the environment
(``KG_ENDPOINT_USER``, ``KG_ENDPOINT_PASSWORD``) or the profile, never from the command line,
and are never printed.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

from .errors import UserError

DATASET_MODES = ("release", "server", "union-parameter")
DEFAULT_TIMEOUT = 300.0
_PROFILE_KEYS = {"query", "update", "graph_store", "user", "password", "password_env", "dataset", "timeout"}


@dataclass(frozen=True)
class Endpoint:
    """A remote store: where to query, update and load graphs, and as whom.

    ``dataset`` says what a query's default graph is: ``release`` (the graphs of the release
    ``kg push`` loaded, sent as ``default-graph-uri``/``named-graph-uri``: works on any SPARQL
    1.1 server and keeps other data in the store out of the answers), ``server`` (the server's
    own default graph, already the union of the graphs: Virtuoso, Fuseki with
    ``tdb2:unionDefaultGraph``, ``oxigraph serve --union-default-graph``) or
    ``union-parameter`` (Oxigraph's ``union-default-graph`` query parameter).
    """

    query: str | None
    update: str | None = None
    graph_store: str | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    dataset: str = "release"
    timeout: float = DEFAULT_TIMEOUT
    profile: str | None = None

    @property
    def label(self) -> str:
        """How messages name the endpoint (never with credentials)."""
        url = self.query or self.graph_store or self.update or "?"
        return f"{url} (profile {self.profile})" if self.profile else url

    def needs(self, what: str) -> str:
        """The URL for ``what`` (query, update, graph_store) or a one-line error saying how to give it."""
        url = getattr(self, what)
        if url:
            return url
        words = {"query": "a SPARQL query URL", "update": "a SPARQL Update URL",
                 "graph_store": "a Graph Store Protocol URL"}[what]
        raise UserError(f"{words} is needed for {self.label}: kg knows the layouts of Virtuoso, Oxigraph, "
                        f"Fuseki and GraphDB; for another server set '{what}' in an endpoints profile")


# ---------------------------------------------------------------- known server layouts

_VIRTUOSO = {"/sparql": "query", "/sparql-auth": "update", "/sparql-graph-crud": "graph_store",
             "/sparql-graph-crud-auth": "graph_store"}
_OXIGRAPH = {"/query": "query", "/update": "update", "/store": "graph_store"}
_GRAPHDB = re.compile(r"^(?P<root>.*/repositories/[^/]+)(?P<rest>/statements|/rdf-graphs/service)?$")
_FUSEKI = re.compile(r"^(?P<root>.*/[^/]+)/(?P<rest>query|sparql|update|data)$")


def layout_of(url: str) -> dict[str, str] | None:
    """The query, update and Graph Store Protocol URLs of the server ``url`` belongs to, for the
    layouts of Virtuoso (``/sparql``, ``/sparql-auth``, ``/sparql-graph-crud-auth`` at the root),
    Oxigraph server (``/query``, ``/update``, ``/store`` at the root), GraphDB
    (``/repositories/R``, ``…/statements``, ``…/rdf-graphs/service``) and Fuseki
    (``/DATASET/query``, ``/update``, ``/data``); None for an unknown layout. The URL given keeps
    its role as it is."""
    split = urlsplit(url)
    path = split.path.rstrip("/")
    origin = f"{split.scheme}://{split.netloc}"
    if path in _VIRTUOSO:
        urls = {"query": origin + "/sparql", "update": origin + "/sparql-auth",
                "graph_store": origin + "/sparql-graph-crud-auth"}
        role = _VIRTUOSO[path]
    elif path in _OXIGRAPH:
        urls = {"query": origin + "/query", "update": origin + "/update", "graph_store": origin + "/store"}
        role = _OXIGRAPH[path]
    elif match := _GRAPHDB.match(path):
        root = origin + match["root"]
        urls = {"query": root, "update": root + "/statements", "graph_store": root + "/rdf-graphs/service"}
        role = {None: "query", "/statements": "update", "/rdf-graphs/service": "graph_store"}[match["rest"]]
    elif match := _FUSEKI.match(path):
        root = origin + match["root"]
        urls = {"query": root + "/query", "update": root + "/update", "graph_store": root + "/data"}
        role = {"query": "query", "sparql": "query", "update": "update", "data": "graph_store"}[match["rest"]]
    else:
        return None
    urls[role] = url
    return urls


def endpoint_from_url(url: str, role: str = "query") -> Endpoint:
    """An endpoint from one URL: the other URLs from the server's layout when kg knows it;
    otherwise the URL plays ``role`` (query for the query paths, graph_store for ``kg push``)."""
    _check_url(url)
    urls = layout_of(url) or {role: url}
    return Endpoint(query=urls.get("query"), update=urls.get("update"), graph_store=urls.get("graph_store"))


def _check_url(url: str, where: str = "--endpoint") -> None:
    split = urlsplit(url)
    if split.scheme not in ("http", "https") or not split.hostname:
        raise UserError(f"{where} must be an http(s) URL, not {url!r}")
    if split.username or split.password:
        raise UserError(f"{where} must not carry credentials; set KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD "
                        "or use a profile")


# ---------------------------------------------------------------- profiles and the environment


def config_file(env: Mapping[str, str] = os.environ) -> Path:
    """``KG_ENDPOINTS_FILE``, else ``$XDG_CONFIG_HOME/kaifang/endpoints.toml`` (``~/.config/…``)."""
    if env.get("KG_ENDPOINTS_FILE"):
        return Path(env["KG_ENDPOINTS_FILE"])
    config_home = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else Path.home() / ".config"
    return config_home / "kaifang" / "endpoints.toml"


def load_profile(name: str, env: Mapping[str, str] = os.environ, role: str = "query") -> Endpoint:
    """One ``[NAME]`` section of the endpoints file."""
    path = config_file(env)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"no endpoints file {path} for --profile {name} (or set KG_ENDPOINTS_FILE)") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UserError(f"cannot read the endpoints file {path}: {exc}") from exc
    section = data.get(name)
    if not isinstance(section, dict):
        known = ", ".join(sorted(k for k, v in data.items() if isinstance(v, dict))) or "none"
        raise UserError(f"no profile '{name}' in {path} (profiles: {known})")
    unknown = set(section) - _PROFILE_KEYS
    if unknown:
        raise UserError(f"profile '{name}' in {path}: unknown keys {', '.join(sorted(unknown))} "
                        f"(known: {', '.join(sorted(_PROFILE_KEYS))})")
    if "password" in section and os.name == "posix" and path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise UserError(f"{path} holds a password and others can read it: chmod 600 {path} "
                        "(or use password_env to name a variable that holds it)")
    given = [k for k in ("query", "update", "graph_store") if section.get(k)]
    if not given:
        raise UserError(f"profile '{name}' in {path} names no URL (query, update or graph_store)")
    for key in given:
        if not isinstance(section[key], str):
            raise UserError(f"profile '{name}': {key} must be a URL string")
        _check_url(section[key], f"profile '{name}' {key}")
    derived = layout_of(section[given[0]]) or {}
    password = section.get("password")
    if section.get("password_env"):
        password = env.get(section["password_env"])
        if password is None:
            raise UserError(f"profile '{name}' reads its password from ${section['password_env']}, which is not set")
    dataset = section.get("dataset", "release")
    if dataset not in DATASET_MODES:
        raise UserError(f"profile '{name}': dataset must be one of {', '.join(DATASET_MODES)}, not {dataset!r}")
    try:
        timeout = float(section.get("timeout", DEFAULT_TIMEOUT))
    except (TypeError, ValueError):
        raise UserError(f"profile '{name}': timeout must be a number of seconds") from None
    return Endpoint(
        query=section.get("query") or derived.get("query"),
        update=section.get("update") or derived.get("update"),
        graph_store=section.get("graph_store") or derived.get("graph_store"),
        user=section.get("user"), password=password, dataset=dataset, timeout=timeout, profile=name)


def resolve_endpoint(url: str | None = None, profile: str | None = None, *, role: str = "query",
                     env: Mapping[str, str] = os.environ, use_environment: bool = True) -> Endpoint | None:
    """The endpoint the user asked for, or None for the embedded store.

    ``--endpoint`` and ``--profile`` first, then ``KG_ENDPOINT`` / ``KG_PROFILE`` (unless
    ``use_environment`` is off, as when ``--store`` was given). Credentials from the profile,
    else ``KG_ENDPOINT_USER`` / ``KG_ENDPOINT_PASSWORD``.
    """
    if url and profile:
        raise UserError("give --endpoint or --profile, not both")
    if use_environment and not url and not profile:
        url, profile = env.get("KG_ENDPOINT") or None, env.get("KG_PROFILE") or None
        if url and profile:
            raise UserError("KG_ENDPOINT and KG_PROFILE are both set; unset one")
    if profile:
        endpoint = load_profile(profile, env, role)
    elif url:
        endpoint = endpoint_from_url(url, role)
    else:
        return None
    if endpoint.user is None and env.get("KG_ENDPOINT_USER"):
        endpoint = replace(endpoint, user=env["KG_ENDPOINT_USER"])
    if endpoint.password is None and env.get("KG_ENDPOINT_PASSWORD"):
        endpoint = replace(endpoint, password=env["KG_ENDPOINT_PASSWORD"])
    return endpoint


# ---------------------------------------------------------------- opening a source


def open_source(store_dir: Path, endpoint: Endpoint | None, ns):
    """The embedded store of the build in ``store_dir``, or the remote store at ``endpoint``."""
    if endpoint is None:
        from .store import open_store

        return open_store(store_dir)
    from .remote import RemoteStore

    return RemoteStore(endpoint, ns)


def is_remote(store) -> bool:
    return getattr(store, "is_remote", False)


def as_store(source):
    """A store from a build folder path, or the store itself (embedded or remote)."""
    if isinstance(source, (str, Path)):
        from .store import open_store

        return open_store(Path(source))
    return source
