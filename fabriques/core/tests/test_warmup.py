from django.template import engines
from django.template.backends.django import DjangoTemplates
from django.template.loaders import cached

from fabriques.core.warmup import warm


def test_warm_compiles_every_template_into_the_cached_loader():
    backend = engines["django"]
    assert isinstance(backend, DjangoTemplates)
    loader = backend.engine.template_loaders[0]
    assert isinstance(loader, cached.Loader)
    loader.reset()
    compiled = warm()
    cache = loader.get_template_cache
    assert compiled >= 400  # the platform's templates, the DSFR's, the admin's…
    for name in ("base.html", "workspace/home.html", "dsfr/global_css.html"):
        assert name in cache, name
    # Compiled, not a record of absence (the cached loader also keeps those).
    assert not isinstance(cache["base.html"], type) and hasattr(cache["base.html"], "render")
