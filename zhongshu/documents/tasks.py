"""Queue tasks of the documents module (CONVENTIONS.md "Background work")."""

from huey.contrib.djhuey import db_task


@db_task()
def tell_readers(document_id: int, reader_ids: list[int], actor_id: int) -> int:
    """Tell the readers of a 分送 (services_incoming.tell_readers), after its commit."""
    from . import services_incoming

    return services_incoming.tell_readers(document_id, reader_ids, actor_id)
