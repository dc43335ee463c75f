"""Default patterns of the fair-competition check. Administrators edit them in the admin.

Each default is a dict of FairnessPattern fields. ``reader`` "condition": ``pattern``
flags a sub-clause unless ``exception`` (a lawful negation) is found in the same part of
the sentence. ``reader`` "fee": ``pattern`` names the fee, ``exception`` waives it in its
own sub-clause, and the rule registry's ``fees.*`` rule decides — sums are read as
numbers, so "0元" never belongs in a waiver. Article numbers that are not certain from
RULES.md are marked "(verify)".
"""

FAIR = "春风行动 第1–4条 (verify); 条例 第20条; 财库〔2019〕38号"
SIZE_BASIS = "87号令 第17条; 条例 第20条; 财库〔2020〕46号 第5条 (verify)"

# A lawful negation of a condition: "不得以…作为", "不作为评审因素", "可自愿提供", "不限".
NEG = (r"不得(以|将|把|设置?|要求|限定|指定|限制|歧视|对)|禁止(以|将|设置)|"
       r"不得?(作为|列为|构成|纳入|属于)[^，。；]{0,8}(条件|因素|依据|理由|门槛|加分|要求|内容|"
       r"范围)|"
       r"不以|不将|不设|不做要求|不作要求|不限|不要求|无需|无须|不需|自愿|均可|不论|不区分|"
       r"不分|平等|同等对待|一视同仁")

# Words that waive a fee in its own sub-clause. No sums here: the reader reads "0元".
WAIVE = (r"不收|不涉及|不适用|替代|代替|取代|不[^，。；]{0,10}(收取|收费)|不予?收取|免收|免于?(缴纳|交纳|收取|提交|递交)|免交|免除|免费|无需|无须|"
         r"不需要?|不要求|不得(收取|要求|设置)|不再|取消|不缴纳|不提交|均不|为零|"
         r"[：:]\s*(无|免|不收取)$")

PLACE = (r"(本地|本市|本区|本县|本省|当地|省内|市内|许昌市?|魏都区?|河南省?|"
         r"项目所在地)")
REQUIRE = r"(须|需|必须|应当?|要求|只有|方可|才能|限于|仅限)"
AWARD = (r"(荣誉|奖项|奖|称号|著名商标|驰名商标|名牌产品|先进单位|优秀企业|诚信企业|纳税大户|"
         r"守合同重信用)")

DEFAULTS = [
    # Fees and bonds: judged by the rule profile (fees.* in rules/registry.py).
    dict(topic="bid_bond", reader="fee", severity="block",
         pattern=r"投标保证金|响应保证金|磋商保证金|谈判保证金|报价保证金|投标担保",
         exception=WAIVE,
         message="投标（响应）保证金超出规定：许昌“春风行动”下不得收取，全国规定下不得超过采购项目预算金额的2%。",
         basis="春风行动 第19条; 条例 第33条"),
    dict(topic="perf_bond", reader="fee", severity="block",
         pattern=r"履约保证金|履约担保|履约保函",
         exception=WAIVE,
         message="履约保证金超出规定：许昌“春风行动”下不得收取，全国规定下不得超过政府采购合同金额的10%。",
         basis="春风行动 第19条; 条例 第48条"),
    dict(topic="document_fee", reader="fee", severity="block",
         pattern=r"标书费|(招标|采购|磋商|谈判|询价|竞争性磋商)文件(费|工本费|售价)|"
                 r"文件(工本费|售价)|资料费|报名费|"
                 r"(采购|招标|磋商|谈判|询价)文件[^，。；]{0,6}(售价|每(套|份|本)|收费)",
         exception=WAIVE,
         message="不得收取采购文件费（标书费）或报名费；采购文件应免费提供。",
         basis="春风行动 第19条"),
    dict(topic="platform_fee", reader="fee", severity="block",
         pattern=r"平台(使用|服务|技术服务|交易服务)?费|交易服务费|系统使用费|"
                 r"交易平台[^，。；]{0,6}(服务)?费",
         exception=WAIVE,
         message="不得收取电子交易平台使用费或交易服务费。",
         basis="春风行动 第19条"),
    dict(topic="agency_fee", reader="fee", severity="block",
         pattern=r"(集中采购机构|政府采购中心|采购中心)[^，。；]{0,20}(代理服务费|代理费|服务费)|"
                 r"(代理服务费|代理费|中标服务费|招标服务费)[^，。；]{0,40}"
                 r"(集中采购机构|政府采购中心|采购中心)",
         exception=WAIVE,
         message="集中采购机构不得向供应商收取代理服务费。",
         basis="春风行动 第19条"),

    # Size: registered capital, assets, revenue, staff (规模条件).
    dict(topic="size", reader="condition", severity="block",
         pattern=r"(注册资本|注册资金|实缴资本|实收资本|认缴资本|实缴注册资本|净资产|资产总额|"
                 r"总资产|营业收入|营业额|年产值|年销售额|销售收入|净利润|利润总额|纳税额|"
                 r"纳税总额|从业人员|员工(总)?人数|职工(总)?人数|在职(员工|职工)|参保人数|"
                 r"社保人数|(缴纳|参保)[^，。；]{0,6}人数|人员规模|企业规模)"
                 r"(金额|总额|数量|人数|金)?[^，。；]{0,14}"
                 r"(不低于|不少于|不得低于|不得少于|达到|超过|以上|≥|>=|大于|多于|至少|"
                 r"为大型|为中型|须为|应为)",
         exception=NEG,
         message="注册资本、资产总额、营业收入、从业人员、利润、纳税额等属于规模条件，"
                 "不得作为资格要求或评审因素。",
         basis=SIZE_BASIS),
    dict(topic="size", reader="condition", severity="block",
         pattern=r"(注册资本|注册资金|实缴资本|实收资本|净资产|资产总额|营业收入)[^，。；]{0,8}"
                 r"\d+(\.\d+)?\s*(万|亿)|(注册资本|注册资金|实缴资本|资产总额|营业收入)"
                 r"[^，。；]{0,6}(每|越|较)[^，。；]{0,8}(加|得)",
         exception=NEG,
         message="注册资本、资产总额、营业收入等规模条件不得作为资格要求或评审因素。",
         basis=SIZE_BASIS),
    dict(topic="size", reader="condition", severity="block",
         pattern=REQUIRE + r"[^，。；]{0,4}(大型|大中型|中型以上|规模以上)(企业|供应商|公司)",
         exception=NEG,
         message="不得以企业规模（大型、中型）作为资格要求。",
         basis=SIZE_BASIS),

    # Years in business.
    dict(topic="years", reader="condition", severity="block",
         pattern=r"(成立|经营|注册|营业)(时间|年限|日期)?[^，。；]{0,6}"
                 r"(满|不少于|不低于|不得少于|超过|以上|达到)\s*[\d一二两三四五六七八九十]+\s*"
                 r"(个)?(周?年|个月)|(成立|注册)(时间|日期)[^，。；]{0,12}(之前|以前|前)|"
                 r"在[^，。；]{0,14}(之前|以前)(注册)?成立",
         exception=NEG + r"|负责人|项目经理|技术人员|工程师|人员|投标截止",
         message="不得将成立年限或经营年限作为资格要求或评审因素。", basis=FAIR),

    # Locality: registration, presence, preference and performance.
    dict(topic="locality", reader="condition", severity="block",
         pattern=PLACE + r"[^，。；]{0,8}(注册|设立|设有|成立|拥有|具有|具备|有)[^，。；]{0,8}"
                 r"(分支机构|分公司|子公司|办事处|服务网点|售后(服务)?网点|售后(服务)?机构|"
                 r"服务机构|服务站|服务场所|营业场所|办公场所|经营场所|常设机构|机构)|"
                 r"(设立|设有|具有|具备|拥有|提供)[^，。；]{0,4}" + PLACE + r"[^，。；]{0,6}"
                 r"(分支机构|分公司|子公司|办事处|服务网点|售后(服务)?网点|售后(服务)?机构|"
                 r"服务机构|服务站|营业场所|办公场所|常设机构)",
         exception=NEG,
         message="要求在本地设立分支机构、办事处或服务网点限制了竞争；如确需本地服务，"
                 "应规定服务响应标准（如N小时内到场）。", basis=FAIR),
    dict(topic="locality", reader="condition", severity="block",
         pattern=PLACE + r"(注册|登记)的?(企业|供应商|公司|法人)|"
                 r"注册地[^，。；]{0,4}(须|需|应|必须)?(在|为|位于|属于)" + PLACE + "|"
                 r"(仅限|限于|只限|限定)[^，。；]{0,6}" + PLACE + r"[^，。；]{0,6}(企业|供应商|公司)",
         exception=NEG,
         message="要求本地注册排斥了外地供应商。", basis=FAIR),
    dict(topic="locality", reader="condition", severity="block",
         pattern=PLACE + r"[^，。；]{0,6}(社保|社会保险|纳税)[^，。；]{0,4}(证明|记录|凭证)",
         exception=NEG,
         message="要求提供本地社保或纳税证明，变相要求在本地设立机构或雇用本地人员。",
         basis=FAIR),
    dict(topic="locality", reader="condition", severity="block",
         pattern=PLACE + r"[^，。；]{0,4}(企业|供应商|产品|公司)[^，。；]{0,6}"
                 r"(优先|(加|得)[\d.]*分)",
         exception=NEG,
         message="对本地供应商或产品给予优先或加分，构成地域歧视。", basis=FAIR),
    dict(topic="locality", reader="condition", severity="block",
         pattern=r"(" + REQUIRE + r"|具有|具备|提供|承接过|完成过|每有|每提供|每个|每项)"
                 r"[^，。；]{0,12}" + PLACE + r"[^，。；]{0,12}(业绩|案例|项目经验|服务经验)|"
                 + PLACE + r"[^，。；]{0,12}(业绩|案例|项目经验)[^，。；]{0,12}"
                 r"(加|得|计)[^，。；]{0,3}分|"
                 + PLACE + r"[^，。；]{0,12}(业绩|案例|项目经验)[^，。；]{0,10}"
                 r"(方可|为准|有效|才|予以认可)",
         exception=NEG,
         message="以特定行政区域的业绩作为资格条件或加分条件构成差别待遇；应认可各地同类业绩。",
         basis="条例 第20条（四）; " + FAIR),
    dict(topic="locality", reader="condition", severity="warn",
         pattern=PLACE + r"[^，。；]{0,12}(业绩|案例|项目经验)",
         exception=NEG,
         message="仅认可本地区业绩会偏向本地企业；应认可各地同类业绩，或说明理由。", basis=FAIR),
    dict(topic="locality", reader="condition", severity="warn",
         pattern=r"(\d+\s*(小时|分钟)内[^，。；]{0,6}到(达|场))",
         exception="",
         message="服务确需时可规定响应时限；请核实该要求实质上不构成在本地设立机构的要求。",
         basis=FAIR),

    # Ownership.
    dict(topic="ownership", reader="condition", severity="block",
         pattern=r"(外资|外商投资|外商独资|中外合资|外国|港澳台|民营|私营)[^，。；]{0,6}"
                 r"(企业|公司|供应商)?[^，。；]{0,4}(不得|禁止|不予|除外|谢绝|不能|不接受)|"
                 r"(不接受|拒绝|谢绝)[^，。；]{0,6}(外资|外商投资|外商独资|中外合资|民营|私营)",
         exception=r"平等|同等|一视同仁|不得(以|对|限制|歧视|将|排斥)|不区分|不论|均可",
         message="内资企业和外商投资企业、各种所有制企业应平等对待。",
         basis="春风行动 第3条; 外商投资法 第16条; 条例 第20条（七）"),
    dict(topic="ownership", reader="condition", severity="block",
         pattern=r"(国有企业|国有控股|国有独资|国企|央企|内资企业|内资)[^，。；]{0,6}"
                 r"(优先|加分|方可|限于|才能|得分)|"
                 r"(仅限|只限|限于|限定|须为|必须为|应为)[^，。；]{0,4}(国有|国企|央企|内资|"
                 r"全民所有制|集体所有制)",
         exception=r"平等|同等|一视同仁|不得(以|对|限制|歧视|将|排斥)|不区分|不论|均可",
         message="不得将所有制形式作为资格条件或评审因素。",
         basis="春风行动 第3条; 条例 第20条（七）"),

    # Awards, honours, memberships.
    dict(topic="honours", reader="condition", severity="block",
         # An award counts when it is a condition (投标人/须…获得) or scores (…的加2分).
         pattern=r"(省|市|区|县)级?(著名商标|名牌产品|优秀企业|纳税大户|守合同重信用|诚信企业|"
                 r"先进单位)|"
                 r"(投标人|供应商|申请人|" + REQUIRE[1:-1] + r")[^，。；]{0,10}"
                 r"(获得|荣获|获|具有|具备|取得|提供)[^，。；]{0,16}" + AWARD + "|"
                 r"(获得|荣获|获|具有|具备|取得|提供)[^，。；]{0,16}" + AWARD +
                 r"[^，。；]{0,10}((加|得|计)[\d.]*分|方可|为准|优先)",
         exception=NEG,
         message="以特定奖项、荣誉作为资格条件或加分条件，排斥未获得者（特定地区或行业的奖项尤甚）。",
         basis="条例 第20条（四）; " + FAIR),
    dict(topic="honours", reader="condition", severity="block",
         pattern=r"(协会|商会|学会|联合会|联盟)[^，。；]{0,6}(会员|理事|成员)(单位)?",
         exception=NEG,
         message="不得以特定行业协会、商会的会员资格作为资格条件或评审因素。",
         basis="条例 第20条（八）; " + FAIR),

    # Prior listing in a roster or pool (入围, 名录库, 备选库).
    dict(topic="roster", reader="condition", severity="block",
         pattern=r"(入围|入库|入选|进入|列入|纳入)[^，。；]{0,12}(名录库|备选库|资格库|供应商库|"
                 r"预选库|名录|短名单|备选名单|合格供应商)|(名录库|备选库|资格库|供应商库|"
                 r"预选库)[^，。；]{0,6}(内|中|的)?[^，。；]{0,4}(供应商|企业|单位)|"
                 r"(入围|预选|定点)供应商[^，。；]{0,6}(方可|才能|参加|参与)",
         exception=NEG + r"|框架协议|协议供货|定点采购",
         message="不得通过入围方式设置备选库、名录库、资格库作为参与政府采购活动的资格条件"
                 "（协议供货、定点采购、框架协议除外）。",
         basis="财库〔2019〕38号 (verify); " + FAIR),

    # Named brand, maker or origin.
    dict(topic="brand", reader="condition", severity="block",
         pattern=r"(指定|限定|必须使用|只能使用|仅限|须为|必须为|只接受|仅接受)[^，。；]{0,4}"
                 r"(品牌|厂家|厂商|生产商|制造商|产地|原产地)|"
                 r"(原产地|产地)[^，。；]{0,4}(须|必须|应|只能|限)(为|是|于)|"
                 r"(须|必须|需)[^，。；]{0,4}(提供|具有|出具)[^，。；]{0,6}"
                 r"(生产厂家|制造商|原厂|厂家)[^，。；]{0,4}(授权|授权书|承诺函|证明|背书)",
         exception=NEG + r"|进口|或相当|或同等|或等同",
         message="不得指定品牌、生产厂家或产地，也不得将生产厂家授权（进口货物除外）作为资格要求。",
         basis="条例 第20条（六）; 87号令 第17条; " + FAIR),
    dict(topic="brand", reader="condition", severity="warn",
         pattern=r"(品牌|商标|型号|专利)",
         exception=r"(相当|同等|等同|同档次|等效|不低于|参考|或同类|或相当于|著名商标|"
                   r"驰名商标)|" + NEG,
         message="提及品牌、型号或专利但未注明“或相当于”：请补充，或说明为何只有该产品能满足需求。",
         basis="条例 第20条（六）; 87号令 第20条"),

    # Invalidation for form.
    dict(topic="formality", reader="condition", severity="block",
         pattern=r"(装订|胶装|封面颜色|封面|纸张|彩色|页码|目录|字体|字号|签字笔|逐页|每页|"
                 r"骑缝章)[^。；]{0,20}(无效|废标|否决|不予受理|拒收|不予接收)",
         exception=NEG,
         message="不得以装订、纸张、字体、页码等形式问题否决投标。",
         basis="春风行动 第4条 (verify); 87号令 第63条"),
]

# The first defaults (migration 0002), by pattern: the data migration that installs
# DEFAULTS retires those still unchanged.
RETIRED = [
    r"(须|需|必须|应当?|要求)[^，。；]{0,8}在(本地|本市|本区|本县|当地|许昌|魏都|河南)[^，。；]{0,6}"
    r"(注册|设立|设有|成立|拥有|具有)[^，。；]{0,6}(分支机构|分公司|子公司|办事处|服务网点|售后网点|营业场所|机构)",
    r"(本地|本市|当地|许昌市?|魏都区?)(注册|登记)的?(企业|供应商|公司)",
    r"(本地|本市|当地)(企业|供应商|产品)[^，。；]{0,6}(优先|加分)",
    r"(外资|外商投资|外国|港澳台)[^，。；]{0,6}(企业|公司|供应商)?[^，。；]{0,4}(不得|禁止|不予|除外|谢绝)",
    r"(国有企业|国有控股|国企|央企)[^，。；]{0,6}(优先|加分|方可|限于)|(仅限|只限)[^，。；]{0,4}(国有|国企)",
    r"注册资本金?[^，。；]{0,6}(不低于|不少于|达到|以上|≥)|注册资本金?[^，。；]{0,4}\d+\s*万",
    r"(营业收入|年营业额|营业额|资产总额|从业人员|员工人数|职工人数|人员规模)[^，。；]{0,6}"
    r"(不低于|不少于|达到|超过|以上|≥)",
    r"(成立|经营|注册|从业)(时间|年限)?[^，。；]{0,4}(满|不少于|不低于|超过|以上)\s*\d+\s*年",
    r"(省|市|区|县)级?(著名商标|名牌产品|优秀企业|纳税大户|守合同重信用|诚信企业)|"
    r"(获得|荣获)[^，。；]{0,10}(许昌|河南|本市|本省|本地)[^，。；]{0,10}(奖|荣誉|称号)",
    r"(装订|胶装|封面颜色|纸张|页码|字体|签字笔)[^，。；]{0,20}(无效|废标|否决|不予受理)",
    r"(投标保证金|履约保证金|质量保证金|标书费|采购文件费|文件工本费|报名费|平台(使用|服务)?费|"
    r"中标服务费)",
    r"(指定|限定|必须使用|仅限)[^，。；]{0,4}(品牌|厂家|厂商|生产商|产地)",
    r"(许昌|魏都|本地|本市|当地)[^，。；]{0,12}(业绩|案例|项目经验)",
]


def load(apps, schema_editor):
    """Install the defaults (each once, by pattern), setting only the fields the model has
    at the migration that calls this — 0002 runs before ``reader`` existed."""
    FairnessPattern = apps.get_model("procurement", "FairnessPattern")
    fields = {f.name for f in FairnessPattern._meta.get_fields()}
    limits = {f.name: f.max_length for f in FairnessPattern._meta.fields if f.max_length}
    for default in DEFAULTS:
        if any(len(v) > limits[k] for k, v in default.items() if k in limits):
            continue  # too long for this migration's columns: a later one installs it
        values = {k: v for k, v in default.items() if k in fields and k != "pattern"}
        row, created = FairnessPattern.objects.get_or_create(pattern=default["pattern"],
                                                             defaults=values)
        if not created and "reader" in fields and row.reader != default["reader"]:
            # Installed by 0002 without a reader: the one field it could not set.
            row.reader = default["reader"]
            row.save(update_fields=["reader"])


def retire(apps, schema_editor):
    """Retire the first defaults that nobody edited: deleted when no finding points at
    them, deactivated otherwise (a finding keeps its own message and basis)."""
    FairnessPattern = apps.get_model("procurement", "FairnessPattern")
    FairnessFinding = apps.get_model("procurement", "FairnessFinding")
    current = {d["pattern"] for d in DEFAULTS}
    for row in FairnessPattern.objects.filter(pattern__in=RETIRED).exclude(pattern__in=current):
        if FairnessFinding.objects.filter(pattern=row).exists():
            row.is_active = False
            row.save(update_fields=["is_active"])
        else:
            row.delete()
