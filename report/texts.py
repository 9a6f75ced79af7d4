"""Every user-facing sentence of the domain layer (figure parsing and rule messages)."""

from __future__ import annotations

# --- figure parsing -------------------------------------------------------------------------
TOO_LONG = "内容太长了（{length}个字），这里只需要填写数字。例如：{example}"
EMPTY = "没有收到数字。请填写{what}，例如：{example}"
NOT_A_NUMBER = "“{token}”不是数字。请填写{what}，例如：{example}；没有的填 0 或“无”。"
NEGATIVE = "{what}不能是负数，没有的填 0。例如：{example}"
FRACTION = "{what}只能填整数（件数、个数没有小数）。例如：{example}"
TOO_PRECISE = "{what}以{unit}为单位，最多保留{decimals}位小数（精确到{step}）。例如：{example}"
TOO_FINE = (
    "{what}以{unit}为单位，表中只能精确到{step}（小数点后最多{decimals}位）。您填的{stated}元折合{converted}{unit}，"
    "不足{step}的部分填不进表格。请核对金额：如确是{stated}元，请按{rounded}元填写，即{rounded_unit}{unit}；"
    "如本意是{stated}{unit}，请直接填 {stated}。"
)
TOO_BIG = "{what}填了{value}，超过了合理范围（最多{maximum}），请核对是否多打了数字。"
MONEY_IN_COUNT = "{what}是数量，不是金额，请去掉“元”，例如：{example}"
COUNT_IN_MONEY = "{what}是金额（单位：{unit}），请填写金额，例如：{example}"
WRONG_COUNT = (
    "这一行要填{expected}个数，依次是：{names}。您填了{got}个。请用空格或逗号隔开，例如：{example}"
)
WRONG_COUNT_TOTAL = (
    "这一行要填{expected}个数，依次是：{names}（“{total}”由系统自动计算，可以不填；"
    "如填写，请放在最后）。您填了{got}个。请用空格或逗号隔开，例如：{example}"
)
ROW_NOT_A_NUMBER = (
    "“{token}”不是数字。这一行要填{expected}个数，依次是：{names}；没有的填 0。"
    "请用空格或逗号隔开，例如：{example}"
)
TOTAL_MISMATCH = (
    "您填了{got}个数，最后一个是“{total}”：前{count}个数（{names}）之和是{computed}，"
    "您填的总计是{stated}，两者不一致。请核对后重新填写。总计由系统自动计算，只填前{count}个数即可，"
    "例如：{example}"
)
ONE_VALUE = "这一项只填1个数（{name}），您填了{got}个。例如：{example}"
IN_COLUMN = "第{position}个数（{name}）：{message}"

# --- rules ----------------------------------------------------------------------------------
RULE_TITLES = {
    "valid": "数值有效",
    "balance": "申请数量勾稽关系（第一项＋第二项＝第三项＋第四项）",
    "row_total": "总计栏应等于各类申请人之和",
    "column_total": "（七）总计应等于各项办理结果之和",
    "appeal_total": "总计应等于结果维持、结果纠正、其他结果、尚未审结之和",
    "carry_over": "上年结转应等于上年报告的“结转下年度继续办理”",
    "in_force": "现行有效件数应等于上年现行有效件数＋本年制发件数－本年废止件数",
    "items": "本年“上一年项目数量”应等于上年报告的“上一年项目数量”加“本年增/减”",
    "narrative": "正文中写的数字应与表格一致，各部分之间也应一致",
    "outlier": "数字与上年相差十倍以上，请确认",
}

VIOLATION = "{title}：{left_label}为 {left}，{right_label}为 {right}，相差 {difference}。"
VIOLATION_NO_NUMBER = "{title}：{left_label}为 {left}，{right_label}。"

SIDE_SUM = "{names}之和"
SIDE_PRINTED_TOTAL = "表中所填“{label}”"
SIDE_LAST_YEAR = "上年报告的“{label}”"
#: The other side of a stock's warning, by ``Carry.kind``.
SIDE_STOCK = {
    "in_force": "上年现行有效件数＋本年制发－本年废止",
    "items": "上年报告的项目数量加增减",
}
SIDE_TEXT = "正文“{part}”写的“{quote}”"
SIDE_LAST_YEAR_VALUE = "上年"  # the sentence adds "为 <value>"
SIDE_TABLE = "表中“{label}”"
PART_LEAD = "总体情况"
SIDE_NONNEGATIVE = "应为不小于 0 的数"
SIDE_WHOLE = "应为整数"
BALANCE_LEFT = "“{column}”栏 一＋二"
BALANCE_RIGHT = "三（七）总计＋四"

# --- application ledgers (依申请公开台账) -----------------------------------------------------
LEDGER_ROLE_NAMES = {
    "applicant": "申请人类型",
    "outcome": "答复类型（办理结果）",
    "received": "收到申请日期",
    "answered": "答复日期",
}
LEDGER_ROW = "第{number}行"
LEDGER_SHEET_ROW = "“{sheet}”{row}"
LEDGER_ROWS = "第{numbers}行"
LEDGER_ROWS_MORE = "等{count}行"
LEDGER_NOT_A_DATE = "不是日期，请写成“2024年3月5日”“2024.3.5”或“2024-03-05”"
LEDGER_NO_SUCH_DAY = "日历上没有这一天"
LEDGER_IMPLAUSIBLE_YEAR = "年份{year}不像是收到或答复申请的年份"
LEDGER_NO_HEADER = (
    "没有在台账中找到表头行。请确认表头写明了“申请人类型”“答复类型（办理结果）”"
    "“收到申请日期”“答复日期”等栏目，表头以上只有标题或空行。"
)
LEDGER_MISSING_COLUMNS = "台账中没有找到“{missing}”一栏（找到的表头有：{seen}）。请在表头中加上这一栏，例如{examples}，再重新发送。"
LEDGER_ROLE_EXAMPLES = "{role}：{examples}"
LEDGER_BAD_ROWS = "台账有{count}处需要先改正，未作任何统计：{rows}。请改正后重新发送。"
LEDGER_MORE_ROWS = "（另有{count}处未列出）"
LEDGER_BAD_DATE = "{row}“{role}”为“{value}”，{reason}"
LEDGER_NO_RECEIVED = "{row}没有填写收到申请日期"
LEDGER_NO_APPLICANT = "{row}没有填写申请人类型"
LEDGER_NO_OUTCOME = "{row}有答复日期，但没有填写答复类型（办理结果）"
LEDGER_ANSWER_BEFORE = "{row}答复日期（{answered}）早于收到申请日期（{received}）"
LEDGER_NO_APPLICATIONS = "台账中表头以下没有任何申请记录。"
LEDGER_SKIP_NOT_APPLICATION = "不是申请记录（没有收到申请日期和申请人类型）"
LEDGER_SKIP_HEADER = "重复的表头行"
LEDGER_SKIP_LATER = "{year}年以后收到，不计入本年度"
LEDGER_SKIP_EARLIER = "{year}年以前已办结，不计入本年度"
LEDGER_BY_DECLARED = "按常用说法"
LEDGER_BY_REMEMBERED = "按本单位以前的选择"

# The summary of what was understood.
LEDGER_HEADING = "台账读取结果（按{year}年度报告统计）"
LEDGER_OTHER_YEAR = (
    "⚠️ 台账中的申请大多是{ledger_year}年收到的（{count}件），而这里统计的是{year}年度报告："
    "只计入{year}年收到的申请，以及以前收到、{year}年办结或仍在办理的申请。"
)
LEDGER_COLUMNS_HEADING = "识别的栏目："
LEDGER_COLUMN = "  {role}：{letter}列“{header}”"
LEDGER_COLUMN_SHEET = "  {role}：“{sheet}”{letter}列“{header}”"
LEDGER_READ = "共读取申请{applications}件，计入{year}年度{counted}件。"
LEDGER_MAPPINGS_HEADING = "申请人类型和答复类型的对应："
LEDGER_MAPPING = "  “{value}” → {target}（{rows}件，{by}）"
LEDGER_COUNTS_HEADING = "统计结果（表三）："
LEDGER_COUNT_LINE = "  {label}：{total}件{detail}"
LEDGER_COUNT_DETAIL = "（{parts}）"
LEDGER_COUNT_PART = "{name}{count}"
LEDGER_ALL_ZERO = "  本年度没有需要计入表三的申请，表三各项均为0。"
LEDGER_SKIPPED_HEADING = "未计入的行："
LEDGER_SKIPPED = "  {rows}：{reason}"
LEDGER_QUESTIONS_HEADING = (
    "以下{count}种写法无法确定对应哪一项，请逐一选择（选择会记住，明年不再询问）："
)
LEDGER_QUESTION_APPLICANT = "台账中申请人类型写作“{value}”（{rows}），应计入表三哪一类申请人？"
LEDGER_QUESTION_OUTCOME = "台账中答复类型写作“{value}”（{rows}），应计入表三哪一项办理结果？"
LEDGER_CANDIDATES = "    可选：{names}"
LEDGER_CARRY_WARNING = "  提醒：{message}"
LEDGER_DIFFERENCES_HEADING = "与报告中表三已填数字不同的有{count}处："
LEDGER_DIFFERENCE = "  {label}：已填 {current}，台账统计 {counted}"
LEDGER_NO_DIFFERENCES = "报告中表三已填的数字与台账统计一致。"
LEDGER_NOT_FILLED = "—"
LEDGER_EXPLAIN = "{label}：{count}件，来自台账{rows}。"
LEDGER_EXPLAIN_NONE = "{label}：0件，台账中没有计入这一格的申请。"

# --- review and sign-off --------------------------------------------------------------------
REVIEW_STATUS_LABELS = {
    "drafting": "填报中",
    "submitted": "待审核",
    "returned": "已退回",
    "approved": "已通过",
}
REVIEW_EVENT_LABELS = {
    "submit": "提交审核",
    "resubmit": "修改后重新提交",
    "withdraw": "撤回审核申请",
    "return": "退回修改",
    "approve": "审核通过",
    "reopen": "重新打开",
}
#: Why a review step was refused, by ``Refusal``; ``{status}`` and ``{count}`` are filled in.
REVIEW_REFUSALS = {
    "not_your_office": "您不是本单位的填报人员，也不是其上级单位的审核人员，不能办理此项操作。",
    "only_supervisor": "审核通过、退回和重新打开只能由上级单位的审核人员办理。",
    "only_filler": "提交审核和撤回只能由本单位的填报人员办理。",
    "no_supervisor": "本单位没有上级审核人员，报告无需审核，填写完成后即可直接导出。",
    "already_submitted": "报告已提交审核，正在等待上级审核，请勿重复提交。",
    "already_approved": "报告已审核通过，无需再次审核。",
    "approved_needs_reopen": "报告已审核通过，如需退回修改，请先将报告重新打开。",
    "approved_locked": "报告已审核通过，不能再修改或提交；如需修改，请联系上级审核人员重新打开。",
    "not_submitted": "报告当前状态为“{status}”，尚未提交审核，不能办理此项操作。",
    "not_approved": "报告当前状态为“{status}”，尚未审核通过，无需重新打开。",
    "wrong_state": "报告当前状态为“{status}”，不能办理此项操作。",
    "incomplete": "报告还有{count}项没有填写，请全部填写后再提交审核。",
    "open_errors": "报告还有{count}处错误没有改正，请改正后再提交审核。",
    "unaccepted_warnings": "报告还有{count}处提示没有确认，请逐一核对，确认无误的请写明理由后再提交审核。",
    "no_comment": "退回修改时请至少写一条意见，说明需要修改的地方。",
}
PLACE_ROW = "{table}：{row}"
PLACE_WHOLE_TABLE = "{table}（整表）"

# --- row codes ------------------------------------------------------------------------------
ROW_CODE_REFUSED = "“{code}”（{label}）这一行：{message}"

# Comparing this year's report sent as a file with the stored draft (report/compare.py).
COMPARE_FORMAT_CHANGED = "文件使用的报告格式与已填写的草稿不同。"
COMPARE_CELL = "“{label}”：草稿中为 {before}，文件中为 {after}"
COMPARE_EMPTY = "未填"
COMPARE_PART = "“{heading}”文字有改动，文件中为：“{text}”"
COMPARE_PART_NEW = "“{heading}”草稿中未填写，文件中为：“{text}”"
COMPARE_UNREAD = "另有 {count} 个数字文件中未能读出，确认后草稿中的数字保持不变。"
