"""The finance bureau's own publications: its normative documents (规范性文件, kind
``normative``) and its administrative approvals (行政审批结果, kind ``approval``).

The approvals are procurement's ``MethodApproval`` rows, published once decided (approved
or refused): another method than open tendering above the threshold (条例 第23条) or a
change of method after a failed tender (87号令 第43条) — the bureau's decision is not
typed a second time. Titles and texts are written in Chinese, the official language of
the notices, whatever the language of the request that decided them."""

from django.urls import reverse

from procurement.models import MethodApproval, Project

from . import sources
from .models import NormativeDocument
from .models import PublicationKind as K
from .source_procurement import project_fields


def normative(document: NormativeDocument) -> dict | None:
    if not document.is_public:
        return None
    repealed = document.status == NormativeDocument.Status.REPEALED
    title = f"{document.title}（{document.number}）" + ("（已废止）" if repealed else "")
    lines = [f"文号：{document.number}", f"发文机关：{document.issuer}",
             f"成文日期：{document.issued_on:%Y-%m-%d}",
             f"施行日期：{document.effective_on:%Y-%m-%d}"]
    if repealed:
        lines.append(f"已于{document.repealed_at:%Y-%m-%d}废止：{document.repeal_reason}")
    return {"kind": K.NORMATIVE, "title": title, "body": "\n".join([*lines, "", document.body]),
            "parties": document.issuer, "region_code": document.bureau.region_code,
            "published_at": document.published_at,
            "url": reverse("disclosure:normative-detail", args=[document.pk])}


VERDICT = {MethodApproval.Status.APPROVED: "批准", MethodApproval.Status.REFUSED: "不予批准"}
# The notice's words, whatever language the server runs in (法 第26条 names the methods).
METHOD_ZH = {Project.Method.OPEN: "公开招标", Project.Method.INVITED: "邀请招标",
             Project.Method.NEGOTIATION: "竞争性谈判", Project.Method.CONSULTATION: "竞争性磋商",
             Project.Method.QUOTATION: "询价", Project.Method.SINGLE_SOURCE: "单一来源"}
KIND_ZH = {MethodApproval.Kind.METHOD: "达到公开招标数额标准的项目采用其他采购方式",
           MethodApproval.Kind.CHANGE: "招标失败后变更采购方式"}


def approval(record: MethodApproval) -> dict | None:
    if record.status == MethodApproval.Status.PENDING or record.decided_at is None:
        return None
    project = record.project
    method = METHOD_ZH.get(record.method, record.method)
    kind = KIND_ZH.get(record.kind, record.kind)
    verdict = VERDICT[record.status]
    title = f"关于“{project.title}”采用{method}的审批结果（{verdict}）"
    lines = [f"项目编号：{project.code}", f"采购人：{project.purchaser.name}",
             f"审批事项：{kind}", f"采购方式：{method}", f"依据：{record.basis}",
             f"审批结果：{verdict}", f"审批日期：{record.decided_at:%Y-%m-%d}"]
    if record.decision_reason:
        lines.append(f"理由：{record.decision_reason}")
    lines += ["", f"采购人申请理由：{record.reasons}"]
    return {**project_fields(project), "kind": K.APPROVAL, "title": title,
            "body": "\n".join(lines), "published_at": record.decided_at,
            "parties": project.purchaser.name,
            "url": reverse("disclosure:approval-detail", args=[record.pk])}


def register() -> None:
    sources.register(NormativeDocument, normative, queryset=lambda: (
        NormativeDocument.objects.select_related("bureau").order_by("pk")))
    sources.register(MethodApproval, approval, queryset=lambda: (
        MethodApproval.objects.select_related("project__purchaser", "project__agency",
                                              "project__demand")
        .prefetch_related("project__demand__items__catalog_item", "project__lots")
        .order_by("pk")))
