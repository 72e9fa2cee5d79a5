"""The Operator group may confirm bank transfers (`payments.confirm_bank_transfer`).

The group itself is created by the demo seeder (`cms.demo.seed_operator_group`) or by hand, so this migration
does not create it: it grants the permission when the group exists (an existing installation). A fresh
database gets the permission from the seeder's `OPERATOR_PERMISSIONS`.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

OPERATOR_GROUP = "Operator"  # accounts.selectors.OPERATOR_GROUP, frozen here as migrations must be


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations ran (post_migrate); make sure this one exists now.
    payments_config = apps.get_app_config("payments")
    payments_config.models_module = True
    create_permissions(payments_config, apps=apps, verbosity=0)
    payments_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(content_type__app_label="payments", codename="confirm_bank_transfer")
    for group in Group.objects.filter(name=OPERATOR_GROUP):
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
