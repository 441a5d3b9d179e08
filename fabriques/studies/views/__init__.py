"""The foresight studio's pages: `core` (lists, a study, import and export, runs, the public
page) and one module per method's screens. Each view: access function, one service or
selector, render; every form works as a plain post, without JavaScript."""

from django.urls import URLPattern

from . import cib, core, mactor, micmac, morpho, multipol, retained, smic, votes

urlpatterns: list[URLPattern] = [
    *core.urlpatterns,
    *micmac.urlpatterns,
    *mactor.urlpatterns,
    *cib.urlpatterns,
    *morpho.urlpatterns,
    *votes.urlpatterns,
    *smic.urlpatterns,
    *multipol.urlpatterns,
    *retained.urlpatterns,
]
