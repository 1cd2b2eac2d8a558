"""Taxonomies: regions, industry chains (两围绕) and technology fields."""
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..encoders import UnicodeJSONEncoder


class BilingualNameMixin(models.Model):
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        """The name in the active language, falling back to Chinese."""
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh

    def __str__(self):
        return self.name


class Region(BilingualNameMixin):
    """Administrative division (GB/T 2260 code), province → city."""

    code = models.CharField(_("division code"), max_length=6, unique=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("parent region"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class IndustryChain(BilingualNameMixin):
    """An industrial chain such as new energy or integrated circuits (产业链)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("industry chain")
        verbose_name_plural = _("industry chains")


class IndustryNode(BilingualNameMixin):
    """A node of a chain, in its upstream / midstream / downstream segment."""

    class Segment(models.TextChoices):
        UPSTREAM = "upstream", _("Upstream")
        MIDSTREAM = "midstream", _("Midstream")
        DOWNSTREAM = "downstream", _("Downstream")

    chain = models.ForeignKey(
        IndustryChain, on_delete=models.PROTECT, related_name="nodes", verbose_name=_("chain")
    )
    segment = models.CharField(_("segment"), max_length=12, choices=Segment.choices)
    code = models.SlugField(_("code"), max_length=80, unique=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True, encoder=UnicodeJSONEncoder)

    class Meta:
        ordering = ["chain__code", "segment", "code"]
        verbose_name = _("industry-chain node")
        verbose_name_plural = _("industry-chain nodes")

    def __str__(self):
        return f"{self.chain.name} · {self.get_segment_display()} · {self.name}"


class TechField(BilingualNameMixin):
    """Discipline / technology field: category (门类) → discipline (二级学科)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("parent field"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("technology field")
        verbose_name_plural = _("technology fields")
