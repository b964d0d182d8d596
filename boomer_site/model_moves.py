"""What a migration needs when a model moves between apps with its table (SeparateDatabaseAndState):
its content type follows it, so admin history and permissions stay attached."""
from __future__ import annotations

from django.db import migrations


def content_type_move(model: str, old_app: str, new_app: str) -> migrations.RunPython:
    """A RunPython that relabels `old_app.model`'s content type as `new_app.model` (a fresh
    database has none yet: Django creates it after migrating)."""
    def forward(apps, schema_editor, source=old_app, target=new_app):
        ContentType = apps.get_model("contenttypes", "ContentType")
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)

    def backward(apps, schema_editor):
        forward(apps, schema_editor, source=new_app, target=old_app)

    return migrations.RunPython(forward, backward)
