"""``get_file``: a file from the web, downloaded once into symrnn's cache (``symrnn.downloads``)."""
from symrnn import downloads
from symrnn.errors import ConfigError
from symrnn.keras.missing import missing_names


def get_file(fname, origin, untar=False, md5_hash=None, cache_subdir="datasets"):
    """The local path of ``origin``, kept as ``fname`` in the cache that ``symrnn train --text URL``
    uses (``$SYMRNN_CACHE/texts``); the lesson's Nietzsche is checked against its known SHA-256."""
    if untar:
        raise ConfigError("get_file: untar is not provided; download archives with your own tools")
    for name, known in downloads.KNOWN.items():
        if origin == known.url:
            return downloads.local_path(name)
    return downloads.fetch(origin, fname)


__getattr__ = missing_names("keras.utils.data_utils")
