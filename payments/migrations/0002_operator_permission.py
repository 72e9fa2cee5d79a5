"""The Operator group may confirm bank transfers (`payments.confirm_bank_transfer`); see `_operator_grants`."""

from django.db import migrations

from ._operator_grants import granting


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(*granting("confirm_bank_transfer", "Can confirm bank transfers"))]
