from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "zhongshu.documents"
    label = "documents"
    verbose_name = _("Official documents")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from zhongshu.core import demo as core_demo

        from . import demo, demo_copies, demo_incoming, demo_memos, navigation, registration

        registration.register()
        navigation.register()
        core_demo.register("documents", demo.seed, order=40)
        core_demo.register("documents_incoming", demo_incoming.seed, order=41)
        core_demo.register("documents_copies", demo_copies.seed, order=42)
        core_demo.register("documents_memos", demo_memos.seed, order=43)
