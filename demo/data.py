"""The demo district: 许昌市魏都区 and the people who procure in it."""

from accounts.validators import credit_code_check_char

REGION = "411002"  # 许昌市魏都区
PASSWORD = "Spring#2026"  # noqa: S105 — printed demo password, never used in production


def credit_code(prefix: str, body: str) -> str:
    """A code that passes GB 32100-2015: prefix (2) + region (6) + body (9) + check."""
    first17 = f"{prefix}{REGION}{body}"
    return first17 + credit_code_check_char(first17)


# (key, name, kind, credit-code prefix, body, extra fields)
ORGANIZATIONS = [
    ("finance", "许昌市魏都区财政局", "finance", "11", "005310011", {
        "address": "许昌市魏都区劳动路 88 号", "contact_name": "王建国",
        "contact_phone": "0374-2961001"}),
    ("edu", "许昌市魏都区教育局", "purchaser", "11", "005310020", {
        "address": "许昌市魏都区八一路 120 号", "contact_name": "李明",
        "contact_phone": "0374-2961020"}),
    ("health", "许昌市魏都区卫生健康委员会", "purchaser", "11", "005310039", {
        "address": "许昌市魏都区建安大道 56 号", "contact_name": "赵丽",
        "contact_phone": "0374-2961039"}),
    ("school", "许昌市魏都区实验小学", "purchaser", "12", "417200013", {
        "address": "许昌市魏都区文峰路 15 号", "contact_name": "孙老师",
        "contact_phone": "0374-2961123", "parent": "edu"}),
    ("agency", "河南中原招标代理有限公司", "agency", "91", "MA44N2K07", {
        "address": "许昌市魏都区东大街 200 号", "contact_name": "陈工",
        "contact_phone": "0374-2962200"}),
    ("central", "许昌市魏都区政府采购中心", "central_agency", "12", "417200048", {
        "address": "许昌市魏都区劳动路 90 号", "contact_name": "刘主任",
        "contact_phone": "0374-2961090"}),
    ("bank", "中国工商银行股份有限公司许昌魏都支行", "bank", "91", "174300158", {
        "address": "许昌市魏都区七一路 30 号", "contact_name": "周经理",
        "contact_phone": "0374-2963030"}),
    ("bank2", "中国建设银行股份有限公司许昌魏都支行", "bank", "91", "174300262", {
        "address": "许昌市魏都区建安大道 168 号", "contact_name": "何经理",
        "contact_phone": "0374-2964040"}),
    ("s1", "许昌华信科技有限公司", "supplier", "91", "MA45A1B13", {
        "scale": "small", "address": "许昌市魏都区科技大道 1 号", "contact_name": "张伟",
        "contact_phone": "13803740001"}),
    ("s2", "河南明远教育装备有限公司", "supplier", "91", "MA45A1C2X", {
        "scale": "micro", "address": "许昌市建安区许由路 9 号", "contact_name": "王芳",
        "contact_phone": "13803740002"}),
    ("s3", "许昌康宁医疗器械有限公司", "supplier", "91", "MA45A1D38", {
        "scale": "medium", "address": "许昌市东城区永兴路 18 号", "contact_name": "刘洋",
        "contact_phone": "13803740003"}),
    ("s4", "中原数码集团股份有限公司", "supplier", "91", "MA45A1E46", {
        "scale": "large", "address": "郑州市金水区花园路 66 号", "contact_name": "陈静",
        "contact_phone": "13803740004"}),
    ("s5", "许昌博雅办公用品商行", "supplier", "92", "MA45A1F54", {
        "scale": "micro", "address": "许昌市魏都区南关大街 7 号", "contact_name": "杨磊",
        "contact_phone": "13803740005"}),
    ("s6", "河南绿源物业服务有限公司", "supplier", "91", "MA45A1G62", {
        "scale": "small", "address": "许昌市魏都区天宝路 21 号", "contact_name": "黄敏",
        "contact_phone": "13803740006"}),
    ("s7", "许昌德安医疗设备有限公司", "supplier", "91", "MA45A1H70", {
        "scale": "medium", "is_foreign_invested": True,
        "address": "许昌市经济技术开发区瑞祥路 3 号", "contact_name": "吴强",
        "contact_phone": "13803740007"}),
    ("s8", "河南智慧校园网络工程有限公司", "supplier", "91", "MA45A1J89", {
        "scale": "small", "address": "许昌市魏都区学院路 45 号", "contact_name": "周杰",
        "contact_phone": "13803740008"}),
    ("s9", "许昌新程家具制造有限公司", "supplier", "91", "MA45A1K97", {
        "scale": "small", "address": "许昌市长葛市产业集聚区", "contact_name": "徐超",
        "contact_phone": "13803740009"}),
]

# (username, real name, mobile, organisation key, roles, is_staff)
PEOPLE = [
    ("czj_admin", "王建国", "13903741001", "finance", ["admin", "leader"], True),
    ("czj_jg", "马晓燕", "13903741002", "finance", ["officer"], False),
    ("jyj_jb", "李明", "13903742001", "edu", ["officer"], False),
    ("jyj_sp", "韩雪", "13903742002", "edu", ["approver"], False),
    ("jyj_admin", "郑国强", "13903742003", "edu", ["admin", "leader"], False),
    ("wjw_jb", "赵丽", "13903743001", "health", ["officer", "admin"], False),
    ("wjw_sp", "钱坤", "13903743002", "health", ["approver", "leader"], False),
    ("sx_jb", "孙悦", "13903744001", "school", ["officer", "admin"], False),
    ("dl_jb", "陈志远", "13903745001", "agency", ["officer", "admin"], False),
    ("cg_jb", "刘海涛", "13903746001", "central", ["officer", "admin"], False),
    ("yh_jb", "周婷", "13903747001", "bank", ["officer", "admin"], False),
    ("jh_jb", "何静", "13903747002", "bank2", ["officer", "admin"], False),
    *[(f"gys{i}", name, f"1380374000{i}", f"s{i}", ["admin"], False) for i, name in enumerate(
        ["张伟", "王芳", "刘洋", "陈静", "杨磊", "黄敏", "吴强", "周杰", "徐超"], start=1)],
]

# (username, real name, mobile, title, employer key or None, employer name,
#  speciality catalogue codes, avoidance organisation keys)
EXPERTS = [
    ("zj1", "郭振华", "13703741001", "高级工程师", None, "许昌学院", ["A02010100", "A02010200"],
     ["s1"]),
    ("zj2", "林晓梅", "13703741002", "副教授", None, "许昌学院", ["A02010100"], []),
    ("zj3", "何立新", "13703741003", "主任医师", "health", "", ["A02320000"], ["s3"]),
    ("zj4", "罗建平", "13703741004", "高级会计师", None, "河南正信会计师事务所",
     ["C23090000"], []),
    ("zj5", "宋文博", "13703741005", "教授级高工", None, "许昌电气研究所",
     ["A02010100", "A02020000"], []),
    ("zj6", "唐慧", "13703741006", "高级经济师", None, "许昌市发展研究中心",
     ["C21040000"], ["s6", "s4"]),  # a former adviser of 中原数码 (demo.live's draw)
    ("zj7", "冯志强", "13703741007", "高级工程师", None, "许昌市建筑设计院",
     ["B01000000"], []),
    ("zj8", "曹颖", "13703741008", "副主任医师", None, "许昌市中心医院", ["A02320000"], []),
]

# Contract financing offers (春风行动 第26条): (bank key, product, annual rate,
# up to % of the contract, term in months, conditions)
FINANCING_OFFERS = [
    ("bank", "政采贷", "3.45%起", "70", 12,
     "凭政府采购合同在线申请，无需抵押担保，线上审批，最快当日放款；合同款支付至本行回款账户。"),
    ("bank", "政采e贷（小微企业）", "3.10%起", "80", 6,
     "限中小微企业；随借随还，按日计息。"),
    ("bank2", "建行政采贷", "3.50%起", "60", 12,
     "信用方式，凭中标通知书和政府采购合同申请；额度最高500万元。"),
]
