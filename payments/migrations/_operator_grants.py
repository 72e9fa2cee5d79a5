"""Grant a payments permission to the Operator group in a data migration (a module the migration loader skips:
its name starts with an underscore).

The group itself is created by the demo seeder (`cms.demo.seed_operator_group`) or by hand, so the migrations
do not create it: they grant the permission when the group exists (an existing installation). A fresh database
gets the permission from the seeder's `OPERATOR_PERMISSIONS`.
"""

OPERATOR_GROUP = "Operator"  # accounts.selectors.OPERATOR_GROUP, frozen here as migrations must be


def granting(codename: str, name: str):
    """A (forward, backward) pair of RunPython functions giving the Operator group `payments.<codename>`."""

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
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        for group in groups:
            group.permissions.add(permission)

    def revoke(apps, schema_editor):
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
        permission = Permission.objects.filter(content_type__app_label="payments", codename=codename)
        for group in Group.objects.filter(name=OPERATOR_GROUP):
            group.permissions.remove(*permission)

    return grant, revoke
