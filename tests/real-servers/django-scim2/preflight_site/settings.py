"""Django settings for the django-scim2 peer of Preflight's real-server tests.

Only what django-scim2 needs to serve /scim/v2 on loopback: the auth and contenttypes apps
(the user model builds on Django's AbstractUser), SQLite in a directory the launcher owns,
one bearer token from the environment, and the SCIM settings the library makes mandatory.
Nothing here changes how django-scim2 answers requests; its views and adapters are its own.
"""

import os
from pathlib import Path

# The launcher (serve.py) sets both; a missing value is a mistake in how it was started.
DATA_DIR = Path(os.environ["DJANGO_SCIM2_DATA_DIR"])
SCIM_TOKEN = os.environ["DJANGO_SCIM2_TOKEN"]

# Never served beyond 127.0.0.1; a fresh random key each start keeps nothing secret on disk.
SECRET_KEY = os.urandom(32).hex()
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django_scim",
    "directory",
]

MIDDLEWARE = [
    # Turns "Authorization: Bearer <token>" into an authenticated request.user; django-scim2's
    # own SCIMAuthCheckMiddleware (run by its views) answers 401 to everything else.
    "preflight_site.bearer.BearerTokenMiddleware",
]

ROOT_URLCONF = "preflight_site.urls"
AUTH_USER_MODEL = "directory.User"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / "directory.sqlite3"),
    }
}

SCIM_SERVICE_PROVIDER = {
    # The library's default is auth.Group, which lacks the SCIM columns its adapter reads.
    "GROUP_MODEL": "directory.models.Group",
    # meta.location and Location headers: the scheme and host the client reached.
    "BASE_LOCATION_GETTER": "preflight_site.location.request_base_location",
    # Mandatory for the library; the real value comes from the getter above.
    "NETLOC": "127.0.0.1",
    "AUTHENTICATION_SCHEMES": [
        {
            "type": "oauthbearertoken",
            "name": "OAuth Bearer Token",
            "description": "A static bearer token in the Authorization header",
            "primary": True,
        }
    ],
    # The challenge matches the scheme clients must use (the library's default names Basic).
    "WWW_AUTHENTICATE_HEADER": 'Bearer realm="django-scim2"',
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    # Request lines only; django_scim's DEBUG logging would echo request bodies.
    "loggers": {"django": {"handlers": ["stderr"], "level": "WARNING"}},
}
