"""The contracts app's public notices: the acceptance results of public-service projects
(公共服务项目验收结果, 财库〔2016〕205号 — verify; 春风行动).

The contract itself is published by ``contracts.services.signing.contract_publish`` as an
``Announcement`` of kind CONTRACT (its body and fields without the trade secrets), which
``source_procurement`` indexes already; its PDF without the secrets is served at
``contracts:public-pdf``. What the contracts app records and nobody published yet is the
acceptance: a round recorded with ``public_service`` (the purchaser ticks it when it
records the acceptance: the project is a service to the public, whose users were invited)
is published with its result, passed or failed. A round of a contract that is not a
public service, or not recorded yet, is not published.
"""

from django.urls import reverse
from django.utils import timezone, translation

from contracts.models import Acceptance

from . import sources
from .models import PublicationKind as K
from .source_procurement import project_fields


def acceptance(record: Acceptance) -> dict | None:
    if not record.public_service or record.result == Acceptance.Result.PENDING \
            or record.accepted_on is None:
        return None
    contract = record.contract
    project = contract.award.lot.project
    with translation.override("zh-hans"):
        result = str(record.get_result_display())
        body = "\n".join(line for line in (
            f"项目编号：{project.code}", f"项目名称：{project.title}",
            f"合同编号：{contract.number}", f"合同名称：{contract.title}",
            f"采购人：{contract.purchaser.name}", f"供应商：{contract.supplier.name}",
            f"合同金额：{contract.amount:,.2f}元",
            f"验收日期：{timezone.localtime(record.accepted_on):%Y年%m月%d日}",
            f"验收结论：{'验收合格' if record.result == Acceptance.Result.PASSED else '验收不合格'}"
            f"（{result}）",
            "服务对象参与验收：" + ("是" if record.service_users_invited else "否"),
            "", "验收内容：", record.items_checked,
            *(["", "验收意见：", record.report] if record.report else []),
        ) if line is not None)
    return {**project_fields(project), "kind": K.ACCEPTANCE,
            "title": f"{contract.title}验收结果公告", "body": body,
            "published_at": record.accepted_on, "amount": contract.amount,
            "purchaser": contract.purchaser, "parties": contract.supplier.name,
            "publisher": contract.purchaser.name,
            "url": reverse("disclosure:acceptance-detail", args=[record.pk])}


def register() -> None:
    sources.register(Acceptance, acceptance, queryset=lambda: (
        Acceptance.objects.select_related(
            "contract__purchaser", "contract__supplier",
            "contract__award__lot__project__purchaser",
            "contract__award__lot__project__agency",
            "contract__award__lot__project__demand")
        .prefetch_related("contract__award__lot__project__demand__items__catalog_item")
        .order_by("pk")))
