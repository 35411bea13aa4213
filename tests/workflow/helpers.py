from zhongshu.workflow.models import ItemState, RunEvent, WorkItem


def open_item(run, user):
    return WorkItem.objects.get(run=run, assignee=user, state=ItemState.OPEN, is_cc=False)


def open_assignees(run) -> set[str]:
    return set(
        WorkItem.objects.filter(run=run, state=ItemState.OPEN, is_cc=False).values_list(
            "assignee__username", flat=True
        )
    )


def verbs(run) -> list[tuple]:
    return list(
        RunEvent.objects.filter(run=run).order_by("at", "id").values_list("verb", "step_order")
    )
