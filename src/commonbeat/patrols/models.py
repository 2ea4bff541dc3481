"""Foot and bike patrols: what officers log from a phone, and the weekly hours supervisors aim for.

Routes are officer-safety information: they are shown to the public only aggregated into grid cells and at
least 24 hours after the patrol ended (see `patrols.visibility`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from commonbeat.core.models import AgencyOwned, Neighbourhood, Officer


class Mode(models.TextChoices):
    FOOT = "foot", _("On foot")
    BIKE = "bike", _("By bike")


class RouteSource(models.TextChoices):
    NONE = "", _("No route")
    DRAWN = "drawn", _("Drawn on the map")
    GPX = "gpx", _("GPX file")


class Patrol(AgencyOwned):
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="patrols", verbose_name=_("officer"))
    mode = models.CharField(_("mode"), max_length=4, choices=Mode.choices)
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"))
    neighbourhoods = models.ManyToManyField(Neighbourhood, related_name="patrols",
                                            verbose_name=_("neighbourhoods covered"))
    # A GeoJSON LineString or MultiLineString (WGS 84), or null.
    route = models.JSONField(_("route"), null=True, blank=True)
    route_source = models.CharField(_("route from"), max_length=5, choices=RouteSource.choices, blank=True,
                                    default=RouteSource.NONE)
    positive_contacts = models.PositiveIntegerField(_("positive contacts"), default=0,
                                                    help_text=_("Conversations and greetings with residents."))
    businesses_visited = models.PositiveIntegerField(_("businesses visited"), default=0)
    schools_visited = models.PositiveIntegerField(_("schools visited"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    logged_at = models.DateTimeField()

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["-started_at"]
        constraints = [models.UniqueConstraint(fields=["agency", "idempotency_key"], name="patrol_idempotency")]
        indexes = [models.Index(fields=["agency", "ended_at"]), models.Index(fields=["agency", "officer",
                                                                                    "started_at"])]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} patrol by {self.officer} on {self.started_at:%Y-%m-%d}"

    @property
    def hours(self) -> float:
        return (self.ended_at - self.started_at).total_seconds() / 3600


class PatrolTarget(AgencyOwned):
    """Weekly foot and bike patrol hours aimed for in a neighbourhood, from a given week on."""

    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.PROTECT, related_name="patrol_targets",
                                      verbose_name=_("neighbourhood"))
    weekly_hours = models.DecimalField(_("hours a week"), max_digits=6, decimal_places=1)
    effective_from = models.DateField(_("from the week of"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    set_at = models.DateTimeField()

    class Meta:
        verbose_name = _("patrol target")
        verbose_name_plural = _("patrol targets")
        ordering = ["neighbourhood", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["neighbourhood", "effective_from"],
                                               name="one_target_per_neighbourhood_week")]

    def __str__(self) -> str:
        return f"{self.neighbourhood}: {self.weekly_hours} h/week from {self.effective_from}"
