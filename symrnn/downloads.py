"""Texts from the web: downloaded once into a cache folder, checked, and read from there after, offline.

``--text nietzsche`` names the lesson's corpus (Keras' datasets published it at the address in
``KNOWN``, with the size and SHA-256 given there); ``--text https://…`` any text. A download goes
to ``$SYMRNN_CACHE/texts`` (default ``~/.cache/symrnn/texts``) through symrnn's atomic writer, so
an interrupted one leaves nothing behind, and a known text is kept only when its checksum matches.
"""
import hashlib
import os
import urllib.error
import urllib.request
from dataclasses import dataclass

from symrnn.checkpoint import write_atomically
from symrnn.errors import DataError

TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class KnownText:
    url: str
    size: int
    sha256: str


KNOWN = {
    "nietzsche": KnownText("https://s3.amazonaws.com/text-datasets/nietzsche.txt", 600_901,
                           "23cf69874ab69d3d256099ab530ea4be24d47d9675b673bcc67cbcd6298ec647"),
}


def cache_folder():
    """``$SYMRNN_CACHE/texts``, or ``~/.cache/symrnn/texts``."""
    root = os.environ.get("SYMRNN_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "symrnn")
    return os.path.join(root, "texts")


def is_remote(text):
    """Whether ``--text`` names a known text or an address rather than a file."""
    return text in KNOWN or text.startswith(("http://", "https://"))


def local_path(text, progress=True):
    """The file to read for ``--text``: a path as it is; a known name or an address downloaded
    into the cache folder first (or found there)."""
    if not is_remote(text):
        return text
    known = KNOWN.get(text)
    if known:
        return fetch(known.url, f"{text}.txt", sha256=known.sha256, size=known.size, progress=progress)
    name = f"{hashlib.sha256(text.encode()).hexdigest()[:12]}-{os.path.basename(text.split('?')[0]) or 'text'}"
    return fetch(text, name, progress=progress)


def fetch(url, name, *, sha256=None, size=None, progress=True):
    """``url`` as the file ``name`` in the cache folder, downloaded if it is not there; ``DataError``
    (one line: what failed, and where to put the file by hand) when it cannot be had."""
    path = os.path.join(cache_folder(), name)
    if os.path.isfile(path) and (sha256 is None or _sha256(path) == sha256):
        return path
    try:
        os.makedirs(cache_folder(), exist_ok=True)
    except OSError as err:
        raise DataError(f"cannot make the text cache {cache_folder()}: {err.strerror or err} (set SYMRNN_CACHE)") \
            from None
    by_hand = f"download it yourself to {path} (or pass --text PATH)"
    try:
        _download(url, path, progress)
    except urllib.error.HTTPError as err:
        raise DataError(f"cannot download {url}: HTTP {err.code} {err.reason}; {by_hand}") from None
    except (urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", None) or err.strerror or err
        raise DataError(f"cannot download {url}: {reason}; {by_hand}") from None
    if sha256 is not None and (got := _sha256(path)) != sha256:
        os.unlink(path)
        raise DataError(f"the text downloaded from {url} is not the one known ({got[:16]}… against SHA-256 "
                        f"{sha256[:16]}…{f', {size:,} bytes' if size else ''}): it was not kept; {by_hand}")
    return path


def _download(url, path, progress):
    """Copy ``url`` to ``path`` through ``checkpoint.write_atomically``, with a progress bar; an
    incomplete transfer (fewer bytes than the server announced) raises ``OSError`` and leaves nothing."""
    from tqdm.auto import tqdm

    with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
        total = int(response.headers.get("Content-Length") or 0) or None

        def write(file):
            with tqdm(total=total, unit="B", unit_scale=True, leave=False, desc=os.path.basename(path),
                      disable=not progress) as bar:
                while chunk := response.read(1 << 16):
                    file.write(chunk)
                    bar.update(len(chunk))
            if total is not None and file.tell() != total:
                raise OSError(f"the transfer ended after {file.tell():,} of {total:,} bytes")

        write_atomically(path, write)


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
