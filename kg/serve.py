"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint over a build's store.

Queries run in a small pool of worker processes, each holding the store open read-only.
pyoxigraph cannot interrupt a query and a thread cannot be killed, so a query that runs
past ``--timeout`` is stopped by killing its worker (a fresh one takes its place); the
HTTP side is a stdlib ThreadingHTTPServer. Updates are refused with 403, whatever way
they arrive. Results are SPARQL JSON, XML, CSV or TSV (graphs: Turtle, N-Triples,
RDF/XML, JSON-LD) by the Accept header; the project's prefixes are predeclared and the
default graph is the union of all graphs unless ``default-graph-uri`` says otherwise.
"""

from __future__ import annotations

import multiprocessing
import queue
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from .errors import UserError
from .namespaces import Namespaces
from .query import is_update

QUERY_PATHS = ("/sparql", "/query")
MAX_BODY = 1 << 20
RESULT_FORMATS = {  # media type -> pyoxigraph format, for SELECT and ASK
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {  # for CONSTRUCT and DESCRIBE
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
DEFAULT_RESULT_TYPE = "application/sparql-results+json"
DEFAULT_GRAPH_TYPE = "text/turtle"


@dataclass(frozen=True)
class ServeOptions:
    store: Path
    host: str = "127.0.0.1"
    port: int = 7878
    timeout: float = 30.0
    workers: int = 2
    quiet: bool = False


@dataclass(frozen=True)
class QueryRequest:
    query: str
    accept: str = ""
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def text_response(status: int, message: str) -> Response:
    return Response(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode("utf-8"))


# ------------------------------------------------------------------ content negotiation


def preferences(accept: str) -> list[str]:
    """Media ranges of an Accept header, best first (stable for equal q)."""
    ranked = []
    for position, part in enumerate(p.strip() for p in (accept or "").split(",")):
        if not part:
            continue
        media, *params = (x.strip() for x in part.split(";"))
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            ranked.append((-q, position, media.lower()))
    return [media for _, _, media in sorted(ranked)]


def negotiate(accept: str, offers: dict, default: str) -> str | None:
    """The media type to answer with, or None when nothing acceptable is on offer."""
    wanted = preferences(accept)
    if not wanted:
        return default
    for media in wanted:
        if media in offers:
            return media
        if media in ("*/*", "application/*", "text/*"):
            kind = media.split("/")[0]
            if kind == "*" or default.startswith(kind + "/"):
                return default
            return next((m for m in offers if m.startswith(kind + "/")), None)
    return None


# ------------------------------------------------------------------ running a query (in a worker)


def execute(store: ox.Store, ns: Namespaces, request: QueryRequest) -> Response:
    """Run one query against the store and serialise the answer as negotiated."""
    if is_update(request.query):
        return text_response(403, "SPARQL updates are refused: this endpoint is read-only")
    options: dict = {"prefixes": ns.prefixes()}
    if request.default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in request.default_graphs]
    else:
        options["use_default_graph_as_union"] = True
    if request.named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs]
    try:
        answer = store.query(request.query, **options)
        if isinstance(answer, ox.QueryTriples):
            media = negotiate(request.accept, GRAPH_FORMATS, DEFAULT_GRAPH_TYPE)
            if media is None:
                return _not_acceptable(GRAPH_FORMATS)
            body = answer.serialize(format=GRAPH_FORMATS[media])
        else:
            media = negotiate(request.accept, RESULT_FORMATS, DEFAULT_RESULT_TYPE)
            if media is None:
                return _not_acceptable(RESULT_FORMATS)
            body = answer.serialize(format=RESULT_FORMATS[media])
    except SyntaxError as exc:
        return text_response(400, f"SPARQL syntax error: {exc}")
    except (OSError, ValueError, TypeError) as exc:
        return text_response(400, f"query failed: {exc}")
    charset = "; charset=utf-8" if media.startswith("text/") or media.endswith("json") or media.endswith("xml") else ""
    return Response(200, media + charset, body)


def _not_acceptable(offers: dict) -> Response:
    return text_response(406, "no acceptable result format; offered: " + ", ".join(offers))


def _worker_main(store_dir: str, base: str, connection) -> None:
    """A worker process: open the store read-only, answer requests until the pipe closes."""
    import signal

    from .store import open_store

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    store = open_store(Path(store_dir))
    ns = Namespaces(base)
    try:
        connection.send("ready")
    except OSError:
        return  # the server is gone
    while True:
        try:
            request = connection.recv()
        except (EOFError, OSError):
            return
        try:
            response = execute(store, ns, request)
        except Exception as exc:  # noqa: BLE001 - the worker answers, the server decides
            response = text_response(500, f"internal error: {type(exc).__name__}: {exc}")
        try:
            connection.send(response)
        except OSError:
            return


class _Worker:
    def __init__(self, context, store_dir: Path, base: str) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(str(store_dir), base, child), daemon=True)
        self.process.start()
        child.close()

    def wait_ready(self, seconds: float) -> None:
        try:
            ready = self.connection.poll(seconds) and self.connection.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            raise UserError("a query worker did not start; is the store readable?")

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.connection.close()


class QueryPool:
    """Worker processes that run queries; a query past the timeout costs its worker its life."""

    def __init__(self, store_dir: Path, base: str, size: int, timeout: float) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._store_dir, self._base, self.timeout = store_dir, base, timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        started = [self._spawn() for _ in range(size)]
        for worker in started:
            worker.wait_ready(60)
            self._idle.put(worker)

    def _spawn(self) -> _Worker:
        worker = _Worker(self._context, self._store_dir, self._base)
        with self._lock:
            self._all.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        """Stop a worker that overran or died, and start its replacement (in the background)."""
        worker.stop()
        with self._lock:
            self._all.discard(worker)
            if self._closed:
                return
        replacement = self._spawn()
        try:
            replacement.wait_ready(60)
        except UserError:
            replacement.stop()
            return
        self._idle.put(replacement)

    def run(self, request: QueryRequest) -> Response:
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return text_response(503, "all query workers are busy; try again shortly")
        try:
            worker.connection.send(request)
            if not worker.connection.poll(self.timeout):
                threading.Thread(target=self._retire, args=(worker,), daemon=True).start()
                return text_response(503, f"query stopped after {self.timeout:g} s (the server's --timeout)")
            response = worker.connection.recv()
        except (EOFError, OSError, BrokenPipeError):
            threading.Thread(target=self._retire, args=(worker,), daemon=True).start()
            return text_response(500, "the query worker died; the query may be too large for this server")
        self._idle.put(worker)
        return response

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()


# ------------------------------------------------------------------ HTTP


def service_description(endpoint: str) -> bytes:
    formats = "http://www.w3.org/ns/formats/"
    return f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
<{endpoint}> a sd:Service ;
    sd:endpoint <{endpoint}> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:feature sd:UnionDefaultGraph ;
    sd:resultFormat <{formats}SPARQL_Results_JSON> , <{formats}SPARQL_Results_XML> ,
        <{formats}SPARQL_Results_CSV> , <{formats}SPARQL_Results_TSV> , <{formats}Turtle> ,
        <{formats}N-Triples> , <{formats}RDF_XML> , <{formats}JSON-LD> .
""".encode("utf-8")


class SparqlHandler(BaseHTTPRequestHandler):
    """GET and POST per the SPARQL 1.1 Protocol; everything that would write is refused."""

    server_version = "KaifangKG-SPARQL"
    protocol_version = "HTTP/1.1"
    pool: QueryPool
    quiet = False

    # -- plumbing

    def _send(self, response: Response, *, head_only: bool = False) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Vary", "Accept")
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        if not head_only:
            self.wfile.write(response.body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's signature
        if not self.quiet:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")

    def _endpoint(self) -> str:
        host = self.headers.get("Host") or f"{self.server.server_address[0]}:{self.server.server_address[1]}"
        return f"http://{host}/sparql"

    def _path(self) -> tuple[str, dict[str, list[str]]]:
        parts = urlsplit(self.path)
        return parts.path.rstrip("/") or "/", parse_qs(parts.query, keep_blank_values=True)

    def _answer(self, params: dict[str, list[str]], query: str | None) -> Response:
        if "update" in params:
            return text_response(403, "SPARQL updates are refused: this endpoint is read-only")
        if query is None:
            queries = params.get("query", [])
            if len(queries) != 1:
                return text_response(400, "give exactly one 'query' parameter")
            query = queries[0]
        if is_update(query):
            return text_response(403, "SPARQL updates are refused: this endpoint is read-only")
        return self.pool.run(QueryRequest(query, self.headers.get("Accept", ""),
                                          tuple(params.get("default-graph-uri", [])),
                                          tuple(params.get("named-graph-uri", []))))

    # -- methods

    def do_GET(self, head_only: bool = False) -> None:  # noqa: N802 - the stdlib's naming
        path, params = self._path()
        if path == "/":
            self._send(text_response(200, "Kaifang KG read-only SPARQL endpoint: GET or POST a query to "
                                          f"{self._endpoint()} (SPARQL 1.1 Protocol)."), head_only=head_only)
        elif path not in QUERY_PATHS:
            self._send(text_response(404, f"not found: {path}; the endpoint is /sparql"), head_only=head_only)
        elif "query" not in params and "update" not in params:
            self._send(Response(200, "text/turtle; charset=utf-8", service_description(self._endpoint())),
                       head_only=head_only)
        else:
            self._send(self._answer(params, None), head_only=head_only)

    def do_HEAD(self) -> None:  # noqa: N802
        self.do_GET(head_only=True)

    def do_POST(self) -> None:  # noqa: N802
        path, params = self._path()
        if path not in QUERY_PATHS:
            self._discard_body()
            self._send(text_response(404, f"not found: {path}; the endpoint is /sparql"))
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.close_connection = True
            self._send(text_response(413, f"request body over {MAX_BODY} bytes"))
            return
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if media == "application/sparql-update":
            self._send(text_response(403, "SPARQL updates are refused: this endpoint is read-only"))
        elif media == "application/sparql-query":
            self._send(self._answer(params, body))
        elif media == "application/x-www-form-urlencoded":
            form = parse_qs(body, keep_blank_values=True)
            self._send(self._answer({**params, **form}, None))
        else:
            self._send(text_response(415, "POST a query as application/sparql-query or "
                                          "application/x-www-form-urlencoded"))

    def _discard_body(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if 0 < length <= MAX_BODY:
            self.rfile.read(length)

    def _refuse_write(self) -> None:
        self._discard_body()
        self._send(Response(405, "text/plain; charset=utf-8", b"this endpoint is read-only\n",
                            (("Allow", "GET, HEAD, POST, OPTIONS"),)))

    do_PUT = do_DELETE = do_PATCH = _refuse_write  # noqa: N815

    def do_OPTIONS(self) -> None:  # noqa: N802
        self._send(Response(204, "text/plain", b"", (("Allow", "GET, HEAD, POST, OPTIONS"),
                                                    ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
                                                    ("Access-Control-Allow-Headers", "Content-Type, Accept"))))


@dataclass
class Server:
    """A running endpoint: the HTTP server and its query pool."""

    http: ThreadingHTTPServer
    pool: QueryPool

    @property
    def url(self) -> str:
        host, port = self.http.server_address[:2]
        return f"http://{host}:{port}/sparql"

    def serve_forever(self) -> None:
        self.http.serve_forever()

    def close(self) -> None:
        self.http.shutdown()
        self.http.server_close()
        self.pool.close()


def start_server(options: ServeOptions, base: str) -> Server:
    """Open the pool and bind the socket (``port=0`` picks a free one); call ``serve_forever``."""
    from .store import open_store

    open_store(options.store)  # a clear error now rather than from a worker later
    if options.timeout <= 0:
        raise UserError("--timeout must be a positive number of seconds")
    pool = QueryPool(options.store, base, options.workers, options.timeout)
    handler = type("Handler", (SparqlHandler,), {"pool": pool, "quiet": options.quiet})
    try:
        http = ThreadingHTTPServer((options.host, options.port), handler)
    except OSError as exc:
        pool.close()
        raise UserError(f"cannot listen on {options.host}:{options.port}: {exc.strerror or exc}") from exc
    http.daemon_threads = True
    return Server(http, pool)
