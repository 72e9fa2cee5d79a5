"""The operator-managed category tree (materialised path, from django-treebeard which Wagtail brings)."""

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


class Category(MP_Node):
    class Icon(models.TextChoices):
        FOOD = "food", _("Food and drink")
        SNACK = "snack", _("Snacks")
        CHILI = "chili", _("Sambal and spices")
        COFFEE = "coffee", _("Coffee and tea")
        GIFT = "gift", _("Souvenirs")
        CRAFT = "craft", _("Crafts")
        FABRIC = "fabric", _("Fabric")
        CLOTHING = "clothing", _("Clothing")
        BEAUTY = "beauty", _("Beauty")
        FARM = "farm", _("Farm produce")
        SERVICE = "service", _("Services")
        OTHER = "other", _("Other")

    # What the storefront draws for each icon key; keys are stable, the pictures may change.
    ICON_EMOJI = {
        "food": "🍱",
        "snack": "🍘",
        "chili": "🌶️",
        "coffee": "☕",
        "gift": "🎁",
        "craft": "🧺",
        "fabric": "🧵",
        "clothing": "👕",
        "beauty": "🌺",
        "farm": "🌾",
        "service": "🛠️",
        "other": "🛍️",
    }

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    icon = models.CharField(_("icon"), max_length=16, choices=Icon.choices, default=Icon.OTHER)
    # The platform's commission on sales in this category and the ones below it, in basis points (100 = 1%);
    # null = the parent's, and at the root the platform default (`COMMISSION_DEFAULT_BASIS_POINTS`). A shop's
    # own rate (`Shop.commission_basis_points`) overrides both.
    commission_basis_points = models.PositiveIntegerField(
        _("commission (basis points)"), null=True, blank=True, validators=[MaxValueValidator(10_000)]
    )

    # Children stay sorted by name within their parent; the tree order is then simply the path order.
    node_order_by = ["name"]

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    icon__in=[
                        "food",
                        "snack",
                        "chili",
                        "coffee",
                        "gift",
                        "craft",
                        "fabric",
                        "clothing",
                        "beauty",
                        "farm",
                        "service",
                        "other",
                    ]
                ),
                name="shops_category_icon_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def icon_emoji(self) -> str:
        return self.ICON_EMOJI.get(self.icon, self.ICON_EMOJI["other"])
