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
SIDE_TABLE = "表中“{label}”"
PART_LEAD = "总体情况"
SIDE_LAST_YEAR_VALUE = "上年为 {value}"
SIDE_NONNEGATIVE = "应为不小于 0 的数"
SIDE_WHOLE = "应为整数"
BALANCE_LEFT = "“{column}”栏 一＋二"
BALANCE_RIGHT = "三（七）总计＋四"

# --- row codes ------------------------------------------------------------------------------
ROW_CODE_REFUSED = "“{code}”（{label}）这一行：{message}"
