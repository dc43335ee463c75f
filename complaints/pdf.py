"""The 投诉处理决定书 (complaint decision) as a PDF in Chinese, rendered by WeasyPrint
with the Noto Sans CJK SC font (as ``procurement.pdf``)."""

from django.utils import timezone, translation

from procurement.pdf import render_pdf

PAUSE_ZH = {"testing": "检验、检测、鉴定", "expert_review": "专家评审"}
BASIS_REMEDY = "《中华人民共和国政府采购法》第五十八条"
BASIS_REPLY = "《政府采购质疑和投诉办法》第二十二条"


def decision_context(complaint, *, bureau, now) -> dict:
    from .services.complaints import OUTCOME_ZH, concerned_suppliers

    challenge = complaint.challenge
    project = challenge.project
    local = timezone.localtime(now)
    return {
        "complaint": complaint, "challenge": challenge, "project": project,
        "bureau": bureau, "complainant": complaint.complainant,
        "respondents": [o for o in (project.purchaser, project.agency) if o is not None],
        "concerned": concerned_suppliers(complaint),
        "matters": list(complaint.matters.order_by("number")),
        "outcome": OUTCOME_ZH[complaint.outcome],
        "filed": timezone.localtime(complaint.filed_at).strftime("%Y年%m月%d日"),
        "accepted": (timezone.localtime(complaint.accepted_at).strftime("%Y年%m月%d日")
                     if complaint.accepted_at else ""),
        "date": local.strftime("%Y年%m月%d日"),
        "replied": (timezone.localtime(complaint.replied_at).strftime("%Y年%m月%d日")
                    if complaint.replied_at else ""),
        "reply_basis": BASIS_REPLY,
        "remedy_basis": BASIS_REMEDY,
        "pauses": [(PAUSE_ZH.get(p.kind, p.kind), p) for p in
                   complaint.pauses.exclude(kind="correction").order_by("started_at")],
    }


def render_decision(complaint, *, bureau, now) -> bytes:
    with translation.override("zh-hans"):
        return render_pdf("complaints/complaints/pdf/decision.html",
                          decision_context(complaint, bureau=bureau, now=now))
