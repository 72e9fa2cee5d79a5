"""The Operator group may confirm bank transfers (`payments.confirm_bank_transfer`).

The group itself is created by the demo seeder (`cms.demo.seed_operator_group`) or by hand, so this migration
does not create it: it grants the permission when the group exists (an existing installation). A fresh
database gets the permission from the seeder's `OPERATOR_PERMISSIONS`.
"""

from django.db import migrations

OPERATOR_GROUP = "Operator"  # accounts.selectors.OPERATOR_GROUP, frozen here as migrations must be


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    groups = list(Group.objects.filter(name=OPERATOR_GROUP))
    if not groups:
        return
    # Permissions are normally created after all migrations ran (post_migrate); make this one exist now.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="payments", model="payment")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename="confirm_bank_transfer", defaults={"name": "Can confirm bank transfers"}
    )
    for group in groups:
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.filter(content_type__app_label="payments", codename="confirm_bank_transfer")
    for group in Group.objects.filter(name=OPERATOR_GROUP):
        group.permissions.remove(*permission)


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
