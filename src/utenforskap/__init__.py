"""utenforskap: youth exclusion indicators for Norwegian municipalities."""

from utenforskap.errors import ConfigError, DataError, FetchError, UtenforskapError

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "DataError",
    "FetchError",
    "UtenforskapError",
    "__version__",
]
