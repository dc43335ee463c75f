"""The text of public notices, in Chinese: the official language of the notice.

Every field the statute requires of a notice is stored as structured data in
``Announcement.fields`` (for the portal, feeds and OCDS later) and the notice's text is
rendered from those fields alone, so that the two cannot say different things.

``REQUIRED_FIELDS`` is the statute's list for each kind of notice, written once, with
its basis; ``missing_fields`` checks a notice against it (the tests build every kind
through the services and check each one). A new kind of notice adds its entry there.

Periods (the tender announcement's 5 working days, the result announcement's 1, the
7 working days to lodge a 质疑) are computed on the working-day calendar. Computed in a
year whose calendar is not loaded they are marked provisional (暂定) on the notice, and
``services.notices.notices_recompute_provisional`` recomputes them once it is.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from deadlines.clock import compute_due, end_of, local_date
from rules.registry import Unit, rule

from .models import Announcement, Lot, Project
from .rules import deduction_rules

K = Announcement.Kind

RESERVATION_ZH = {Lot.Reservation.NONE: "不专门面向中小企业",
                  Lot.Reservation.WHOLE: "专门面向中小企业采购",
                  Lot.Reservation.PARTIAL: "预留部分份额面向中小企业"}
METHOD_ZH = {Project.Method.OPEN: "公开招标", Project.Method.INVITED: "邀请招标",
             Project.Method.NEGOTIATION: "竞争性谈判", Project.Method.CONSULTATION: "竞争性磋商",
             Project.Method.QUOTATION: "询价", Project.Method.SINGLE_SOURCE: "单一来源"}
SCALE_ZH = {"small": "小型企业", "micro": "微型企业", "medium": "中型企业", "large": "大型企业"}
UNIT_ZH = {Unit.WORKDAYS: "个工作日", Unit.DAYS: "日", Unit.HOURS: "小时"}
PROVISIONAL_ZH = "（暂定：该年度工作日历尚未载入，按周一至周五推算，载入后重新计算）"
GENERAL_QUALIFICATION = "满足《中华人民共和国政府采购法》第二十二条规定"


# --- the statute's lists --------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    """One field a notice must carry: its key in ``Announcement.fields`` and its label.

    ``parts``: for a dict (or each dict of a list), the keys that must be non-empty.
    ``when_present``: required only when the notice has it at all (the agency, when the
    purchaser entrusted one)."""

    key: str
    label: str
    parts: tuple[str, ...] = ()
    when_present: bool = False


@dataclass(frozen=True)
class Required:
    basis: str
    fields: tuple[Field, ...]
    verify: bool = False  # the article is taken from a secondary source (RULES.md)


ORG = ("name", "address", "contact", "phone")
PERIOD = ("start", "end", "text", "basis")
_PARTIES = (Field("purchaser", "采购人", ORG), Field("agency", "采购代理机构", ORG, True))
_PROJECT = (Field("project_code", "项目编号"), Field("project_name", "项目名称"))

REQUIRED_FIELDS: dict[str, Required] = {
    K.TENDER: Required("87号令 第13条; 条例 第30条", (
        *_PROJECT, *_PARTIES,
        Field("method_zh", "采购方式"),
        Field("budget", "预算金额"),
        Field("lots", "采购包（预算、最高限价、中小企业政策）", ("number", "title", "budget")),
        Field("items", "采购标的", ("name", "quantity", "unit")),
        Field("technical_requirements", "技术要求"),
        Field("qualifications", "供应商资格要求"),
        Field("documents_from", "获取采购文件开始时间"),
        Field("documents_until", "获取采购文件截止时间"),
        Field("documents_how", "获取采购文件方式"),
        Field("documents_fee", "采购文件售价"),
        Field("announcement_period", "公告期限", PERIOD),
        Field("bid_deadline", "投标截止时间"),
        Field("opening_at", "开标时间"),
        Field("opening_place", "开标地点"),
        Field("contact_name", "项目联系人"),
        Field("contact_phone", "项目联系电话"),
    )),
    K.CLARIFICATION: Required("87号令 第27条", (
        *_PROJECT, *_PARTIES,
        Field("original_published_at", "原公告发布时间"),
        Field("text", "更正（澄清）内容"),
        Field("published_at", "更正日期"),
    ), verify=True),
    K.RESULT: Required("87号令 第69条; 条例 第43条", (
        *_PROJECT, *_PARTIES,
        Field("lot_title", "采购包"),
        Field("winner", "中标（成交）供应商名称"),
        Field("address", "中标（成交）供应商地址"),
        Field("amount", "中标（成交）金额"),
        Field("items", "主要标的（名称、规格型号、数量、单价）",
              ("name", "specification", "quantity", "unit", "unit_price")),
        Field("experts", "评审专家名单"),
        Field("sme_declaration_text", "中小企业声明函"),
        Field("result_period", "公告期限", PERIOD),
        Field("challenge", "质疑的提出方式和截止时间", ("where", "end", "basis")),
    )),
    K.FAILURE: Required("法 第36条、第37条; 87号令 第43条、第44条", (
        *_PROJECT, *_PARTIES,
        Field("lot_title", "采购包"),
        Field("reason", "废标理由"),
        Field("basis", "依据"),
    ), verify=True),
    # 中标（成交）结果变更公告: the award revoked after an upheld challenge, and what
    # follows — the next qualified candidate, or the procurement again (94号令 第16条,
    # verify; the contents follow the result and failure notices).
    K.RESULT_CHANGE: Required("94号令 第16条", (
        *_PROJECT, *_PARTIES,
        Field("lot_title", "采购包"),
        Field("original_published_at", "原中标（成交）结果公告发布时间"),
        Field("revoked_winner", "原中标（成交）供应商"),
        Field("reason", "变更原因"),
        Field("basis", "依据"),
        Field("next_step", "后续安排"),
        Field("published_at", "变更日期"),
    ), verify=True),
    K.CANCELLATION: Required("87号令 第29条", (
        *_PROJECT, *_PARTIES,
        Field("original_published_at", "原公告发布时间"),
        Field("reason", "终止原因"),
    ), verify=True),
    # 单一来源采购公示: the contents the finance ministry lists for the publicity
    # (条例 第38条; verify the list's source).
    K.SINGLE_SOURCE: Required("条例 第38条", (
        *_PROJECT, *_PARTIES,
        Field("budget", "预算金额"),
        Field("supplier", "拟定的唯一供应商名称、地址", ("name", "address")),
        Field("case", "采用单一来源方式的原因"),
        Field("reasons", "原因的相关说明"),
        Field("experts", "专业人员姓名、工作单位和职称"),
        Field("experts_opinion", "专业人员论证意见"),
        Field("publicity_from", "公示开始时间"),
        Field("publicity_until", "公示截止时间"),
        Field("finance_bureau", "财政部门（名称、地址、联系人、电话）", ORG),
    ), verify=True),
    # 资格预审公告 of an invitational tender (87号令 第14条; its contents 第15条, verify).
    K.QUALIFICATION: Required("法 第34条; 87号令 第14条", (
        *_PROJECT, *_PARTIES,
        Field("budget", "预算金额"),
        Field("qualifications", "供应商资格条件"),
        Field("apply_until", "提交资格证明文件截止时间"),
        Field("draw_count", "拟随机抽取的供应商数量"),
        Field("contact_name", "项目联系人"),
        Field("contact_phone", "项目联系电话"),
    ), verify=True),
    K.CONTRACT: Required("条例 第50条", (
        Field("contract_number", "合同编号"),
        Field("purchaser", "采购人"),
        Field("supplier", "供应商"),
        Field("supplier_address", "供应商地址"),
        Field("amount", "合同金额"),
        Field("items", "主要标的", ("name", "quantity", "unit")),
        Field("delivery_deadline", "履约期限"),
        Field("delivery_place", "履约地点"),
        Field("signed_at", "合同签订日期"),
    ), verify=True),
}


def _empty(value) -> bool:
    return value is None or (isinstance(value, str | list | dict | tuple) and not value)


def missing_fields(kind: str, fields: dict) -> list[str]:
    """The required fields (``key`` or ``key.part``) this notice lacks or leaves empty."""
    spec = REQUIRED_FIELDS.get(kind)
    if spec is None:
        return []
    missing = []
    for f in spec.fields:
        value = fields.get(f.key)
        if f.when_present and _empty(value):
            continue
        if _empty(value):
            missing.append(f.key)
            continue
        for row in (value if isinstance(value, list) else [value]):
            if f.parts and not isinstance(row, dict):
                missing.append(f.key)
                break
            missing += [f"{f.key}.{p}" for p in f.parts if _empty(row.get(p))]
    return list(dict.fromkeys(missing))


# --- formatting ---------------------------------------------------------------------------

def _t(moment) -> str:
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    return timezone.localtime(moment).strftime("%Y年%m月%d日 %H:%M") if moment else ""


def _d(day) -> str:
    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10])
    return day.strftime("%Y年%m月%d日")


def _yuan(value) -> str:
    return f"{Decimal(value):,.2f}元"


def party(org) -> dict:
    """A party of a notice (purchaser, agency): name, address, contact, phone."""
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


def _sme_deduction_line(d: dict | None) -> str | None:
    if d is None:
        return None
    small, joint = (f"{Decimal(d[k]).normalize():f}" for k in ("small_micro", "consortium"))
    return (f"    中小企业价格扣除：对小微企业报价给予{small}%的扣除；"
            f"联合体或分包中小微企业合同份额占30%以上的，给予联合体或大中型企业报价"
            f"{joint}%的扣除，用扣除后的价格参加评审"
            f"（{d['basis']}）。")


def _org_line(label: str, org: dict) -> str:
    return (f"  {label}：{org['name']}；地址：{org['address']}；联系人：{org['contact']}；"
            f"电话：{org['phone']}")


def _party_lines(f: dict) -> list[str]:
    lines = [_org_line("采购人", f["purchaser"])]
    if f.get("agency"):
        lines.append(_org_line("采购代理机构", f["agency"]))
    return lines


# --- periods -----------------------------------------------------------------------------

def period(code: str, start: dt.datetime) -> dict:
    """A notice's period under rule ``code`` from ``start``: its end date on the
    working-day calendar, provisional when a year it crosses is not loaded."""
    r = rule(code)
    return _compute_period({"rule": code, "amount": int(r.amount), "unit": r.unit,
                            "basis": r.basis, "start": start.isoformat()})


def _compute_period(p: dict) -> dict:
    """(Re)compute a stored period from its start and the length it had when published:
    a later change of profile does not move a published notice's period."""
    due = compute_due(start=dt.datetime.fromisoformat(p["start"]), amount=p["amount"],
                      unit=p["unit"])
    return {**p, "end": local_date(due.at).isoformat(), "provisional": due.provisional,
            "text": f"{p['amount']}{UNIT_ZH[p['unit']]}"}


def recompute_periods(kind: str, fields: dict) -> dict:
    """The notice's periods computed again on the calendar as it is now (the challenge
    period runs from the end of the result announcement period, so it follows it)."""
    fields = dict(fields)
    for key in ("announcement_period", "result_period"):
        if fields.get(key):
            fields[key] = _compute_period(fields[key])
    if fields.get("challenge") and fields.get("result_period"):
        start = end_of(dt.date.fromisoformat(fields["result_period"]["end"]))
        fields["challenge"] = _compute_period({**fields["challenge"],
                                               "start": start.isoformat()})
    fields["provisional"] = is_provisional(fields)
    return fields


def is_provisional(fields: dict) -> bool:
    return any((fields.get(key) or {}).get("provisional")
               for key in ("announcement_period", "result_period", "challenge"))


def _period_line(p: dict, *, from_label: str = "自") -> str:
    note = PROVISIONAL_ZH if p.get("provisional") else ""
    return (f"{from_label}{_d(p['start'][:10])}起{p['text']}，至{_d(p['end'])}止{note}"
            f"（{p['basis']}）")


# --- tender announcement (87号令 第13条) ------------------------------------------------

def tender_fields(project: Project) -> dict:
    demand = project.demand
    lots = list(project.lots.prefetch_related("items"))
    published = timezone.localtime(project.announced_at or timezone.now())
    fields = {
        "project_code": project.code,
        "project_name": project.title,
        "method": project.method,
        "method_zh": METHOD_ZH[project.method],
        "purchaser": party(project.purchaser),
        "agency": party(project.agency),
        "budget": str(sum(lot.budget for lot in lots)),
        "lots": [{"number": lot.number, "title": lot.title, "budget": str(lot.budget),
                  "ceiling_price": str(lot.ceiling_price) if lot.ceiling_price else None,
                  "sme_reservation": lot.sme_reservation,
                  "sme_reservation_zh": RESERVATION_ZH[lot.sme_reservation],
                  "reserved_share": str(lot.reserved_share) if lot.reserved_share else None}
                 for lot in lots],
        "items": [{"name": i.name, "catalog": i.catalog_item_id,
                   "quantity": f"{i.quantity.normalize():f}", "unit": i.unit,
                   "specification": i.specification, "lot": lot.number}
                  for lot in lots for i in lot.items.all()],
        "technical_requirements": demand.technical_requirements,
        "commercial_requirements": demand.commercial_requirements,
        "qualification_conditions": demand.qualification_conditions,
        "qualifications": [GENERAL_QUALIFICATION,
                           f"特定资格要求：{demand.qualification_conditions or '无'}"],
        "evaluation_method": demand.evaluation_method,
        "documents_from": project.documents_from.isoformat(),
        "documents_until": project.documents_until.isoformat(),
        "documents_how": "在春风政采平台注册后在线免费获取",
        "documents_fee": "0",
        "announcement_period": period("tender.announcement_period", published),
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
    fields["provisional"] = is_provisional(fields)
    return fields


def tender_body(f: dict) -> str:
    lines = [
        f"项目编号：{f['project_code']}",
        f"项目名称：{f['project_name']}",
        f"采购方式：{f['method_zh']}",
        f"预算金额：{_yuan(f['budget'])}",
        "",
        "一、采购需求",
    ]
    for lot in f["lots"]:
        ceiling = f"，最高限价{_yuan(lot['ceiling_price'])}" if lot.get("ceiling_price") else ""
        share = (f"（预留{lot['reserved_share']}%）"
                 if lot["sme_reservation"] == Lot.Reservation.PARTIAL else "")
        lines.append(f"  第{lot['number']}包 {lot['title']}：预算{_yuan(lot['budget'])}{ceiling}；"
                     f"{RESERVATION_ZH[lot['sme_reservation']]}{share}。")
        if deduction := _sme_deduction_line(
                (f.get("sme_deductions") or {}).get(str(lot["number"]))):
            lines.append(deduction)
        for item in f["items"]:
            if item.get("lot") == lot["number"]:
                lines.append(f"    · {item['name']} {item['quantity']}{item['unit']}"
                             f"（品目 {item['catalog']}）")
    lines.append(f"  技术要求：{f['technical_requirements']}")
    if f["commercial_requirements"]:
        lines.append(f"  商务要求：{f['commercial_requirements']}")
    lines += [
        "",
        "二、供应商资格要求",
        *[f"  {n}. {q}{'；' if n < len(f['qualifications']) else '。'}"
          for n, q in enumerate(f["qualifications"], start=1)],
        "",
        "三、获取采购文件",
        f"  时间：{_t(f['documents_from'])} 至 {_t(f['documents_until'])}",
        f"  方式：{f['documents_how']}。不收取采购文件费。",
        "",
        "四、公告期限",
        f"  {_period_line(f['announcement_period'], from_label='自本公告发布之日')}",
        "",
        "五、提交投标文件截止时间、开标时间和地点",
        f"  截止时间（开标时间）：{_t(f['bid_deadline'])}",
        f"  地点：{f['opening_place']}（网上开标，投标人无需到场）",
        "",
        "六、费用",
        f"  本项目不收取投标保证金、履约保证金、采购文件费和平台服务费（{f['basis']}）。",
        "",
        "七、联系方式",
        *_party_lines(f),
        f"  项目联系人：{f['contact_name']}；电话：{f['contact_phone']}",
    ]
    return "\n".join(lines)


def render_tender(project: Project) -> tuple[str, str, dict]:
    f = tender_fields(project)
    # 邀请招标: the tender invitation (投标邀请书) to the suppliers drawn (87号令 第14条).
    kind = "投标邀请书" if project.method == Project.Method.INVITED else f"{f['method_zh']}公告"
    title = f"{project.purchaser.name}{project.title}{kind}"
    return title, tender_body(f), f


# --- clarification (更正公告) ------------------------------------------------------------

def _original_published(project: Project) -> str:
    first = project.announcements.filter(kind=K.TENDER).order_by("published_at").first()
    moment = first.published_at if first else project.announced_at
    return timezone.localtime(moment).isoformat() if moment else ""


def clarification_body(f: dict) -> str:
    lines = [f"项目编号：{f['project_code']}", f"项目名称：{f['project_name']}",
             f"原公告发布时间：{_t(f['original_published_at'])}",
             f"更正日期：{_d(f['published_at'])}", "", "更正（澄清）内容：", f["text"]]
    if f.get("new_deadline"):
        lines += ["", f"因澄清或者修改内容可能影响投标文件编制，且距投标截止时间不足"
                      f"{f['notice_days']}日，投标截止时间和开标时间顺延至"
                      f"{_t(f['new_deadline'])}（{f['basis']}）。"]
    lines += ["", "联系方式：", *_party_lines(f)]
    return "\n".join(lines)


def render_clarification(project: Project, text: str, new_deadline, rule_used, now=None):
    now = now or timezone.now()
    fields = {"project_code": project.code, "project_name": project.title,
              "purchaser": party(project.purchaser), "agency": party(project.agency),
              "original_published_at": _original_published(project),
              "published_at": timezone.localtime(now).isoformat(), "text": text.strip(),
              "new_deadline": new_deadline.isoformat() if new_deadline else None}
    if new_deadline:
        fields["basis"] = rule_used.basis
        fields["notice_days"] = rule_used.amount
    return f"{project.title}更正公告", clarification_body(fields), fields


# --- result announcement (87号令 第69条; 条例 第43条) ----------------------------------

def _unit_prices(lot: Lot, payload: dict, amount) -> dict[int, tuple[str, bool]]:
    """Each item's unit price: the bid's itemised price when it sealed one; for a lot of
    a single item, the amount over the quantity (marked as derived); else none."""
    lines = {line.get("item"): line.get("unit_price") for line in payload.get("lines") or []}
    items = list(lot.items.all())
    prices = {}
    for item in items:
        if lines.get(item.name):
            prices[item.pk] = (lines[item.name], False)
        elif len(items) == 1 and amount is not None:
            prices[item.pk] = (str((Decimal(amount) / item.quantity).quantize(
                Decimal("0.01"))), True)
        else:
            prices[item.pk] = ("", False)
    return prices


def sme_declaration_text(winner_name: str, declaration: dict) -> str:
    scale = SCALE_ZH.get((declaration or {}).get("scale") or "")
    if not scale or declaration.get("scale") == "large":
        return f"{winner_name}未声明为中小企业"
    own = "，所投货物均由中小企业制造" if declaration.get("all_items_by_smes") else ""
    makers = "、".join(f"{i['name']}由{i['maker']}（{SCALE_ZH.get(i['maker_scale'], '')}）制造"
                      for i in declaration.get("items") or [])
    makers = f"；{makers}" if makers else ""
    return f"{winner_name}声明其为{scale}{own}{makers}（中小企业声明函随本公告公开）"


def result_fields(*, lot: Lot, bid, amount, now: dt.datetime) -> dict:
    project = lot.project
    winner = bid.supplier
    payload = bid.opened_payload or {}
    prices = _unit_prices(lot, payload, amount)
    items = []
    for item in lot.items.all():
        brand = payload.get("brand", "") if item.is_core or lot.items.count() == 1 else ""
        model = payload.get("model", "") if brand else ""
        declared = " ".join(x for x in (brand, model) if x)
        price, derived = prices[item.pk]
        items.append({"name": item.name, "brand": brand, "model": model,
                      "specification": declared or item.specification,
                      "quantity": f"{item.quantity.normalize():f}", "unit": item.unit,
                      "unit_price": price, "unit_price_derived": derived})
    members = (list(lot.committee.members.select_related("expert").order_by("role", "pk"))
               if hasattr(lot, "committee") else [])
    declaration = payload.get("sme_declaration") or {}
    now = timezone.localtime(now)
    result_period = period("award.result_period", now)
    where = "以书面形式向采购人或采购代理机构提出（地址、联系人、电话见本公告）"
    challenge = _compute_period({
        "rule": "challenge.file", "amount": int(rule("challenge.file").amount),
        "unit": rule("challenge.file").unit, "basis": rule("challenge.file").basis,
        "start": end_of(dt.date.fromisoformat(result_period["end"])).isoformat(),
        "where": where})
    fields = {
        "project_code": project.code, "project_name": project.title,
        "method_zh": METHOD_ZH[project.method],
        "purchaser": party(project.purchaser), "agency": party(project.agency),
        "lot": lot.number, "lot_title": f"第{lot.number}包 {lot.title}",
        "winner": winner.name, "address": winner.address, "amount": str(amount),
        "brand": payload.get("brand", ""), "model": payload.get("model", ""),
        "items": items,
        "experts": [m.expert.display_name for m in members],
        "sme_declaration": declaration,
        "sme_declaration_text": sme_declaration_text(winner.name, declaration),
        "result_period": result_period,
        "challenge": challenge,
        "contact_name": project.contact_name, "contact_phone": project.contact_phone,
        "published_at": now.isoformat(),
    }
    fields["provisional"] = is_provisional(fields)
    return fields


def _lot_line(lot: dict) -> str:
    """A lot as the notice's particulars list it: its budget, ceiling and SME policy."""
    line = f"第{lot['number']}包 {lot['title']}：预算{_yuan(lot['budget'])}"
    if lot.get("ceiling_price"):
        line += f"，最高限价{_yuan(lot['ceiling_price'])}"
    if lot.get("sme_reservation_zh"):
        share = f"（预留{lot['reserved_share']}%）" if lot.get("reserved_share") else ""
        line += f"；{lot['sme_reservation_zh']}{share}"
    return line


def _demand_item_line(i: dict) -> str:
    """An item of the demand as a tender's particulars list it."""
    line = f"{i['name']} {i['quantity']}{i['unit']}"
    if i.get("catalog"):
        line += f"（品目 {i['catalog']}）"
    if i.get("specification"):
        line += f"；{i['specification']}"
    return line


def _item_line(i: dict) -> str:
    if i["unit_price"]:
        price = f"单价{_yuan(i['unit_price'])}" + ("（按中标金额÷数量计）"
                                                  if i.get("unit_price_derived") else "")
    else:
        price = "单价：未分项报价"
    return (f"  · {i['name']}；规格型号：{i['specification']}；"
            f"数量：{i['quantity']}{i['unit']}；{price}")


def result_body(f: dict) -> str:
    c = f["challenge"]
    note = PROVISIONAL_ZH if c.get("provisional") else ""
    return "\n".join([
        f"项目编号：{f['project_code']}", f"项目名称：{f['project_name']}",
        f"采购包：{f['lot_title']}", "",
        "一、中标（成交）信息",
        f"  供应商名称：{f['winner']}", f"  供应商地址：{f['address']}",
        f"  中标（成交）金额：{_yuan(f['amount'])}", "",
        "二、主要标的信息", *[_item_line(i) for i in f["items"]], "",
        "三、评审专家名单", f"  {'、'.join(f['experts'])}", "",
        "四、中小企业声明", f"  {f['sme_declaration_text']}", "",
        "五、公告期限", f"  {_period_line(f['result_period'], from_label='自本公告发布之日')}",
        "",
        "六、质疑",
        f"  供应商认为中标（成交）结果使自己的权益受到损害的，可以在公告期限届满之日起"
        f"{c['text']}内，即{_d(c['end'])}前{note}，{c['where']}（{c['basis']}）。", "",
        "七、联系方式", *_party_lines(f),
        f"  项目联系人：{f['contact_name']}；电话：{f['contact_phone']}",
    ])


def render_result(*, lot: Lot, bid, amount, now: dt.datetime) -> tuple[str, str, dict]:
    f = result_fields(lot=lot, bid=bid, amount=amount, now=now)
    title = f"{lot.project.title}第{lot.number}包中标（成交）结果公告"
    return title, result_body(f), f


# --- failure (废标) and cancellation (终止) ---------------------------------------------

def failure_body(f: dict) -> str:
    return "\n".join([f"项目编号：{f['project_code']}", f"项目名称：{f['project_name']}",
                      f"采购包：{f['lot_title']}", f"废标理由：{f['reason']}",
                      f"依据：{f['basis']}", "", "联系方式：", *_party_lines(f)])


def render_failure(*, lot: Lot, reason: str, basis: str, detail: dict):
    project = lot.project
    fields = {"project_code": project.code, "project_name": project.title,
              "purchaser": party(project.purchaser), "agency": party(project.agency),
              "lot": lot.number, "lot_title": f"第{lot.number}包 {lot.title}",
              "reason": reason, "basis": basis, **detail}
    return f"{project.title}第{lot.number}包废标公告", failure_body(fields), fields


def cancellation_body(f: dict) -> str:
    return "\n".join([f"项目编号：{f['project_code']}", f"项目名称：{f['project_name']}",
                      f"原公告发布时间：{_t(f['original_published_at'])}",
                      f"终止原因：{f['reason']}", "", "联系方式：", *_party_lines(f)])


def render_cancellation(*, project: Project, reason: str):
    fields = {"project_code": project.code, "project_name": project.title,
              "purchaser": party(project.purchaser), "agency": party(project.agency),
              "original_published_at": _original_published(project), "reason": reason}
    return f"{project.title}终止公告", cancellation_body(fields), fields


# --- result change (中标结果变更) -------------------------------------------------------

NEXT_STEP_ZH = {
    "next": "从合格的中标（成交）候选人中依法另行确定中标（成交）供应商，结果另行公告。",
    "retender": "本包重新开展采购活动。",
}


def result_change_body(f: dict) -> str:
    return "\n".join([f"项目编号：{f['project_code']}", f"项目名称：{f['project_name']}",
                      f"采购包：{f['lot_title']}",
                      f"原中标（成交）结果公告发布时间：{_t(f['original_published_at'])}",
                      f"原中标（成交）供应商：{f['revoked_winner']}",
                      f"变更原因：{f['reason']}", f"依据：{f['basis']}",
                      f"后续安排：{f['next_step']}", f"变更日期：{_t(f['published_at'])}",
                      "", "联系方式：", *_party_lines(f)])


def render_result_change(*, lot: Lot, award, then: str, now: dt.datetime):
    """The notice that the award of ``lot`` was revoked, and what follows (``then``:
    "next" or "retender")."""
    project = lot.project
    original = (project.announcements.filter(kind=K.RESULT, fields__lot=lot.number)
                .order_by("-published_at").first())
    fields = {"project_code": project.code, "project_name": project.title,
              "purchaser": party(project.purchaser), "agency": party(project.agency),
              "lot": lot.number, "lot_title": f"第{lot.number}包 {lot.title}",
              "original_published_at": (original.published_at if original
                                        else award.confirmed_at).isoformat(),
              "revoked_winner": award.bid.supplier.name, "amount": str(award.amount),
              "reason": award.revoked_reason, "basis": award.revoked_basis,
              "then": then, "next_step": NEXT_STEP_ZH[then],
              "published_at": timezone.localtime(now).isoformat()}
    title = f"{project.title}第{lot.number}包中标（成交）结果变更公告"
    return title, result_change_body(fields), fields


# The body of each kind, from its fields alone: what recomputation re-renders.
BODY_OF = {K.TENDER: tender_body, K.CLARIFICATION: clarification_body, K.RESULT: result_body,
           K.FAILURE: failure_body, K.CANCELLATION: cancellation_body,
           K.RESULT_CHANGE: result_change_body}


# --- the notice page ------------------------------------------------------------------

def _show(value) -> str:
    if isinstance(value, dict):
        if "start" in value and "end" in value:
            return _period_line(value)
        if "address" in value and "contact" in value:
            return (f"{value['name']}；地址：{value['address']}；联系人：{value['contact']}；"
                    f"电话：{value['phone']}")
        return "；".join(str(v) for k, v in value.items()
                        if v not in (None, "", False) and k != "lot")
    if isinstance(value, list):
        if any(isinstance(v, dict) for v in value):
            return "\n".join(_show(v) for v in value)
        return "、".join(str(v) for v in value)
    if isinstance(value, str) and len(value) >= 19 and value[4:5] == "-" and "T" in value:
        try:
            return _t(value)
        except ValueError:
            return value
    return "" if value is None else str(value)


def notice_rows(announcement: Announcement) -> list[dict]:
    """The statute's fields of this notice as the notice page lists them (Chinese)."""
    spec = REQUIRED_FIELDS.get(announcement.kind)
    if spec is None:
        return []
    rows = []
    for f in spec.fields:
        value = announcement.fields.get(f.key)
        if f.when_present and _empty(value):
            continue
        if f.key == "challenge" and value:
            text = (f"公告期限届满之日起{value['text']}内，即{_d(value['end'])}前，"
                    f"{value['where']}（{value['basis']}）")
        elif f.key in ("amount", "budget") and value:
            text = _yuan(value)
        elif f.key == "items" and value and announcement.kind == K.RESULT:
            text = "\n".join(_item_line(i).strip(" ·") for i in value)
        elif f.key == "items" and value:
            text = "\n".join(_demand_item_line(i) for i in value)
        elif f.key == "lots" and value:
            text = "\n".join(_lot_line(lot) for lot in value)
        else:
            text = _show(value)
        rows.append({"label": f.label, "value": text or "—",
                     "provisional": isinstance(value, dict) and bool(value.get("provisional"))})
    return rows


def body_of(kind: str, fields: dict) -> str:
    """The notice's text from its fields, with a note of each recomputation of its
    periods: the published text changed, and says when and why."""
    body = BODY_OF[kind](fields)
    notes = [f"（{_d(r['at'])}：{r['year']}年工作日历已载入，本公告所列期限已据此重新计算。）"
             for r in fields.get("recomputed") or []]
    return "\n\n".join([body, *notes]) if notes else body


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
        "purchaser": party(project.purchaser),
        "agency": party(project.agency),
        "budget": str(sum(lot.budget for lot in lots)),
        "lots": [{"number": lot.number, "title": lot.title, "budget": str(lot.budget)}
                 for lot in lots],
        "technical_requirements": demand.technical_requirements,
        "qualification_conditions": demand.qualification_conditions,
        "qualifications": [GENERAL_QUALIFICATION,
                           f"特定资格要求：{demand.qualification_conditions or '无'}"],
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
