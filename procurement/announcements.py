"""The text of public notices, in Chinese: the official language of the notice.

Every field 87号令 第13条 and 条例 第30条 require is stored as structured
data (for the portal, feeds and OCDS later) and rendered as the notice's text.
"""

from decimal import Decimal

from django.utils import timezone

from rules.registry import rule

from .models import Lot, Project
from .rules import deduction_rules

RESERVATION_ZH = {Lot.Reservation.NONE: "不专门面向中小企业",
                  Lot.Reservation.WHOLE: "专门面向中小企业采购",
                  Lot.Reservation.PARTIAL: "预留部分份额面向中小企业"}
METHOD_ZH = {Project.Method.OPEN: "公开招标", Project.Method.INVITED: "邀请招标",
             Project.Method.NEGOTIATION: "竞争性谈判", Project.Method.CONSULTATION: "竞争性磋商",
             Project.Method.QUOTATION: "询价", Project.Method.SINGLE_SOURCE: "单一来源"}


def _t(moment) -> str:
    return timezone.localtime(moment).strftime("%Y年%m月%d日 %H:%M") if moment else ""


def _org(org) -> dict:
    if org is None:
        return {}
    return {"name": org.name, "address": org.address, "contact": org.contact_name,
            "phone": org.contact_phone}


def sme_deductions(lot: Lot, category: str) -> dict | None:
    """The price deductions of a lot not wholly reserved, as chosen by the purchaser
    within 财库〔2022〕19号's ranges (the minimum if none was chosen): the documents state
    them (财库〔2020〕46号 第12条, verify)."""
    if lot.sme_reservation == Lot.Reservation.WHOLE:
        return None
    rate, consortium = deduction_rules(category)
    return {"small_micro": str(lot.sme_deduction if lot.sme_deduction is not None
                               else rate.amount),
            "consortium": str(lot.sme_consortium_deduction
                              if lot.sme_consortium_deduction is not None
                              else consortium.amount),
            "basis": f"{rate.basis}; {rule('sme.deduction_published').basis}"}


def _sme_deduction_line(lot: Lot, category: str) -> str | None:
    d = sme_deductions(lot, category)
    if d is None:
        return None
    small, joint = (f"{Decimal(d[k]).normalize():f}" for k in ("small_micro", "consortium"))
    return (f"    中小企业价格扣除：对小微企业报价给予{small}%的扣除；"
            f"联合体或分包中小微企业合同份额占30%以上的，给予联合体或大中型企业报价"
            f"{joint}%的扣除，用扣除后的价格参加评审"
            f"（{d['basis']}）。")


def tender_fields(project: Project) -> dict:
    demand = project.demand
    lots = list(project.lots.prefetch_related("items"))
    return {
        "project_code": project.code,
        "project_name": project.title,
        "method": project.method,
        "method_zh": METHOD_ZH[project.method],
        "purchaser": _org(project.purchaser),
        "agency": _org(project.agency),
        "budget": str(sum(lot.budget for lot in lots)),
        "lots": [{"number": lot.number, "title": lot.title, "budget": str(lot.budget),
                  "ceiling_price": str(lot.ceiling_price) if lot.ceiling_price else None,
                  "sme_reservation": lot.sme_reservation,
                  "reserved_share": str(lot.reserved_share) if lot.reserved_share else None}
                 for lot in lots],
        "items": [{"name": i.name, "catalog": i.catalog_item_id,
                   "quantity": f"{i.quantity.normalize():f}", "unit": i.unit,
                   "lot": lot.number} for lot in lots for i in lot.items.all()],
        "technical_requirements": demand.technical_requirements,
        "commercial_requirements": demand.commercial_requirements,
        "qualification_conditions": demand.qualification_conditions,
        "evaluation_method": demand.evaluation_method,
        "documents_from": project.documents_from.isoformat(),
        "documents_until": project.documents_until.isoformat(),
        "documents_fee": "0",
        "bid_deadline": project.bid_deadline.isoformat(),
        "opening_at": project.bid_deadline.isoformat(),
        "opening_place": project.opening_place,
        "contact_name": project.contact_name,
        "contact_phone": project.contact_phone,
        "bid_bond": "0",
        "basis": rule("fees.bid_bond_max").basis,
        "sme_deductions": {str(lot.number): sme_deductions(lot, demand.category)
                           for lot in lots},
    }


def render_tender(project: Project) -> tuple[str, str, dict]:
    f = tender_fields(project)
    lines = [
        f"项目编号：{f['project_code']}",
        f"项目名称：{f['project_name']}",
        f"采购方式：{f['method_zh']}",
        f"预算金额：{float(f['budget']):,.2f}元",
        "",
        "一、采购需求",
    ]
    for lot in project.lots.all():
        ceiling = f"，最高限价{lot.ceiling_price:,.2f}元" if lot.ceiling_price else ""
        share = f"（预留{lot.reserved_share}%）" if lot.sme_reservation == "partial" else ""
        lines.append(f"  第{lot.number}包 {lot.title}：预算{lot.budget:,.2f}元{ceiling}；"
                     f"{RESERVATION_ZH[lot.sme_reservation]}{share}。")
        if deduction := _sme_deduction_line(lot, project.demand.category):
            lines.append(deduction)
        for item in f["items"]:
            if item.get("lot") == lot.number:
                lines.append(f"    · {item['name']} {item['quantity']}{item['unit']}"
                             f"（品目 {item['catalog']}）")
    lines += [
        f"  技术要求：{f['technical_requirements']}",
    ]
    if f["commercial_requirements"]:
        lines.append(f"  商务要求：{f['commercial_requirements']}")
    lines += [
        "",
        "二、供应商资格要求",
        "  1. 满足《中华人民共和国政府采购法》第二十二条规定；",
        f"  2. 特定资格要求：{f['qualification_conditions'] or '无'}",
        "",
        "三、获取采购文件",
        f"  时间：{_t(project.documents_from)} 至 {_t(project.documents_until)}",
        "  方式：在春风政采平台注册后在线免费获取。不收取采购文件费。",
        "",
        "四、提交投标文件截止时间、开标时间和地点",
        f"  截止时间（开标时间）：{_t(project.bid_deadline)}",
        f"  地点：{f['opening_place']}（网上开标，投标人无需到场）",
        "",
        "五、费用",
        f"  本项目不收取投标保证金、履约保证金、采购文件费和平台服务费（{f['basis']}）。",
        "",
        "六、联系方式",
        f"  采购人：{f['purchaser']['name']}；地址：{f['purchaser']['address']}；"
        f"联系人：{f['purchaser']['contact']}；电话：{f['purchaser']['phone']}",
    ]
    if f["agency"]:
        lines.append(f"  采购代理机构：{f['agency']['name']}；地址：{f['agency']['address']}；"
                     f"联系人：{f['agency']['contact']}；电话：{f['agency']['phone']}")
    lines.append(f"  项目联系人：{f['contact_name']}；电话：{f['contact_phone']}")
    # 邀请招标: the tender invitation (投标邀请书) to the suppliers drawn (87号令 第14条).
    kind = "投标邀请书" if project.method == Project.Method.INVITED else f"{f['method_zh']}公告"
    title = f"{project.purchaser.name}{project.title}{kind}"
    return title, "\n".join(lines), f


def render_clarification(project: Project, text: str, new_deadline, rule_used):
    lines = [f"项目编号：{project.code}", f"项目名称：{project.title}", "", "更正（澄清）内容：",
             text.strip()]
    fields = {"project_code": project.code, "text": text.strip(),
              "new_deadline": new_deadline.isoformat() if new_deadline else None}
    if new_deadline:
        lines += ["", f"因澄清或者修改内容可能影响投标文件编制，且距投标截止时间不足"
                      f"{rule_used.amount}日，投标截止时间和开标时间顺延至{_t(new_deadline)}"
                      f"（{rule_used.basis}）。"]
        fields["basis"] = rule_used.basis
    return f"{project.title}更正公告", "\n".join(lines), fields


def render_qualification(project: Project, *, apply_until, draw_count: int,
                         published_at) -> tuple[str, str, dict]:
    """资格预审公告 of an invitational tender (87号令 第14条 第一项; its contents as 第15条
    lists them): the project, the qualification conditions, how and by when to apply,
    and how many suppliers will be drawn at random from those found qualified."""
    demand = project.demand
    lots = list(project.lots.prefetch_related("items"))
    period = rule("invitation.qualification_period")
    multiple = rule("invitation.pool_multiple")
    fields = {
        "project_code": project.code,
        "project_name": project.title,
        "method": project.method,
        "method_zh": METHOD_ZH[project.method],
        "purchaser": _org(project.purchaser),
        "agency": _org(project.agency),
        "budget": str(sum(lot.budget for lot in lots)),
        "lots": [{"number": lot.number, "title": lot.title, "budget": str(lot.budget)}
                 for lot in lots],
        "technical_requirements": demand.technical_requirements,
        "qualification_conditions": demand.qualification_conditions,
        "published_at": published_at.isoformat(),
        "apply_until": apply_until.isoformat(),
        "draw_count": draw_count,
        "pool_multiple": str(multiple.amount),
        "contact_name": project.contact_name,
        "contact_phone": project.contact_phone,
        "basis": f"法 第34条; {period.basis}",
    }
    lines = [
        f"项目编号：{project.code}",
        f"项目名称：{project.title}",
        f"采购方式：{METHOD_ZH[project.method]}",
        f"预算金额：{float(fields['budget']):,.2f}元",
        "",
        "一、采购需求",
    ]
    for lot in lots:
        lines.append(f"  第{lot.number}包 {lot.title}：预算{lot.budget:,.2f}元。")
    lines += [
        f"  技术要求：{demand.technical_requirements}",
        "",
        "二、供应商资格条件",
        "  1. 满足《中华人民共和国政府采购法》第二十二条规定；",
        f"  2. 特定资格要求：{demand.qualification_conditions or '无'}",
        "",
        "三、资格预审申请",
        f"  公告期限：自{_t(published_at)}起不少于{period.amount}个工作日（{period.basis}）。",
        f"  申请截止时间：{_t(apply_until)}（以平台服务器时间为准，逾期不予受理）。",
        "  申请方式：在春风政采平台注册后在线提交资格证明文件及承诺函，不收取任何费用。",
        "",
        "四、资格审查和随机抽取",
        "  申请截止后，采购人（采购代理机构）对申请人逐一进行资格审查，并告知不合格的申请人原因；"
        f"从资格审查合格的供应商中随机抽取{draw_count}家发出投标邀请"
        f"（法 第34条；87号令 第14条）。抽取的随机种子和结果在平台留存，可复核。",
        "",
        "五、联系方式",
        f"  采购人：{fields['purchaser']['name']}；地址：{fields['purchaser']['address']}；"
        f"联系人：{fields['purchaser']['contact']}；电话：{fields['purchaser']['phone']}",
    ]
    if fields["agency"]:
        lines.append(f"  采购代理机构：{fields['agency']['name']}；"
                     f"地址：{fields['agency']['address']}；"
                     f"联系人：{fields['agency']['contact']}；电话：{fields['agency']['phone']}")
    lines.append(f"  项目联系人：{project.contact_name}；电话：{project.contact_phone}")
    title = f"{project.purchaser.name}{project.title}资格预审公告"
    return title, "\n".join(lines), fields
