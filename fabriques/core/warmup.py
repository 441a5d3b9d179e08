"""What a process loads on its first requests, loaded ahead: translation catalogues, the URL
resolver, every template compiled.

A process of the web server otherwise spends about 150 ms of CPU on its first page, and as
much again on the first page of each kind. Under gunicorn's `preload_app`, the master calls
warm() once before it forks the workers (config/gunicorn.conf.py): each worker, and each one
that replaces another after `max_requests`, starts with all of it in its memory, shared with
the master until written.
"""

import logging
from pathlib import Path

from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import get_resolver
from django.utils import translation

logger = logging.getLogger(__name__)

# The files that are Django templates; other files under templates/ (DOCX, ODT models) are not.
TEMPLATE_SUFFIXES = {".html", ".txt", ".xml", ".svg", ".md", ".csv", ".js", ".css"}


def warm() -> int:
    """Load the catalogues, the URL patterns and every template; return how many templates."""
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translation.gettext("Fabriques Prospectives")
            get_resolver().reverse_dict  # noqa: B018 — built per language on first access
    compiled = 0
    for engine in engines.all():
        if engine.name != "django":
            continue
        for directory in engine.template_dirs:
            root = Path(directory)
            for path in sorted(root.rglob("*")):
                if path.suffix not in TEMPLATE_SUFFIXES or not path.is_file():
                    continue
                name = path.relative_to(root).as_posix()
                try:
                    engine.get_template(name)
                except (TemplateSyntaxError, TemplateDoesNotExist, UnicodeDecodeError) as error:
                    # Not a template of this engine (a fragment for another tool): it is
                    # compiled, and fails, only where it is used, as without the warm-up.
                    logger.debug("Template not warmed: %s (%s)", name, error)
                else:
                    compiled += 1
    return compiled
