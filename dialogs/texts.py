"""Every sentence and button label the conversation shows (HTML subset: b, i, pre, code)."""

from __future__ import annotations

# --- buttons --------------------------------------------------------------------------------
BTN_ROW_ZERO = "本行全为0"
BTN_REST_ZERO = "余下全为0"
BTN_SAME_AS_LAST_YEAR = "同上年"
BTN_BACK = "上一步"
BTN_SKIP = "跳过"
BTN_CONTENTS = "目录"
BTN_SAVE_EXIT = "暂存退出"
BTN_PART_DONE = "本部分完成"
BTN_KEEP_TEXT = "保留原文"
BTN_USE_LAST_YEAR_TEXT = "沿用上年文字"
BTN_YES_APPLICATIONS = "收到过申请"
BTN_NO_APPLICATIONS = "没有收到"
BTN_YES_APPEALS = "有"
BTN_NO_APPEALS = "没有"
BTN_CONFIRM = "确认"
BTN_REVIEW = "预览"
BTN_EXPORT = "生成报告"
BTN_EXPORT_DRAFT = "生成征求意见稿"
BTN_CONTINUE = "继续填写"
BTN_REENTER = "重填：{label}"
BTN_ACCEPT_WARNING = "核实无误，说明原因"
BTN_SECTION = "{mark} {heading}"
BTN_CARRY_OVER = "按上年结转填入"
BTN_BALANCE = "按勾稽关系填入"
BTN_RESULTS_REST_ZERO = "办理结果余下为0"
BTN_RETURN = "返回"
BTN_START = "开始填写"
RESULTS_REST_ZERO_DONE = "已将其余{count}项办理结果填为0。"
ROW_BALANCE = "按勾稽关系（一＋二－三（七））应为：<code>{values}</code>"
PART_COPIED = (
    "已沿用上年文字。请把其中的年份和数字改为本年：发送新内容将替换原文；不改请点“本部分完成”。"
)
LAST_YEAR_TITLE = "<b>上年（{year}年）报告数据</b>"
EXPORT_BAD_DATE = "日期有误，请按“/export 2027-01-20”的格式写。"

# --- questions ------------------------------------------------------------------------------
PROGRESS = "【{section}】（{position}/{count}）"
PART_QUESTION = "{progress}\n<b>{title}</b>\n{hint}"
PART_EXAMPLE = "参考写法：{example}"
PART_CURRENT = (
    "已填写的内容（{length}字）：\n<i>{excerpt}</i>\n发送新内容将替换原文；不改请点“保留原文”。"
)
PART_LAST_YEAR = "上年写的是：<i>{excerpt}</i>"
PART_RECEIVED = (
    "已保存（这一部分共{length}字）。如还有内容可接着发送（接在后面），写完请点“本部分完成”。"
)
PART_EMPTY = "这一部分还没有内容。请先发送文字，或点“跳过”以后再写。"
PART_TOO_LONG = (
    "这一部分最多{limit}字，加上这次发送的内容就超过了，这次的内容没有保存。请精简后重新发送。"
)
ROW_QUESTION = "{progress}\n{block}<b>{label}</b>\n请依次填写{count}个数：{names}"
ROW_ONE_QUESTION = "{progress}\n{block}<b>{label}</b>：{names}\n请填写1个数"
ROW_EXAMPLE = "例如：<code>{example}</code>（没有的填0）"
ROW_SIGNED = "“{name}”比上年减少的填负数，例如 -2。"
ROW_LAST_YEAR = "上年：<code>{values}</code>"
ROW_LAST_YEAR_CARRY = "上年报告的“结转下年度继续办理”：<code>{values}</code>"
ROW_CURRENT = "已填：<code>{values}</code>（重新发送即可修改）"
ROW_SAVED = "已记录 {label}：<code>{values}</code>"
ROW_REFUSED = "没有记录：{reason}"
GATE_APPLICATIONS = (
    "{progress}\n<b>三、收到和处理政府信息公开申请情况</b>\n本年度是否收到政府信息公开申请？"
)
GATE_APPLICATIONS_CARRY = "上年报告中“结转下年度继续办理”为 {values}件，这些申请本年要继续办理。"
GATE_APPEALS = "{progress}\n<b>四、政府信息公开行政复议、行政诉讼情况</b>\n本年度是否有涉及政府信息公开的行政复议或行政诉讼？"
GATE_NO_APPLICATIONS_DONE = "已将第三部分“收到和处理政府信息公开申请情况”各项全部填为0。"
GATE_NO_APPLICATIONS_CARRY = "已将“本年新收”填为0。上年结转的申请仍需填写办理结果，下面逐项填写。"
GATE_NO_APPLICATIONS_ASK_CARRY = "已将“本年新收”填为0。请再填写上年结转的申请数量；没有的点“本行全为0”，第三部分其余各项就都填为0。"
GATE_NO_APPEALS_DONE = "已将第四部分“政府信息公开行政复议、行政诉讼情况”各项全部填为0。"
REST_ZERO_DONE = "已将“{table}”余下{count}行填为0。"
SAME_AS_LAST_YEAR_NONE = (
    "没有找到上年的报告数据，请直接填写。可以把上年报告（.docx）发给我，导入后就能对照。"
)
SAME_AS_LAST_YEAR_STOCK = (
    "按“同上年”填写时，“{label}”不能直接照搬上年数字，已按上年报告中{formula}算得{value}。"
    "如与实际不符，请点“上一步”重新填写本行。"
)
SAME_AS_LAST_YEAR_NEGATIVE = (
    "按上年报告推算，“{label}”会是{value}，不能为负数，上年的数字可能有误。请直接填写本行。"
)

# --- checks ---------------------------------------------------------------------------------
ERROR_FOUND = "❌ <b>发现错误</b>\n{description}\n请核对后重填有关的行。"
WARNING_FOUND = "⚠️ <b>请核实</b>\n{description}\n如确实无误，请点“核实无误，说明原因”。"
WARNING_ASK_REASON = "请用一句话说明为什么这样填（例如：上年报告填报有误，已核实）。说明会随报告保存，供上级核对时查看。"
WARNING_ACCEPTED = "已记录说明：{reason}"
WARNING_GONE = "这条提醒已经不存在了（数字可能已改正），不需要说明。"
WARNING_REASON_EMPTY = "请用文字说明原因（不能只填数字）。如不需要说明，请点“返回”。"
STALE_WRITE = "这一行刚刚被{who}修改过，现在是：<code>{values}</code>。您的输入没有保存，如仍需修改请重新发送。"
STALE_TEXT = "这一部分刚刚被{who}修改过，您这次发送的内容没有保存。请先点“上一步”再回来看看现在的内容，需要时重新发送。"
SOMEONE = "同事"

# --- navigation -----------------------------------------------------------------------------
CONTENTS = "<b>目录</b>（✅ 已完成　⚠️ 有待核实　❌ 有错误　… 未完成）\n点一节即可跳到那里。"
SAVED_EXIT = "已暂存。发送 /fill 可从这里接着填写。"
STALE_BUTTON = "这个按钮对应的问题已经回答过了，没有重复记录。当前的问题是："
UNKNOWN_BUTTON = "这个按钮已失效。请发送 /fill 继续填写。"
FIRST_QUESTION = "已经是第一个问题了。"
ALL_DONE = "🎉 全部内容已填写完成。"
MENU = "可用的命令：\n/fill 继续填写\n/review 预览\n/export 生成报告\n/last 上年数据\n/ledger 台账统计的来源\n/deadline 截止日期\n/switch 切换单位\n/help 帮助\n/cancel 暂存退出"
IDLE_TEXT = "现在没有正在填写的问题。" + "\n" + MENU
NO_ORGANISATION = "您还没有加入任何单位。请向本单位管理员索取邀请链接，点开链接即可加入。"
CHOOSE_ORGANISATION = "您加入了多个单位，请选择要填写哪个单位的报告："
ONLY_ONE_ORGANISATION = "您只加入了一个单位，不需要切换。"
START_REPORT = "开始填写 <b>{organisation}{year}年政府信息公开工作年度报告</b>。\n适用格式：{format}。共六部分，逐项询问，随时可以暂存。"
RESUME_REPORT = "继续填写 <b>{organisation}{year}年政府信息公开工作年度报告</b>。"
REOPENED = "这份报告已生成过正式文件，现已改回草稿；修改完成后请重新生成报告。"
BAD_YEAR = "年份有误。可填写2019年度至{last}年度的报告，例如：/fill {last}"

# --- review ---------------------------------------------------------------------------------
REVIEW_TITLE = "<b>{organisation}{year}年报告 预览</b>（{status}）"
REVIEW_SECTION = "{mark} {heading}{detail}"
REVIEW_MISSING = "（缺{count}项）"
REVIEW_PROBLEMS = "<b>待处理的问题（{count}个）</b>"
REVIEW_NO_PROBLEMS = "没有发现错误。"
REVIEW_ZERO_ROWS = "其余各行均为0"
REVIEW_LEGEND = "列：{legend}"
STATUS = {"draft": "草稿", "final": "已生成正式文件", "imported": "已导入"}

# --- export ---------------------------------------------------------------------------------
EXPORT_BLOCKED = "还有{count}处错误，不能生成正式报告。请先改正（点下面的按钮直接跳到有关的行），或先生成征求意见稿。"
EXPORT_MISSING = "还有{count}项没有填写（{sections}），请先填完；也可以先生成征求意见稿。"
EXPORT_DONE = (
    "报告已生成：{filename}\n请核对后按上级通知的时限报送，并于{publish_by}前向社会公布。"
    "落款日期为生成当天；如需其他日期，发送 /export 加日期，例如：/export 2027-01-20。"
    "以后如需修改，发送 /fill 修改后重新生成即可。"
)
EXPORT_DRAFT_DONE = "征求意见稿已生成：{filename}（页眉标注“征求意见稿”，不能作为正式报告公开）。"
EXPORT_UNAVAILABLE = "生成文档的功能暂时不可用，填写的内容都已保存。"
FILENAME = "{short}{year}年政府信息公开工作年度报告{suffix}.docx"
FILENAME_DRAFT = "（征求意见稿）"

# --- import of last year's report -----------------------------------------------------------
IMPORT_PREVIEW = (
    "从文件中读出 <b>{organisation}{year}年</b>报告（{format}）：\n{summary}\n"
    "确认后将作为{year}年的数据，用于对照和“同上年”。"
)
IMPORT_PROBLEMS = "有{count}处没能读出：\n{problems}"
IMPORT_NOTHING_READ = "这个文件中没有读出任何数字或文字，没有导入，已有的数据保持原样。"
IMPORT_REPLACES = (
    "<b>注意：</b>系统中已有{year}年的报告。确认导入后，将用文件中的数据全部替换原有数据"
    "（原报告如已定稿，将改为“已导入”状态）。"
)
IMPORT_CONFIRM = "确认导入"
IMPORT_CANCEL = "取消"
IMPORT_DONE = "已导入{year}年报告的数据。"
IMPORT_CANCELLED = "已取消，文件中的数据没有导入。"
IMPORT_REJECTED = "这个文件读不了：{reason}"
#: A Word file neither reader could open, refused in different words by each.
REFUSED_AS_REPORT_AND_LEDGER = "{report}\n如果发送的是依申请公开台账：{ledger}"
IMPORT_UNAVAILABLE = "读取文档的功能暂时不可用。"
IMPORT_LATER_YEAR = "这份报告是{year}年的，晚于正在填写的{current}年报告，没有导入。"
IMPORT_OTHER_ORGANISATION = (
    "⚠️ 请注意：文件标题中的单位是“{named}”，不是本单位（{organisation}）。"
    "如不是本单位的报告，请点“取消”。"
)
PREVIEW_ALL_ZERO = "全部为0"
PREVIEW_MORE_ROWS = "……另有{count}行不为0"
PREVIEW_PARTS = "文字部分：读出{read}个（共{parts}个）"

# --- this year's report sent as a file (dialogs/imports.py) ---------------------------------
DRAFT_PREVIEW = "从文件中读出 <b>{organisation}{year}年</b>报告（本年报告，{format}）。\n{preview}"
DRAFT_DIFFERENCES = "与已保存的本年报告相比，有{count}处不同：\n{lines}"
DRAFT_MORE_DIFFERENCES = "……另有{count}处不同"
DRAFT_BLANK_TO_ZERO = "草稿中还未填写的{count}个数字，文件中为0或空白（按0计）"
DRAFT_ASK = "确认后，以上不同之处按文件内容写入本年报告，并与逐项填写一样重新核对；文件中未读出的内容保持不变。"
DRAFT_FINAL_WARNING = (
    "⚠️ 本年报告已生成正式文件（已定稿）。确认后将用文件内容替换已定稿的报告，"
    "报告改回草稿，需要重新生成正式文件。"
)
DRAFT_IDENTICAL = "文件中的内容与已保存的本年报告一致，没有需要更新的地方。"
DRAFT_FORMAT_DIFFERS = (
    "文件中的表格是{read}，本年报告应使用{expected}，两者的行列不同，没有导入。"
    "请按本年格式填写后再发送。"
)
DRAFT_CONFIRM = "确认写入草稿"
DRAFT_CONFIRM_FINAL = "确认替换已定稿的报告"
DRAFT_PENDING = "请先确认是否按文件内容更新本年报告："
DRAFT_DONE = "已按文件内容更新本年报告：{what}。"
DRAFT_DONE_CELLS = "{count}个数字"
DRAFT_DONE_PARTS = "{count}个文字部分"
DRAFT_CHECKED_CLEAN = "核对未发现问题。"
DRAFT_CHECKED_ISSUES = "核对发现{count}处需要注意，请点“预览”查看。"
DRAFT_CANCELLED = "已取消，本年报告没有改动。"
FILE_NOT_DOCX = (
    "请发送 Word 文档（.docx、.doc）、PDF 或网页（.html）格式的年度报告，"
    "或 Excel（.xlsx、.xls）、CSV 格式的依申请公开台账。"
)

# --- onboarding -----------------------------------------------------------------------------
WELCOME_INTRO = (
    "您好！我是政府信息公开工作年度报告填报助手。我会逐项询问报告的文字和表格数字，"
    "边填边核对勾稽关系，最后生成符合格式要求的 Word 文档。"
)
WELCOME = WELCOME_INTRO + "\n" + MENU
SUPERVISOR_MENU = (
    "作为{offices}的上级主管，您可以：\n"
    "/progress 下级单位填报进度（可一键提醒未完成的单位）\n"
    "/summary 下级单位数据汇总（Excel、Word）\n"
    "/deadline 查看或规定截止日期，例如：/deadline 1月15日\n"
    "/help 帮助"
)
SUPERVISOR_NO_REPORT = "您是{offices}的上级主管，不需要在这里填写本单位的报告。"
JOINED_SUPERVISOR = "欢迎！您已加入 <b>{organisation}</b>（上级主管）。"
JOINED = "欢迎！您已加入 <b>{organisation}</b>（{role}）。发送 /fill 开始填写{year}年度报告。"
INVITE_UNKNOWN = "这个邀请链接无效。请向本单位管理员重新索取。"
INVITE_EXPIRED = "这个邀请链接已过期。请向本单位管理员重新索取。"
INVITE_USED = "这个邀请链接已经有人用过了（每个链接只能用一次）。请向本单位管理员重新索取。"
NOT_ADMIN = "只有系统管理员可以创建单位。如需加入本单位，请向管理员索取邀请链接。"
NEWORG_USAGE = "请在命令后写单位全称，例如：/neworg 赣州经济技术开发区蟠龙镇人民政府"
NEWORG_TOO_LONG = "单位名称太长了（最多{limit}字），请只写单位全称。"
NEWORG_EXISTS = "单位“{name}”已经存在。如需邀请同事，请发送 /invite {name}"
NEWORG_DONE = (
    "已创建单位：<b>{name}</b>（简称：{short}）。报告标题和文末落款将使用这个名称，请确认是全称。\n"
    "把下面的邀请链接发给本单位的填报人员，点开即可加入（{days}天内有效，只能用一次）：\n{link}"
)
INVITE_DONE = "<b>{name}</b> 的邀请链接（{role}，{days}天内有效，只能用一次）：\n{link}"
INVITE_USAGE = "请写明单位名称，例如：/invite 蟠龙镇"
ORG_NOT_FOUND = "没有找到单位“{name}”。"
ROLE_NAMES = {"clerk": "填报人员", "admin": "单位管理员", "supervisor": "上级主管"}
STRANGER = "您好！这是政府信息公开年度报告填报助手，仅供受邀的填报人员使用。如需使用，请向本单位管理员索取邀请链接。"
#: A member of an office served by another bot of the same deployment writes to this one.
WRONG_BOT = "您好！您所在单位的年度报告由 @{bot} 受理，请在该机器人中继续填报。"

# --- the Telegram adapter -------------------------------------------------------------------
#: The commands of a supervisor's menu (per-chat scope), after those of a clerk if also one.
SUPERVISOR_COMMANDS = (
    ("progress", "下级单位填报进度"),
    ("summary", "下级单位数据汇总"),
    ("deadline", "截止日期"),
    ("help", "帮助"),
)
COMMANDS = (
    ("fill", "继续填写"),
    ("review", "预览"),
    ("export", "生成报告"),
    ("last", "上年数据"),
    ("ledger", "台账统计的来源"),
    ("deadline", "报送截止日期"),
    ("help", "帮助"),
    ("switch", "切换单位"),
    ("cancel", "暂存退出"),
)
FILE_NOT_DOWNLOADED = "文件没有接收成功，请重新发送一次。"
FILE_TOO_BIG = "文件超过20MB，无法接收。年度报告的 Word 文档和依申请公开台账一般都不到1MB，请确认发送的文件是否正确。"
#: The database could not take the message (by kind of fault); nothing of it was saved.
DATABASE_FAULTS = {
    "busy": "系统正忙，刚才这条消息未能保存，请过一会儿再发送一次。此前已填写的内容都已保存。",
    "full": "服务器磁盘空间已满，刚才这条消息未能保存。此前已填写的内容都已保存。请联系系统管理员，稍后再发送。",
    "readonly": "服务器的数据暂时只能读取、不能写入，刚才这条消息未能保存。此前已填写的内容都已保存。请联系系统管理员，稍后再发送。",
    "io": "服务器读写数据时出错，刚才这条消息未能保存。此前已填写的内容都已保存。请联系系统管理员，稍后再发送。",
}
SOMETHING_WENT_WRONG = "抱歉，处理刚才的消息时出了问题。您已填写的内容都已保存，没有丢失。请稍后再试，或发送 /fill 继续。"
LAST_YEAR_NONE = (
    "还没有{year}年的报告数据。可以把{year}年的报告（.docx）发给我，确认后就能在填写时对照。"
)

# --- what the store refused (storage errors, worded by dialogs.errors.describe) --------------
STORE_ORG_NAME_EMPTY = "单位名称不能为空。"
STORE_ORG_NAME_TOO_LONG = "单位名称不能超过{limit}个字。"
STORE_ORG_NAME_FORBIDDEN = "单位名称不能含有“/”“\\”或控制字符，请填写单位的正式全称。"
STORE_ORG_DUPLICATE = "已有名为“{name}”的单位，请勿重复添加。"
STORE_ORG_AMBIGUOUS = "简称“{name}”对应多个单位（{candidates}），请使用单位全称。"
STORE_NAME_SEPARATOR = "、"
STORE_NOT_FOUND = {
    "organisation": "未找到编号为{id}的单位。",
    "person": "未找到该用户（编号{id}），请先登记后再操作。",
    "report": "未找到该年度报告（编号{id}）。",
}
STORE_FORMAT_MISMATCH = "{name}{year}年度报告已按{existing}填报，不能改用{requested}。"
STORE_STALE_WRITE = (
    "“{label}”刚刚已由{who}改为“{value}”，您这次填写的内容未保存，请核对后重新填写。"
)
STORE_STALE_WRITE_CLEARED = "“{label}”刚刚已由{who}清空，您这次填写的内容未保存，请核对后重新填写。"
STORE_SOMEONE_ELSE = "其他同事"
#: A stale value longer than this many characters is cut, and the cut marked.
STORE_PREVIEW_CHARS = 30
STORE_PREVIEW_CUT = "……"
STORE_OPEN_REFUSED = {
    "too_new": "数据库由更新版本的程序创建（结构版本{found}，本程序仅支持到{known}），请先升级程序。",
    "not_a_database": "文件“{path}”不是本程序的数据库文件，无法打开（{reason}）。",
    "busy": "数据库文件“{path}”正被其他程序长时间占用，暂时无法打开，请稍后再试。",
    "cannot_open": "无法打开数据库文件“{path}”，请检查路径是否存在、是否有读写权限（{reason}）。",
}
STORE_DATABASE_FAULT = "数据库暂时无法写入，刚才的操作未保存。"
STORE_LEDGER_REFUSED = {
    "wrong_year": "台账是按{counted_year}年统计的，不能写入{year}年的报告。",
    "wrong_format": "台账是按{counted_format}统计的，而该报告使用{format}，请重新统计。",
    "unmapped": "台账中还有{count}种写法未确定对应哪一项，确定后才能写入报告。",
    "bad_target": "“{target}”不是表三中的一项，无法记住这一选择。",
}
STORE_REPORT_LOCKED = {
    "submitted": "报告已提交上级审核，审核期间不能修改；如需修改，请先撤回审核申请。",
    "approved": "报告已审核通过，不能再修改；如需修改，请联系上级审核人员重新打开。",
}
STORE_COMMENT_EMPTY = "意见内容不能为空，请写明需要修改的地方。"
STORE_COMMENT_TOO_LONG = "每条意见不能超过{limit}个字。"

# --- deadlines and reminders ----------------------------------------------------------------
WEEKDAYS = "一二三四五六日"
DATE = "{year}年{month}月{day}日（星期{weekday}）"
DEADLINE_STATUTORY = "法定期限"
DEADLINE_INTERNAL = "{office}规定的期限"
DEADLINE_SHOW = "<b>{organisation}</b>{year}年度报告的报送截止日期：{date}，{basis}。{left}"
DEADLINE_LEFT = "还有{days}天。"
DEADLINE_TODAY = "今天截止。"
DEADLINE_PASSED = "已过期{days}天。"
DEADLINE_STILL_DUE = "请尽快报送，最迟不得晚于法定期限{date}。"
DEADLINE_OWN = "您为下级单位规定的{year}年度报告截止日期：{date}。"
DEADLINE_OWN_NONE = "您还没有为下级单位规定{year}年度报告的截止日期，按法定期限{date}。"
DEADLINE_SET_USAGE = "如需修改，请发送例如：/deadline 1月15日；恢复法定期限：/deadline 取消"
DEADLINE_SET_DONE = (
    "已将下级单位（{offices}）{year}年度报告的截止日期定为{date}。提醒将按新日期发送。"
)
DEADLINE_CLEARED = "已取消内部截止日期，{offices}的{year}年度报告按法定期限{date}报送。"
DEADLINE_TOLD = "已通知尚未完成的单位填报人员{people}人。"
DEADLINE_TOLD_NOBODY = "下级单位没有需要通知的填报人员（均已完成或尚无填报人员）。"
DEADLINE_NOTICE_SET = (
    "📅 {office}已将<b>{organisation}</b>{year}年度报告的报送截止日期定为{date}，{left}"
    "发送 /fill 继续填写。"
)
DEADLINE_NOTICE_CLEARED = (
    "📅 {office}已取消内部截止日期，<b>{organisation}</b>{year}年度报告按法定期限{date}报送，{left}"
)
DEADLINE_BAD_DATE = "没有看懂这个日期。请写成例如：/deadline 1月15日 或 /deadline 2027-01-15"
DEADLINE_OUT_OF_RANGE = "截止日期须在今天之后、法定期限{statutory}之前（含当日）。"
DEADLINE_NOT_SUPERVISOR = "只有上级主管单位的人员可以修改截止日期。本单位的截止日期见上。"
DEADLINE_CLEAR_WORDS = ("取消", "恢复", "法定")
REMINDER = "⏰ <b>{organisation}{year}年度报告</b>的截止日期是{date}，还有{days}天。尚未完成的有："
REMINDER_TODAY = "⏰ <b>{organisation}{year}年度报告</b>今天截止（{date}）。尚未完成的有："
REMINDER_LATE = (
    "⏰ <b>{organisation}{year}年度报告</b>的截止日期{date}已过{days}天，"
    "请尽快完成并报送，最迟不得晚于法定期限{statutory}。尚未完成的有："
)
REMINDER_GAP = "· {heading}：{detail}"
GAP_PARTS = "{count}段文字"
GAP_ROWS = "{count}行数据"
GAP_OTHER = "{count}个是否问题"
REMINDER_NO_GAPS = "· 各项均已填写，尚未生成正式报告"
REMINDER_ERRORS = "❌ 有{count}处错误需要改正："
REMINDER_ERROR = "  {number}. {description}"
REMINDER_MUTE_HINT = "不需要提醒的，可以点“不再提醒”。"
BTN_REMINDER_CONTINUE = "从缺项处继续填写"
BTN_MUTE = "不再提醒"
#: The supervisor's reminder of the reports waiting for them (one message a reminder day).
REVIEW_REMINDER = (
    "⏰ 有{count}个单位的{year}年度报告已提交，正在等待您审核。"
    "年度报告须于{statutory}前向社会公开。"
)
REVIEW_REMINDER_LINE = "{number}. {organisation}，{waited}"
REVIEW_REMINDER_WAITED = "{date}提交，已等待{days}天"
REVIEW_REMINDER_TODAY = "今天提交"
REVIEW_REMINDER_MORE = "另有{count}个单位的报告在等待审核，发送 /progress 可查看全部。"
REVIEW_REMINDER_HINT = "点下方按钮可查看报告，审核通过或退回修改。"
BTN_REVIEW_REMINDER_OPEN = "查看{office}的报告"
BTN_UNMUTE = "恢复提醒"
MUTED = "已停止{year}年度报告的提醒。需要时可以点“恢复提醒”。"
UNMUTED = "已恢复{year}年度报告的提醒。"

# --- last year's figures --------------------------------------------------------------------
LAST_USAGE = "用法：/last 2023 查看某年数据；/last 行政复议 查看某项历年数据。"
LAST_NO_YEAR = "没有{organisation}{year}年的报告数据。已有数据的年份：{years}。"
LAST_NO_YEARS = "还没有往年的报告数据。可以把往年的报告（.docx）发给我导入。"
LAST_NO_MATCH = "没有找到与“{keyword}”有关的数据项。可以试试：行政复议、行政诉讼、规范性文件、行政许可、本年新收、结转。"
LAST_KEYWORD_TITLE = "<b>{organisation}“{keyword}”历年数据</b>"
LAST_TREND_TITLE = "<b>主要数据逐年对比</b>"
LAST_MORE = "（另有{count}项，请用更具体的关键词）"
NOT_AVAILABLE = "—"
#: The main totals compared year on year: (cell id, label). The ids are shared by both formats.
MAIN_TOTALS = (
    ("applications.new.total", "本年新收申请"),
    ("applications.carried_over.total", "上年结转申请"),
    ("applications.results_total.total", "办理结果总计"),
    ("applications.granted.total", "予以公开"),
    ("applications.carried_forward.total", "结转下年度"),
    ("review.total", "行政复议"),
    ("litigation_direct.total", "直接起诉"),
    ("litigation_after_review.total", "复议后起诉"),
)

# --- the county office ----------------------------------------------------------------------
NOT_SUPERVISOR = "只有上级主管单位的人员可以查看下级单位的填报情况。"
NO_MEMBER_OFFICES = "<b>{organisation}</b>下面还没有下级单位。"
PROGRESS_TITLE = "<b>{organisation}下级单位{year}年度报告填报进度</b>\n截止日期：{date}，{left}"
PROGRESS_LATE = "，逾期{days}天"
PROGRESS_UNREACHABLE = "；⚠️无法联系：{names}（已屏蔽本机器人或注销账号）"
PROGRESS_LATE_OFFICES = "已过截止日期仍未完成的{count}个：{offices}。"
PROGRESS_LINE = "{mark} {name}：{state}{errors}；最近填写：{activity}"
PROGRESS_DONE = "已生成正式报告"
PROGRESS_PERCENT = "已填{percent}%"
PROGRESS_NOT_STARTED = "未开始"
PROGRESS_ERRORS = "，{count}处错误"
PROGRESS_NEVER = "无"
PROGRESS_SUMMARY = "共{total}个单位：已完成{done}个，未完成{behind}个。"
BTN_REMIND_BEHIND = "提醒未完成的单位"
REMINDED_BEHIND = "已提醒{people}人（{offices}）。"
REMINDED_NOBODY = "这次没有提醒任何人。"
NUDGE_WHO = "{name}（{office}）"
NUDGE_MUTED = "其中{count}人关闭了例行提醒，本次督促照常送达：{people}。"
#: Why people were not nudged, by reason (shown in this order).
NUDGE_SKIPPED = {
    "finished": "已完成、不再提醒：{names}。",
    "nobody": "没有填报人员、无法提醒：{names}。",
    "unreachable": "无法联系（已屏蔽本机器人或注销账号），未提醒：{names}。",
    "today": "今天已提醒过：{names}。",
}
NUDGE_UNDELIVERED = (
    "其中{count}人未能送达（已屏蔽本机器人或注销账号），实际送达{reached}人。"
    "未送达：{names}，请通过其他方式联系。"
)
NUDGE_FROM = "{office}提醒您："
SUMMARY_TITLE = "<b>{organisation}下级单位{year}年度报告数据汇总</b>"
SUMMARY_COVERAGE = (
    "共{total}个单位，{reported}个有数据（其中{final}个已生成正式报告）。未填的数不计入合计。"
)
SUMMARY_PROVISIONAL = "⚠️ 以下单位的数据尚未定稿，合计仅供参考：{offices}。"
SUMMARY_PROVISIONAL_OFFICE = "{name}（{state}）"
SUMMARY_DRAFT = "未定稿"
SUMMARY_ERRORS = "未定稿，{count}处错误未改"
SUMMARY_EMPTY = "未填任何数据：{offices}。"
SUMMARY_NO_DATA = "下级单位还没有{year}年的报告数据。"
SUMMARY_FILES = "汇总表：{xlsx}、{docx}"
SUMMARY_FILENAME = "{short}{year}年度政府信息公开工作年度报告汇总表.{ext}"
SUMMARY_BAD_YEAR = "年份不对，例如：/summary 2025"

# --- shorter prompts (issue 13): legend, echo, sample wording, deadlines --------------------
LEGEND = "本表每行依次填{count}个数：{names}。{total}没有的填0，例如：<code>{example}</code>"
LEGEND_TOTAL = "“{total}”由系统自动计算，不用填。"
LEGEND_BLOCK = "{title}：{names}"
ROW_SAVED_GROUP = "已记录 {group} › {label}：<code>{values}</code>{total}"
ROW_SAVED_PLAIN = "已记录 {label}：<code>{values}</code>{total}"
ROW_SAVED_TOTAL = "，总计 {total}"
#: Sample wording of the lead paragraph by kind of office (report.offices.OfficeKind);
#: {self} is how the office calls itself (我镇, 我区, 我局), {level} its level (镇, 区, 县).
PART_EXAMPLES = {
    "township": {
        "overview.summary": (
            "本年度，{self}认真贯彻落实《中华人民共和国政府信息公开条例》和上级政务公开工作要点，"
            "通过政府网站信息公开专栏和政务公开栏主动公开政府信息120条……"
        ),
    },
    "government": {
        "overview.summary": (
            "本年度，{self}认真贯彻落实《中华人民共和国政府信息公开条例》，围绕{level}委、{level}政府中心工作"
            "推进政务公开，通过政府门户网站主动公开政府信息1200条……"
        ),
    },
    "department": {
        "overview.summary": (
            "本年度，{self}认真贯彻落实《中华人民共和国政府信息公开条例》，结合部门职责，"
            "通过政府门户网站本部门专栏主动公开政府信息80条……"
        ),
    },
}
DATE_PLAIN = "{year}年{month}月{day}日"
TIMING_AHEAD = "报送截止日期：{date}，还有{days}天。"
TIMING_TODAY = "今天（{date}）是报送截止日期。"
TIMING_LATE = "报送截止日期{date}已过{days}天，请尽快完成并报送。"
TIMING_BACKFILL = "这是补报的{year}年度报告（法定报送期限{date}已过），请按上级要求尽快补报。"
EXPORT_NOTE_AHEAD = (
    "请核对后按上级通知的时限报送，并于{date}前向社会公布。"
    "落款日期为生成当天；如需其他日期，发送 /export 加日期，例如：/export {example}。"
)
EXPORT_NOTE_LATE = (
    "法定公布期限{date}已过，请核对后尽快报送并向社会公布。"
    "落款日期为生成当天；如需其他日期，发送 /export 加日期，例如：/export {example}。"
)
EXPORT_NOTE_BACKFILL = (
    "这是补报的{year}年度报告（法定期限{date}已过），请核对后按上级要求报送并公布。"
    "落款日期已留空，请填写实际成文日期；也可以发送 /export 加日期重新生成，例如：/export {example}。"
)

# --- the application ledger (dialogs.ledger_flow) -------------------------------------------
BTN_LEDGER_CONFIRM = "写入表三"
BTN_LEDGER_CANCEL = "不写入"
BTN_LEDGER_SOURCES = "查看数字来自台账哪几行"
BTN_LEDGER_ROW = "{label}（{total}件）"
LEDGER_SUMMARY = "<b>收到台账“{name}”</b>\n{body}"
LEDGER_SUMMARY_AGAIN = "<b>按台账“{name}”统计</b>\n{body}"
#: After a ledger mostly of another year than the report being filled: how to count it for that year.
LEDGER_OTHER_YEAR_FILL = (
    "如果要填的是{year}年度报告，请先点“不写入”，发送 /fill {year} 打开该年度报告后再发送台账。"
)
LEDGER_CONFIRM = (
    "以上是按台账统计的表三（第三部分“收到和处理政府信息公开申请情况”）的数字。"
    "核对无误请点“写入表三”；点之前，报告中的数字不会改动。"
)
LEDGER_CONFIRM_REPLACE = (
    "以上是按台账统计的表三（第三部分“收到和处理政府信息公开申请情况”）的数字。"
    "点“写入表三”后，表三已填的数字将按台账统计改写；"
    "点之前，报告中的数字不会改动。"
)
LEDGER_QUESTION = (
    "<b>请您确定台账中的写法</b>（还有{count}种未确定；选择会记住，以后的台账不再询问）\n{question}"
)
LEDGER_REMEMBERED = "已记住：本单位台账中的“{value}”计入“{target}”，以后发送台账不再询问。"
LEDGER_WRITTEN_NEW = "已将台账统计写入表三，表三各项都已填好。"
LEDGER_WRITTEN_OVER = "已将台账统计写入表三，原来已填的数字中有{changed}个按台账作了改动。"
LEDGER_WRITTEN_SOURCE = "修改记录中注明了来源：台账“{name}”。"
LEDGER_CANCELLED = "已取消，台账统计没有写入，表三没有改动。"
LEDGER_REJECTED = "这份台账没有统计：{reason}\n报告中的数字没有改动。"
LEDGER_UNAVAILABLE = "读取台账的功能暂时不可用，报告中的数字没有改动。"
LEDGER_WAITING = "台账统计还在等您确认。"
LEDGER_ALREADY_WRITTEN = "这份台账的统计已经写入表三，不需要再点。"
LEDGER_EXPIRED = "这份台账的统计已不再等待确认，没有写入。如需写入，请重新发送台账。"
LEDGER_NONE = (
    "还没有收到台账。把本单位的依申请公开台账（Excel、CSV 或含表格的 Word 文档）直接发给我，"
    "就能按台账统计出表三的数字。"
)
LEDGER_NOT_COMPLETE = "台账中还有写法没有确定，确定后才能查看各数字的来源。"
LEDGER_SOURCES_CHOOSE = "台账“{name}”：要查看表三哪一行的数字来自台账哪几行？"
LEDGER_SOURCES_NOT_FOUND = "表三中没有找到“{words}”这一行。"
LEDGER_SOURCES_ALL_ZERO = "按台账“{name}”统计，表三各项均为0，没有可查看的来源。"
LEDGER_SOURCES_ROW = "<b>{label}</b>：共{total}件（台账“{name}”）\n{lines}"
LEDGER_SOURCES_CELL = "{column}{count}件：{rows}"
LEDGER_STALE = "在您确认之前，{who}修改了表三，台账统计没有写入。下面按表三现在的数字重新列出差异，请再核对一次。"
LEDGER_NO_HEADER_IN_DOCX = "文档中没有台账的表头。"

# --- review and sign-off (dialogs.review_flow) ----------------------------------------------
BTN_SUBMIT = "提交上级审核"
BTN_RESUBMIT = "修改完毕，重新提交审核"
BTN_WITHDRAW = "撤回审核申请"
BTN_APPROVE = "审核通过"
BTN_RETURN_REPORT = "退回修改"
BTN_VIEW_REPORT = "查看报告"
BTN_REOPEN = "重新打开"
BTN_ANOTHER_COMMENT = "再写一条意见"
BTN_SEND_RETURN = "发送退回意见（{count}条）"
BTN_CANCEL_RETURN = "放弃退回"
BTN_BACK_TO_SECTIONS = "返回目录"
BTN_GO_TO_COMMENT = "去修改：{place}"
BTN_FINAL_COPY = "定稿"
BTN_FINAL_WITH_APPENDIX = "定稿（附审核情况说明）"
REVIEW_CAN_SUBMIT = "本单位的报告须经上级单位审核。核对无误后，请点“{button}”。"
REVIEW_WAITING = "报告已于{when}提交上级审核，正在等待审核，审核期间不能修改。"
REVIEW_RETURNED_OPEN = "上级退回的意见还有{count}条没有处理，改好后请重新提交审核。"
REVIEW_IS_APPROVED = "报告已于{when}审核通过，已是定稿，不能再修改。"
REVIEW_SUBMITTED = (
    "已提交{office}审核。审核期间报告不能修改；如发现问题，可点“撤回审核申请”撤回后修改。"
    "审核结果会在这里通知您。"
)
REVIEW_NO_SUPERVISOR_DONE = "本单位没有上级审核人员，报告填完后可直接生成正式报告。"
REVIEW_WITHDRAWN = "已撤回审核申请，可以继续修改。改好后请重新提交审核。"
REVIEW_LOCKED_EXPORT = (
    "报告还没有经上级审核通过，现在生成的是征求意见稿：{filename}（页眉标注“征求意见稿”）。"
    "审核通过后即可生成正式报告。"
)
#: To the supervisor when a report is handed in.
REVIEW_HANDED_IN = "📥 <b>{organisation}</b>提交了{year}年政府信息公开工作年度报告，请审核。"
REVIEW_HANDED_IN_AGAIN = (
    "📥 <b>{organisation}</b>按退回意见修改后，重新提交了{year}年度报告，请审核。"
)
REVIEW_TOTALS = "<b>主要数据</b>（本年 / 上年）："
REVIEW_TOTAL_LINE = "{label}：{now} / {last}{far}"
REVIEW_FAR = "（变化较大）"
REVIEW_NO_LAST_YEAR = "（系统中没有上年报告，无法比较）"
REVIEW_ACCEPTED = "<b>填报人员核实并说明的提醒</b>（{count}条）："
REVIEW_ACCEPTED_LINE = "{number}. {description}\n   说明：{reason}"
REVIEW_ACCEPTED_NONE = "没有需要说明的提醒。"
REVIEW_DRAFT_ATTACHED = "报告草稿（征求意见稿）见附件。"
REVIEW_CHANGES = "<b>退回以来的修改</b>（{count}处）："
REVIEW_CHANGE_LINE = "· {label}：{before} → {after}"
REVIEW_CHANGE_TOTAL = "（合计）"
REVIEW_CHANGES_NONE = "退回以来报告没有改动。"
REVIEW_CHANGES_MORE = "……另有{count}处修改，可点“查看报告”查看全文。"
REVIEW_EMPTY_VALUE = "空"
REVIEW_COMMENTS_ANSWERED = "退回的{total}条意见中，已修改{answered}条。"
REVIEW_VIEW_TITLE = "（只读，供审核查看；当前状态：{status}）"
#: Writing a return.
RETURN_PICK_SECTION = (
    "退回<b>{organisation}</b>的报告：请选择要提意见的部分，再选具体的行。"
    "可以写多条意见，写完后一并发送。"
)
RETURN_PICK_PLACE = "<b>{heading}</b>：请选择要提意见的{what}。"
RETURN_WHAT_ROWS = "行"
RETURN_WHAT_PART = "内容"
RETURN_PICK_CELL = (
    "“{row}”这一行共{count}栏。意见只涉及其中一栏的，请选择该栏；涉及整行的，请点“整行”。"
)
BTN_WHOLE_ROW = "整行"
COMMENT_CELL = "{row}·{column}"
COMMENT_ROW_IN_TABLE = "{table}：{row}"
COMMENT_CELL_SUFFIX = "·{column}"
RETURN_ASK_TEXT = "请写明“{place}”需要怎样修改（一条消息，不超过{limit}字）："
RETURN_NOTED = "已记下第{number}条意见（{place}）：{text}"
RETURN_PICK_FIRST = "请先选择这条意见针对报告的哪一部分、哪一行，再写意见。"
RETURN_TEXT_EMPTY = "意见不能只有空白或数字，请写明需要修改的地方。"
RETURN_TEXT_TOO_LONG = "每条意见不超过{limit}字，请精简后重新发送。"
RETURN_CANCELLED = "已放弃退回，写好的意见没有发送。报告仍在等待您审核。"
RETURN_NOT_WRITING = "没有正在填写的退回意见。"
RETURN_SENT = "已退回{organisation}，附{count}条意见。填报人员修改后重新提交时，会通知您。"
RETURNED_TO_CLERK = (
    "↩️ <b>{office}</b>退回了您单位的{year}年度报告，请按以下{count}条意见修改，改完后重新提交审核："
)
RETURNED_COMMENT = "{number}. <b>{place}</b>\n{text}"
RETURNED_COMMENT_DONE = "（已修改）"
APPROVED_SUPERVISOR = (
    "✅ 已审核通过{organisation}的{year}年度报告。报告已成为定稿，填报人员不能再修改；"
    "如确需修改，可在“查看报告”中重新打开。"
)
APPROVED_TO_CLERK = (
    "✅ <b>{office}</b>已审核通过您单位的{year}年度报告。报告已成为定稿，正式报告见附件，"
    "请于{publish_by}前向社会公布。"
)
REOPENED_SUPERVISOR = (
    "已重新打开{organisation}的{year}年度报告，填报人员可以修改；改好后须重新提交审核。"
)
REOPENED_TO_CLERK = (
    "🔓 <b>{office}</b>重新打开了您单位的{year}年度报告，可以修改。改好后请重新提交审核。"
)
REVIEW_COPY = "{organisation}{year}年度报告（{status}）：{filename}"
REVIEW_COPY_APPENDIX = "{organisation}{year}年度报告（{status}），后附审核情况说明：{filename}"
REVIEW_TOTAL_LABELS = {"applications.results_total.total": "三、本年度办理结果总计"}
REVIEW_NOT_ALLOWED = "您不能查看这份报告：它不是您所审核的下级单位的报告。"
APPENDIX_WORDS = ("附件", "appendix", "审核情况说明")
PROGRESS_REVIEW = "；{status}"
PROGRESS_WAITED = "{status}{days}天"
PROGRESS_WAITED_TODAY = "{status}（今天）"
PROGRESS_OPEN_COMMENTS = "，{count}条意见未改"
LOCKED_NOT_SAVED = "没有保存。"
REVIEW_MOMENT = "{month}月{day}日 {time}"

# --- fixing as cheap as entering (issue 13) ---------------------------------------------------
STILL_OPEN = "⚠️ 这一行已改，但下面的错误仍未消除："
BTN_GROUP_REST_ZERO = "{group}余下为0"
GROUP_REST_ZERO_DONE = "已将“{group}”本行及以下共{count}行填为0。"
PART_SAVED_NEXT = "已保存（上一部分共{length}字）。如还有内容，请点下方“补充上一部分”。"
PART_SAVED_APPEND = "已保存（这一部分共{length}字）。如还有内容，请点“补充”。"
BTN_APPEND = "补充"
BTN_APPEND_PREVIOUS = "补充上一部分"
PART_CURRENT_APPEND = (
    "已填写的内容（{length}字）：\n<i>{excerpt}</i>\n请发送要补充的内容，将接在已有文字后面；"
    "不补充了请点“保留原文”。"
)
PART_FIGURES_ONLY = (
    "您发送的“{text}”只有数字。这是表格数字吗？"
    "要填表格某一行，请在数字前写行号，例如：<code>三（三）5 1 0 0 0 0 0</code>，"
    "或点“目录”找到那一行；如果这就是本部分的文字，请点“照原样保存”。"
)
BTN_TEXT_AS_IS = "照原样保存"
WARNINGS_FOUND = "⚠️ <b>请核实</b>\n{description}\n如某一条确实无误，请点该条的“核实无误”按钮并说明原因（每条单独说明）。"
BTN_ACCEPT_NUMBERED = "第{number}条核实无误"
WARNING_ASK_REASON_FOR = "关于这一条：{description}\n"
EXPORT_DONE_NOTE = "报告已生成：{filename}\n{note}以后如需修改，发送 /fill 修改后重新生成即可。"
ROW_QUESTION_HEAD = "{progress}\n{block}<b>{label}</b>"
ROW_QUESTION_SHORT = "请填{count}个数，各栏同前（发送“？”可再看各栏说明）。"
#: What a clerk types to see a table's columns again.
LEGEND_REQUESTS = frozenset({"?", "？", "说明", "栏目", "栏目说明"})
ERROR_CLEARED = "✅ 改正后，这一行涉及的错误已消除。"
EDITED_APPLIED = "已按修改后的消息更正："
EDITED_REFUSED = "修改后的消息没有记录：{reason}"
EDITED_OTHER = (
    "修改过的消息只用来更正表格某一行最后一次填的数字；这条修改没有记录。"
    "如需更正，请直接重新发送，或点“上一步”回到那一项。"
)
UNSUPPORTED_KIND = "图片、语音和表情无法识别，请用文字发送，或发送报告文件（Word、PDF等）。"
STALE_TEXT_ANSWER = "这条回答是给前一个问题的，问题已经变了，没有记录。请按当前问题重新填写："
ROW_LIST = (
    "<b>按行查找</b>（第{page}/{pages}页；✅ 已填　… 未填）\n点一行即可填写或修改。"
    "也可以在任何时候直接发送行号和数字，例如：<code>四 2 1 0 0 1 0</code>。"
)
ROW_LIST_ITEM = "{mark} {code} {label}"
BTN_ROW_LIST = "按行查找"
BTN_PAGE_BACK = "上一页"
BTN_PAGE_NEXT = "下一页"
BTN_TABLES_FIRST = "先填表格"
START_TABLES_FIRST = "叙述部分常要引用表格里的数字，也可以先填表格，再写叙述部分。"
