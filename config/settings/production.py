"""Production settings: everything in base, plus HTTPS-only transport.

Run behind a TLS-terminating proxy; set SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool

if not os.environ.get("SECRET_KEY"):
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment in production.")
SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = False
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Submitting the domain to the browsers' preload list is the regency's decision (it binds
    # every subdomain of e.g. banyuwangikab.go.id); set SECURE_HSTS_PRELOAD=true to opt in.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
if env_bool("SK_BEHIND_TLS_PROXY", True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Village heads confirm signing with their authenticator code, not only the password (ADR 0112).
SK_STEPUP_TOTP_FOR_VILLAGE_HEADS = env_bool("SK_STEPUP_TOTP_FOR_VILLAGE_HEADS", True)
