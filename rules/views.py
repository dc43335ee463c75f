from itertools import groupby

from django.shortcuts import render

from .registry import PROFILE_LABELS, Category, profile_name, rules_in_force


def rule_list(request):
    """The rules in force, with their legal bases: public, like the law itself."""
    profile = request.GET.get("profile") or profile_name()
    if profile not in PROFILE_LABELS:
        profile = profile_name()
    rules = sorted(rules_in_force(profile).values(),
                   key=lambda r: (list(Category.values).index(r.category), r.code))
    groups = [(Category(cat).label, list(items))
              for cat, items in groupby(rules, key=lambda r: r.category)]
    return render(request, "rules/rule_list.html", {
        "groups": groups, "profile": profile, "profile_in_force": profile_name(),
        "profiles": PROFILE_LABELS.items()})
