"""The workshops' routes, one list per area (each in views/<area>.py):

- planning: the workspace's workshops of a Fabrique or a territory, the workshop page, its
  form, agenda, documents, invitations and registrations (`/espace/…/rencontres/`);
- member: a working-group member's own space (`/mon-espace/`), reached by a sign-in link;
- calendar: the secret iCalendar feeds and their management;
- attendance: check-in (code, QR, roll call), walk-ins, sign-in sheet, attendance export;
- minutes: minutes, outcomes, comments, their workflow, the actions to follow;
- figures: representativeness and mobilisation.
"""

from .views import attendance, calendar, figures, member, minutes, planning

app_name = "workshops"
urlpatterns = [
    *planning.urlpatterns,
    *member.urlpatterns,
    *calendar.urlpatterns,
    *attendance.urlpatterns,
    *minutes.urlpatterns,
    *figures.urlpatterns,
]
