"""The roadmaps' routes, one list per area (each in views/<area>.py):

- editing: the roadmap and its sheets in the workspace (framing, axes, sheets and their parts,
  conflicts, history, table and calendar views, completeness, comments, invited editors);
- lifecycle: submission, the pilot's review, validation, deliberation, publication, versions;
- followup: the one- and three-year follow-ups;
- documents: PDF, DOCX, ODT renderings and the CSV and XLSX exports.
"""

from .views import documents, editing, followup, lifecycle

app_name = "roadmaps"
urlpatterns = [
    *editing.urlpatterns,
    *lifecycle.urlpatterns,
    *followup.urlpatterns,
    *documents.urlpatterns,
]
