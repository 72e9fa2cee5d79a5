from .models import User

OPERATOR_GROUP = "Operator"


def user_roles(*, user: User) -> list[str]:
    """What the user can act as, derived from relations (DESIGN §3), never stored as one field.

    Seller and trainer roles join this list when shops and workshops exist (their issues extend it).
    """
    roles = ["shopper"]
    if user.is_superuser or user.groups.filter(name=OPERATOR_GROUP).exists():
        roles.append("operator")
    return roles
