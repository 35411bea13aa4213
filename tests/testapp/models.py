from django.conf import settings
from django.db import models


class Request(models.Model):
    """A tiny request that walks approval routes in the workflow tests."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    classification = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=20, blank=True)
    version = models.PositiveIntegerField(default=1)

    def __str__(self):
        return self.title
