"""The recommendations' routes (each area in views/<area>.py):

- workspace: writing, evidence, positions, publication, sending, answers, reviews;
- documents: PDF, DOCX, ODT of a Fabrique's recommendations and its results booklet.
"""

from .views import documents, workspace

app_name = "recommendations"
urlpatterns = [*workspace.urlpatterns, *documents.urlpatterns]
