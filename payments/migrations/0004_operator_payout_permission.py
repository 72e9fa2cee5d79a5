"""The Operator group may refund, pay sellers out and read the reconciliation (`payments.manage_payouts`)."""

from django.db import migrations

from ._operator_grants import granting


class Migration(migrations.Migration):
    dependencies = [("payments", "0003_ledger_refunds_payouts")]

    operations = [
        migrations.RunPython(
            *granting("manage_payouts", "Can refund, pay out to sellers and see the reconciliation")
        )
    ]
