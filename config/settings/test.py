"""Settings for pytest (`--ds=config.settings.test`, set in pyproject.toml).

Domain databases follow `<APP>_DATABASE_URL` exactly as in development, so CI runs the same suite against MariaDB
and PostgreSQL by exporting e.g. `MINICRM_DATABASE_URL=mysql://root@127.0.0.1:3306/minicrm`; pytest-django then
creates `test_minicrm` there. SQLite test databases are in memory.
"""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES, env

DEBUG = False
SECRET_KEY = "test-only-secret-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Per process; tests/conftest.py clears it before each test.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Two suites on one server (e.g. a CI run beside a developer's run) must not share test databases.
_suffix = env("TEST_DATABASE_SUFFIX", default="")
for _alias, _config in DATABASES.items():
    if _config["ENGINE"].endswith("sqlite3"):
        _config["TEST"] = {"NAME": None}
    elif _suffix:
        _config["TEST"] = {"NAME": f"test_{_config['NAME']}_{_suffix}"}

# Download copies of a test run go to a folder of its own, never into the developer's data/cache/downloads/.
DOWNLOAD_CACHE_DIR = Path(tempfile.gettempdir()) / f"synthbiz-test-downloads-{os.getpid()}"
