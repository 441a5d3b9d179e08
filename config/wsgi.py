import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
# Every URL pattern, hence every view module and what it imports (scipy, openpyxl…), loaded
# now rather than on the first request: about 1.3 s that a worker would otherwise make its
# first visitor wait. With gunicorn's preload_app, this happens once, in the master, and the
# workers it forks (again after each max_requests) start warm.
get_resolver().url_patterns  # noqa: B018
