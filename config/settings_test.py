"""Test override: fast hashing, in-memory e-mail, immediate tasks, no manifest storage."""

import os

# The settings refuse the development key with DEBUG off, and tests run with DEBUG off.
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-key-never-used-outside-the-test-suite-0123")

from .settings import *  # noqa: F403
from .settings import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DEBUG = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
# Cached results are versioned by data; tests that exercise the cache override this.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
# The whole-page cache is tested where it is turned on (public/tests/test_pagecache.py); the
# other tests count the queries of the pages themselves.
PUBLIC_PAGE_CACHE = False
# A test whose write commits, or that opens /donnees/, would otherwise build every open-data
# file (the immediate task backend): the open-data tests turn it on.
OPEN_DATA_AUTO_PUBLISH = False
# A test that checks the second factor for staff turns it on with the `settings` fixture.
OTP_REQUIRED_FOR_STAFF = False
