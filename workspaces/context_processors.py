from .navigation import MENUS, WORKSPACE_LABELS, workspaces_of


def navigation(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    spaces = workspaces_of(request)
    current = getattr(request, "workspace", None) or (spaces[0] if spaces else None)
    return {
        "nav_workspaces": [(s, WORKSPACE_LABELS[s]) for s in spaces],
        "nav_current_workspace": current,
        "nav_menu": MENUS.get(current, []),
    }
