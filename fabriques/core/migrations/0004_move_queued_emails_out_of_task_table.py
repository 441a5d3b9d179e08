"""Take the rendered e-mails (with their invitation and reset links) out of the task table.

Before 0003, the send_email task carried the recipients, subject and bodies as arguments.
Messages still waiting become OutgoingEmail rows and their task carries only the id; the
arguments of the tasks already run are blanked (the rows themselves go with the daily purge).
"""

from django.db import migrations

TASK_PATH = "fabriques.core.emails.send_email"


def forwards(apps, schema_editor):
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    OutgoingEmail = apps.get_model("core", "OutgoingEmail")
    for result in DBTaskResult.objects.filter(task_path=TASK_PATH).iterator():
        kwargs = (result.args_kwargs or {}).get("kwargs") or {}
        if "email_id" in kwargs:
            continue
        if result.status == "READY" and kwargs.get("to"):
            outgoing = OutgoingEmail.objects.create(
                to=kwargs["to"],
                subject=str(kwargs.get("subject", ""))[:255],
                text=kwargs.get("text", ""),
                html=kwargs.get("html", ""),
            )
            result.args_kwargs = {"args": [], "kwargs": {"email_id": outgoing.pk}}
        else:
            result.args_kwargs = {"args": [], "kwargs": {}}
        result.save(update_fields=["args_kwargs"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_outgoing_email"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
