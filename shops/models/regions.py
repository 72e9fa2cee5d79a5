"""Indonesia's administrative regions, for addresses: province → regency/city → district → village.

Each region is keyed by its official Kemendagri code (Kepmendagri No 300.2.2-2138 Tahun 2025), written
with dots as the decree writes it: province "51", regency "51.03", district "51.03.05", village
"51.03.05.1006". The code is the primary key because it is what government systems (Dukcapil, open data)
exchange, it never changes for a region that keeps existing, and it lets a shop address hold a stable
reference. Each level has one index on (parent, name), which serves both "the children of X, by name"
and the foreign key, so the foreign keys skip their own index. The rows are reference data loaded from
`shops/data/regions/` by `shops.regions.load_regions()`; they are never edited by hand.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Province(models.Model):
    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name


class Regency(models.Model):
    """A kabupaten (regency) or a kota (city): the second level, under a province."""

    class Kind(models.TextChoices):
        REGENCY = "regency", _("Regency")
        CITY = "city", _("City")

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, db_index=False, related_name="regencies", verbose_name=_("province")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("regency or city")
        verbose_name_plural = _("regencies and cities")
        indexes = [models.Index(fields=["province", "name"], name="shops_regency_province_name")]

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    """A kecamatan: the third level, under a regency or city."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    regency = models.ForeignKey(
        Regency, on_delete=models.PROTECT, db_index=False, related_name="districts", verbose_name=_("regency or city")
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        indexes = [models.Index(fields=["regency", "name"], name="shops_district_regency_name")]

    def __str__(self) -> str:
        return self.name


class Village(models.Model):
    """A desa (village) or kelurahan (urban village): the fourth level, under a district."""

    class Kind(models.TextChoices):
        URBAN_VILLAGE = "urban_village", _("Urban village")
        VILLAGE = "village", _("Village")
        CUSTOMARY_VILLAGE = "customary_village", _("Customary village")

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, db_index=False, related_name="villages", verbose_name=_("district")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        indexes = [models.Index(fields=["district", "name"], name="shops_village_district_name")]

    def __str__(self) -> str:
        return self.name
