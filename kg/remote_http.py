"""HTTP for remote stores: urllib, with basic or digest authentication answered before a body
is sent, and every network failure turned into one line for the user."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urlsplit

from .errors import UserError


class RemoteError(UserError):
    """The endpoint could not be reached or refused: one line for the user, exit 2."""


# ---------------------------------------------------------------- HTTP with auth done once


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    headers: Message
    body: bytes

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    def first_line(self) -> str:
        text = self.body.decode("utf-8", "replace")
        text = re.sub(r"<[^>]+>", " ", text) if "<html" in text[:200].lower() else text
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return lines[0][:300] if lines else ""


class Http:
    """urllib, with HTTP basic or digest authentication answered before a body is sent.

    urllib's own handlers send the body, get a 401 and send it again; a server that closes the
    connection on the 401 (Virtuoso does) breaks a large upload with EPIPE. Here a body-less
    probe (HEAD) learns the challenge once per server, and every request carries its answer.
    """

    def __init__(self, user: str | None = None, password: str | None = None, timeout: float = 300.0) -> None:
        self.user, self._password, self.timeout = user, password, timeout
        self._challenges: dict[str, dict[str, str]] = {}  # origin -> the server's last challenge
        self._probed: set[str] = set()
        self._count = 0
        self._opener = urllib.request.build_opener()
        self.server = ""  # the Server header last seen: Virtuoso needs a few work-arounds

    def send(self, method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None,
             timeout: float | None = None) -> HttpAnswer:
        headers = dict(headers or {})
        origin = origin_of(url)
        if self.user and origin not in self._probed and body:
            self._learn(self._open("HEAD", url, None, {}, timeout), url)
        answer = self._open(method, url, body, {**headers, **self._authorization(method, url)}, timeout)
        if answer.status == 401 and self.user and self._learn(answer, url):
            answer = self._open(method, url, body, {**headers, **self._authorization(method, url)}, timeout)
        if answer.status == 401:
            if self.user:
                raise RemoteError(f"{site_of(url)} refused the credentials of user '{self.user}' (HTTP 401)")
            raise RemoteError(f"{site_of(url)} asks for credentials (HTTP 401): set KG_ENDPOINT_USER and "
                              "KG_ENDPOINT_PASSWORD, or use a profile")
        return answer

    def _open(self, method: str, url: str, body: bytes | None, headers: dict[str, str],
              timeout: float | None) -> HttpAnswer:
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        seconds = timeout if timeout is not None else self.timeout
        try:
            with self._opener.open(request, timeout=seconds) as response:
                self.server = response.headers.get("Server", "") or self.server
                return HttpAnswer(response.status, response.headers, response.read())
        except urllib.error.HTTPError as exc:
            try:
                data = exc.read()
            except OSError:
                data = b""
            return HttpAnswer(exc.code, exc.headers, data)
        except (TimeoutError, socket.timeout):
            raise RemoteError(f"{site_of(url)} did not answer within {seconds:g} s; raise --timeout, or the "
                              "endpoint's own limits if it stopped the query") from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise RemoteError(f"{site_of(url)} did not answer within {seconds:g} s") from None
            if isinstance(reason, ConnectionRefusedError):
                raise RemoteError(f"cannot reach {site_of(url)}: connection refused (is the server running?)") from None
            raise RemoteError(f"cannot reach {site_of(url)}: {getattr(reason, 'strerror', None) or reason}") from None
        except (ConnectionError, OSError) as exc:
            raise RemoteError(f"cannot reach {site_of(url)}: {exc.strerror or exc}") from None

    def _learn(self, answer: HttpAnswer, url: str) -> bool:
        """Remember the server's challenge (digest preferred); True when it is new, worth a retry."""
        self._probed.add(origin_of(url))
        offers = answer.headers.get_all("WWW-Authenticate") or [] if answer.status == 401 else []
        if not offers:
            return False
        header = next((o for o in offers if o.lower().startswith("digest")), offers[0])
        scheme, _, rest = header.partition(" ")
        challenge = {m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
                     for m in re.finditer(r'(\w+)=(?:"([^"]*)"|([^\s,]*))', rest)}
        challenge["scheme"] = scheme.lower()
        previous = self._challenges.get(origin_of(url))
        self._challenges[origin_of(url)] = challenge
        self._count = 0
        return previous != challenge

    def _authorization(self, method: str, url: str) -> dict[str, str]:
        challenge = self._challenges.get(origin_of(url))
        if not self.user or not challenge:
            return {}
        password = self._password or ""
        if challenge["scheme"] == "basic":
            token = base64.b64encode(f"{self.user}:{password}".encode()).decode()
            return {"Authorization": f"Basic {token}"}
        if challenge["scheme"] != "digest":
            raise RemoteError(f"{site_of(url)} asks for {challenge['scheme']} authentication; kg speaks basic and digest")
        algorithm = challenge.get("algorithm", "MD5")
        digest = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}.get(algorithm.upper().removesuffix("-SESS"))
        if digest is None:
            raise RemoteError(f"{site_of(url)} asks for digest algorithm {algorithm}, which kg does not speak")
        h = lambda text: digest(text.encode("utf-8")).hexdigest()  # noqa: E731
        split = urlsplit(url)
        uri = split.path + (f"?{split.query}" if split.query else "")
        realm, nonce = challenge.get("realm", ""), challenge.get("nonce", "")
        self._count += 1
        nc, cnonce = f"{self._count:08x}", os.urandom(8).hex()
        ha1 = h(f"{self.user}:{realm}:{password}")
        if algorithm.upper().endswith("-SESS"):
            ha1 = h(f"{ha1}:{nonce}:{cnonce}")
        ha2 = h(f"{method}:{uri}")
        qops = [q.strip() for q in challenge.get("qop", "").split(",") if q.strip()]
        fields = [f'username="{self.user}"', f'realm="{realm}"', f'nonce="{nonce}"', f'uri="{uri}"',
                  f"algorithm={algorithm}"]
        if "auth" in qops:
            fields += [f'response="{h(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")}"', "qop=auth", f"nc={nc}",
                       f'cnonce="{cnonce}"']
        else:
            fields.append(f'response="{h(f"{ha1}:{nonce}:{ha2}")}"')
        if "opaque" in challenge:
            fields.append(f'opaque="{challenge["opaque"]}"')
        return {"Authorization": "Digest " + ", ".join(fields)}


def origin_of(url: str) -> str:
    split = urlsplit(url)
    return f"{split.scheme}://{split.netloc}"


def site_of(url: str) -> str:
    """A URL as messages show it: without its query string (which may be long)."""
    split = urlsplit(url)
    return f"{split.scheme}://{split.netloc}{split.path}"
