"""``{% attachments_panel owner_type owner %}``: the attachments panel on a module's page.

    {% load attachments %}
    {% attachments_panel "documents.incoming" document %}

The panel shows nothing to a user the owning module does not let see the owner, so a page may
include it unconditionally. Plain forms come back to the page it sits on.
"""

from django import template

from zhongshu.core import files
from zhongshu.core.views_attachments import panel_context

register = template.Library()


@register.inclusion_tag("core/_attachments.html", takes_context=True)
def attachments_panel(context, owner_type, owner):
    request = context["request"]
    kind = files.owner_kind(owner_type)
    if (
        owner is None
        or kind is None
        or not getattr(request.user, "is_authenticated", False)
        or not kind.can_view(request.user, str(owner.pk))
    ):
        return {"hidden": True}
    return panel_context(request.user, owner_type, owner, next_url=request.get_full_path())
