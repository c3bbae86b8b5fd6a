from crm import roles as role_registry


def roles(request) -> dict:
    """Expose the signed-in user's roles to templates (for menus)."""
    user = getattr(request, "user", None)
    names = role_registry.roles_of(user) if user is not None else frozenset()
    labels = [role_registry.ROLE_LABELS[n] for n in role_registry.ALL_ROLES if n in names]
    return {"user_roles": names, "role_labels": labels, "open_reminders": _open_reminders(user)}


def _open_reminders(user) -> int:
    """The inbox count in the header: one indexed count per page."""
    if not getattr(user, "is_authenticated", False):
        return 0
    from crm.models import Reminder

    return Reminder.objects.filter(recipient=user, status=Reminder.Status.OPEN).count()
