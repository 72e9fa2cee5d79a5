from django.db.models import Count, Q

from .models import User

OPERATOR_GROUP = "Operator"


def user_roles(*, user: User) -> list[str]:
    """What the user can act as, derived from relations (DESIGN §3), never stored as one field.

    `seller`: a member (owner or staff) of at least one shop, through the `shop_memberships` relation that
    shops.ShopMember declares (accounts does not import shops: dependencies point the other way). `trainer`: an
    active trainer profile (`workshops.TrainerProfile`, reached the same way).
    """
    # One query for both relations.
    counts = User.objects.filter(pk=user.pk).aggregate(
        shops=Count("shop_memberships", distinct=True),
        operator_groups=Count("groups", filter=Q(groups__name=OPERATOR_GROUP), distinct=True),
        trainer=Count("trainer_profile", filter=Q(trainer_profile__is_active=True), distinct=True),
    )
    roles = ["shopper"]
    if counts["shops"]:
        roles.append("seller")
    if counts["trainer"]:
        roles.append("trainer")
    if user.is_superuser or counts["operator_groups"]:
        roles.append("operator")
    return roles
