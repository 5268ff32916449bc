"""Settings modules: ``base`` (local and `make run`), ``production``, ``test``."""
