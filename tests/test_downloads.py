"""Texts from the web (``symrnn.downloads``), against a local HTTP server: downloaded once, checked
against a known checksum, kept in the cache and read from it offline; every failure one line."""
import hashlib
import http.server
import socket
import threading

import pytest

from symrnn import downloads
from symrnn.cli import main
from symrnn.errors import DataError

TEXT = ("It is the lesson's own corpus that this stands in for: any text will do. " * 40).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the name http.server calls)
        if self.path == "/text.txt":
            self.send_response(200)
            self.send_header("Content-Length", str(len(TEXT)))
            self.end_headers()
            self.wfile.write(TEXT)
        elif self.path == "/cut.txt":  # announces the whole text, sends a tenth, hangs up
            self.send_response(200)
            self.send_header("Content-Length", str(len(TEXT)))
            self.end_headers()
            self.wfile.write(TEXT[:len(TEXT) // 10])
            self.close_connection = True
        else:
            self.send_error(404, "Not Found")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SYMRNN_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache" / "texts"


def known(monkeypatch, url, text=TEXT):
    monkeypatch.setitem(downloads.KNOWN, "nietzsche",
                        downloads.KnownText(url, len(text), hashlib.sha256(text).hexdigest()))


def test_a_known_text_is_downloaded_checked_and_then_read_offline(server, cache, monkeypatch):
    httpd, base = server
    known(monkeypatch, f"{base}/text.txt")
    path = downloads.local_path("nietzsche", progress=False)
    assert path == str(cache / "nietzsche.txt") and open(path, "rb").read() == TEXT
    httpd.shutdown()                                                   # offline from here on
    assert downloads.local_path("nietzsche", progress=False) == path
    assert [p.name for p in cache.iterdir()] == ["nietzsche.txt"]     # no temporary file left


def test_a_wrong_checksum_is_refused_and_nothing_is_kept(server, cache, monkeypatch):
    _, base = server
    known(monkeypatch, f"{base}/text.txt", text=b"another text")
    with pytest.raises(DataError, match=r"is not the one known .* it was not kept; download it yourself to "):
        downloads.local_path("nietzsche", progress=False)
    assert list(cache.iterdir()) == []


def test_an_interrupted_download_leaves_nothing(server, cache):
    _, base = server
    with pytest.raises(DataError, match=r"cannot download .*/cut.txt: the transfer ended after 292 of 2,920 bytes"):
        downloads.local_path(f"{base}/cut.txt", progress=False)
    assert list(cache.iterdir()) == []


def test_a_missing_page_is_one_line(server):
    _, base = server
    with pytest.raises(DataError, match=r"cannot download .*/nothing.txt: HTTP 404 Not Found; download it yourself"):
        downloads.local_path(f"{base}/nothing.txt", progress=False)


def test_no_network_says_what_to_download_and_where(cache, monkeypatch):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    known(monkeypatch, f"http://127.0.0.1:{port}/nietzsche.txt")
    with pytest.raises(DataError) as refused:
        downloads.local_path("nietzsche", progress=False)
    message = str(refused.value)
    assert message.startswith(f"cannot download http://127.0.0.1:{port}/nietzsche.txt: ")
    assert message.endswith(f"download it yourself to {cache / 'nietzsche.txt'} (or pass --text PATH)")


def test_train_reads_a_text_by_its_address(server, tmp_path, capsys):
    _, base = server
    assert main(["train", "--text", f"{base}/text.txt", "--hidden", "4", "--steps", "2", "--no-report",
                 "--no-progress"]) == 0
    assert f"characters from {base}/text.txt" in capsys.readouterr().out


def test_a_path_is_a_path():
    assert downloads.local_path("some/file.txt") == "some/file.txt"
