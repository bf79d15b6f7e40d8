<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AboutDialog</name>
    <message>
        <source>embedded store {0}</source>
        <translation>内置数据库 {0}</translation>
    </message>
    <message>
        <source>About EL Console</source>
        <translation>关于 EL 控制台</translation>
    </message>
    <message>
        <source>EL Console {0}</source>
        <translation>EL 控制台 {0}</translation>
    </message>
    <message>
        <source>Review, lookup and statistics for a photovoltaic EL test line.</source>
        <translation>光伏组件 EL 测试线的复判、查询与统计。</translation>
    </message>
    <message>
        <source>none (the log folder cannot be written)</source>
        <translation>无（日志文件夹无法写入）</translation>
    </message>
    <message>
        <source>Store:</source>
        <translation>数据库：</translation>
    </message>
    <message>
        <source>Log file:</source>
        <translation>日志文件：</translation>
    </message>
</context>
<context>
    <name>CellGridView</name>
    <message>
        <source>No module shown</source>
        <translation>未显示组件</translation>
    </message>
</context>
<context>
    <name>CrashReporter</name>
    <message>
        <source>The details are in {0}.</source>
        <translation>详细信息见 {0}。</translation>
    </message>
    <message>
        <source>EL Console: unexpected error</source>
        <translation>EL 控制台：意外错误</translation>
    </message>
    <message>
        <source>Something went wrong that the console did not expect:

{0}

Your data is safe; you can keep working. {1}</source>
        <translation>控制台遇到了意外错误：

{0}

您的数据是安全的，可以继续工作。{1}</translation>
    </message>
    <message>
        <source>{0} more unexpected error(s) happened meanwhile</source>
        <translation>其间又发生了 {0} 个意外错误</translation>
    </message>
</context>
<context>
    <name>DefectType</name>
    <message>
        <source>Crack</source>
        <translation>隐裂</translation>
    </message>
    <message>
        <source>Cold solder joint</source>
        <translation>虚焊</translation>
    </message>
    <message>
        <source>Dark / failed cell</source>
        <translation>黑片 / 失效电池片</translation>
    </message>
    <message>
        <source>Mixed-grade cell</source>
        <translation>混档电池片</translation>
    </message>
</context>
<context>
    <name>DefectsPanel</name>
    <message>
        <source>The defects as they will be stored</source>
        <translation>将要保存的缺陷</translation>
    </message>
    <message>
        <source>Marking:</source>
        <translation>标记：</translation>
    </message>
    <message>
        <source>&amp;AI marks</source>
        <translation>AI 标记(&amp;A)</translation>
    </message>
    <message>
        <source>Clicks mark what the AI found</source>
        <translation>点击标记 AI 发现的缺陷</translation>
    </message>
    <message>
        <source>&amp;Operator marks</source>
        <translation>操作员标记(&amp;O)</translation>
    </message>
    <message>
        <source>Clicks mark what the operator keeps or adds</source>
        <translation>点击标记操作员保留或新增的缺陷</translation>
    </message>
    <message>
        <source>● confirmed (both)    ⊗ rejected (AI only)    ▲ added (operator only)</source>
        <translation>● 确认（双方）    ⊗ 驳回（仅 AI）    ▲ 新增（仅操作员）</translation>
    </message>
    <message>
        <source>Defect type:</source>
        <translation>缺陷类型：</translation>
    </message>
    <message>
        <source>{0}; key {1}</source>
        <translation>{0}；按键 {1}</translation>
    </message>
    <message>
        <source>Operator &amp;confirms all AI marks</source>
        <translation>操作员确认全部 AI 标记(&amp;C)</translation>
    </message>
    <message>
        <source>Copy every AI mark into the operator&apos;s marks</source>
        <translation>将所有 AI 标记复制为操作员标记</translation>
    </message>
    <message>
        <source>Clear marks</source>
        <translation>清除标记</translation>
    </message>
    <message>
        <source>Operator confirmed {0} AI mark(s).</source>
        <translation>操作员已确认 {0} 个 AI 标记。</translation>
    </message>
    <message>
        <source>Every AI mark is already confirmed.</source>
        <translation>所有 AI 标记均已确认。</translation>
    </message>
    <message>
        <source>the operator&apos;s</source>
        <translation>操作员的</translation>
    </message>
    <message>
        <source>the AI&apos;s</source>
        <translation>AI 的</translation>
    </message>
    <message>
        <source>no type</source>
        <translation>无类型</translation>
    </message>
    <message>
        <source>A click toggles a &lt;b&gt;{0}&lt;/b&gt; mark in {1} set</source>
        <translation>点击可在{1}标记中切换 &lt;b&gt;{0}&lt;/b&gt; 标记</translation>
    </message>
</context>
<context>
    <name>EntryMarks</name>
    <message>
        <source>confirmed</source>
        <translation>确认</translation>
    </message>
    <message>
        <source>rejected (AI only)</source>
        <translation>驳回（仅 AI）</translation>
    </message>
    <message>
        <source>added (operator)</source>
        <translation>新增（操作员）</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>驳回</translation>
    </message>
    <message>
        <source>added</source>
        <translation>新增</translation>
    </message>
    <message>
        <source>no defects</source>
        <translation>无缺陷</translation>
    </message>
    <message>
        <source>{0} {1}</source>
        <translation>{1} {0} 个</translation>
    </message>
    <message>
        <source>{0} defect: {1}</source>
        <translation>{0} 个缺陷：{1}</translation>
    </message>
    <message>
        <source>{0} defects: {1}</source>
        <translation>{0} 个缺陷：{1}</translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
</context>
<context>
    <name>EntryTab</name>
    <message>
        <source>Review  (F9)</source>
        <translation>复判  (F9)</translation>
    </message>
    <message>
        <source>Manual entry  (F10)</source>
        <translation>手动录入  (F10)</translation>
    </message>
    <message>
        <source>{0} judgment(s) have not reached the store yet. They stay on this station and are sent when the console starts again. Close anyway?</source>
        <translation>{0} 条判定尚未写入数据库。它们保留在本工位，控制台再次启动时发送。仍要关闭吗？</translation>
    </message>
</context>
<context>
    <name>FiguresPanel</name>
    <message>
        <source>Key figures</source>
        <translation>关键指标</translation>
    </message>
    <message>
        <source>Hover over a figure for its definition.</source>
        <translation>将鼠标悬停在指标上可查看其定义。</translation>
    </message>
</context>
<context>
    <name>GridLegend</name>
    <message>
        <source>&lt;b&gt;Colour = type&lt;/b&gt;</source>
        <translation>&lt;b&gt;颜色 = 类型&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Symbol = fate&lt;/b&gt;</source>
        <translation>&lt;b&gt;符号 = 判定结果&lt;/b&gt;</translation>
    </message>
    <message>
        <source>split between halves</source>
        <translation>半片分界线</translation>
    </message>
</context>
<context>
    <name>HeatMapPanel</name>
    <message>
        <source>all types</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <source>{0} ({1})</source>
        <translation>{0}（{1}）</translation>
    </message>
    <message>
        <source>AI confirmed</source>
        <translation>AI 确认</translation>
    </message>
    <message>
        <source>operator added</source>
        <translation>操作员新增</translation>
    </message>
    <message>
        <source>AI rejected</source>
        <translation>AI 驳回</translation>
    </message>
    <message>
        <source>Layout</source>
        <translation>版型</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>No defect positions in this window</source>
        <translation>此时间范围内无缺陷位置</translation>
    </message>
    <message>
        <source>No defects with a position in this window.</source>
        <translation>此时间范围内没有带位置的缺陷。</translation>
    </message>
    <message>
        <source>Defect positions, {0}: {1}, {2} defects</source>
        <translation>缺陷位置，{0}：{1}，共 {2} 个缺陷</translation>
    </message>
    <message>
        <source>Tick at least one fate to count.</source>
        <translation>请至少勾选一种判定结果进行统计。</translation>
    </message>
    <message>
        <source>No defects of this kind on this layout in the window.</source>
        <translation>此时间范围内该版型没有此类缺陷。</translation>
    </message>
    <message>
        <source>{0} defects at positions outside the {1} × {2} grid are not drawn.</source>
        <translation>{0} 个缺陷位于 {1} × {2} 网格之外，未绘制。</translation>
    </message>
</context>
<context>
    <name>Layout</name>
    <message>
        <source>mono</source>
        <translation>单晶</translation>
    </message>
    <message>
        <source>poly</source>
        <translation>多晶</translation>
    </message>
    <message>
        <source>full</source>
        <translation>整片</translation>
    </message>
    <message>
        <source>half</source>
        <translation>半片</translation>
    </message>
</context>
<context>
    <name>LookupExport</name>
    <message>
        <source> ({0})</source>
        <translation>（{0}）</translation>
    </message>
    <message>
        <source>Tested {0} at station {1}, {2}</source>
        <translation>测试于 {0}，工位 {1}，{2}</translation>
    </message>
    <message>
        <source>AI verdict {0}, operator verdict {1}{2}</source>
        <translation>AI 判定 {0}，操作员判定 {1}{2}</translation>
    </message>
    <message>
        <source>{0} defects</source>
        <translation>{0} 个缺陷</translation>
    </message>
    <message>
        <source> [{0}]</source>
        <translation> [{0}]</translation>
    </message>
    <message>
        <source>{0}  {1}, {2}, by {3}, {4}{5}</source>
        <translation>{0}  {1}，{2}，由 {3}，{4}{5}</translation>
    </message>
    <message>
        <source>No defects are stored for this test.</source>
        <translation>此测试没有保存缺陷。</translation>
    </message>
</context>
<context>
    <name>LookupLegend</name>
    <message>
        <source>AI found, operator confirmed</source>
        <translation>AI 发现，操作员确认</translation>
    </message>
    <message>
        <source>AI found, operator rejected (overkill)</source>
        <translation>AI 发现，操作员驳回（过杀）</translation>
    </message>
    <message>
        <source>operator added (AI missed)</source>
        <translation>操作员新增（AI 漏检）</translation>
    </message>
</context>
<context>
    <name>LookupModels</name>
    <message>
        <source>off-grid (not drawn)</source>
        <translation>超出网格（未绘制）</translation>
    </message>
    <message>
        <source>not drawn (unknown layout)</source>
        <translation>未绘制（未知版型）</translation>
    </message>
    <message>
        <source>a type not in the settings</source>
        <translation>未在设置中定义的类型</translation>
    </message>
    <message>
        <source>AI found / operator confirmed</source>
        <translation>AI 发现 / 操作员确认</translation>
    </message>
    <message>
        <source>AI found / operator rejected</source>
        <translation>AI 发现 / 操作员驳回</translation>
    </message>
    <message>
        <source>operator added (AI missed)</source>
        <translation>操作员新增（AI 漏检）</translation>
    </message>
    <message>
        <source>fate unclear (odd stored link)</source>
        <translation>结果不明（存储的关联异常）</translation>
    </message>
    <message>
        <source>operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <source>time unknown</source>
        <translation>时间未知</translation>
    </message>
    <message>
        <source>{0} — {1}, {2}, by {3}, {4}</source>
        <translation>{0} — {1}，{2}，由 {3}，{4}</translation>
    </message>
    <message>
        <source>Tested (plant time)</source>
        <translation>测试时间（工厂时间）</translation>
    </message>
    <message>
        <source>Station</source>
        <translation>工位</translation>
    </message>
    <message>
        <source>Layout</source>
        <translation>版型</translation>
    </message>
    <message>
        <source>AI verdict</source>
        <translation>AI 判定</translation>
    </message>
    <message>
        <source>Operator verdict</source>
        <translation>操作员判定</translation>
    </message>
    <message>
        <source>Defects</source>
        <translation>缺陷</translation>
    </message>
    <message>
        <source>Damaged</source>
        <translation>数据损坏</translation>
    </message>
    <message>
        <source>damaged</source>
        <translation>已损坏</translation>
    </message>
    <message>
        <source>Cell</source>
        <translation>电池片</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Fate</source>
        <translation>判定结果</translation>
    </message>
    <message>
        <source>By</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Time (plant)</source>
        <translation>时间（工厂）</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>LookupTab</name>
    <message>
        <source>Scan or type a barcode (or part of one) and press Enter.</source>
        <translation>请扫描或输入条码（或条码的一部分）并按回车。</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; was not looked up: {1}. Try again when the store answers.</source>
        <translation>未能查询“{0}”：{1}。请在数据库恢复响应后重试。</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; was not looked up: {1}.</source>
        <translation>未能查询“{0}”：{1}。</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; was not looked up: an unexpected error ({1}); see the log.</source>
        <translation>未能查询“{0}”：意外错误（{1}）；请查看日志。</translation>
    </message>
    <message>
        <source>barcode, or part of one</source>
        <translation>条码，或条码的一部分</translation>
    </message>
    <message>
        <source>Look up</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>Export map…</source>
        <translation>导出缺陷图…</translation>
    </message>
    <message>
        <source>Save the chosen test&apos;s defect map as a PNG picture or a PDF page.</source>
        <translation>将所选测试的缺陷图保存为 PNG 图片或 PDF 页面。</translation>
    </message>
    <message>
        <source>Module barcode:</source>
        <translation>组件条码：</translation>
    </message>
    <message>
        <source>Stored barcodes containing it</source>
        <translation>包含该内容的已存条码</translation>
    </message>
    <message>
        <source>EL tests of this module, newest first</source>
        <translation>该组件的 EL 测试（最新的在前）</translation>
    </message>
    <message>
        <source>Selected test</source>
        <translation>所选测试</translation>
    </message>
    <message>
        <source>Looking up &apos;{0}&apos;…</source>
        <translation>正在查询“{0}”…</translation>
    </message>
    <message>
        <source>The defect map was not written: {0}.</source>
        <translation>缺陷图未写入：{0}。</translation>
    </message>
    <message>
        <source>The defect map of {0} was written to {1}.</source>
        <translation>{0} 的缺陷图已写入 {1}。</translation>
    </message>
    <message>
        <source>Export the defect map</source>
        <translation>导出缺陷图</translation>
    </message>
    <message>
        <source>PDF page (*.pdf);;PNG picture (*.png)</source>
        <translation>PDF 页面 (*.pdf);;PNG 图片 (*.png)</translation>
    </message>
    <message>
        <source>No test selected.</source>
        <translation>未选择测试。</translation>
    </message>
    <message>
        <source>Unknown layout ({0}): no module has it, so the cells cannot be drawn. The defects are listed on the right.</source>
        <translation>未知版型（{0}）：无法绘制电池片。缺陷列在右侧。</translation>
    </message>
    <message>
        <source>1 EL test of &apos;{0}&apos; stored; the newest is shown.</source>
        <translation>已保存“{0}”的 1 次 EL 测试；显示最新一次。</translation>
    </message>
    <message>
        <source>{0} EL tests of &apos;{1}&apos; stored; the newest is shown.</source>
        <translation>已保存“{1}”的 {0} 次 EL 测试；显示最新一次。</translation>
    </message>
    <message>
        <source>No EL test of &apos;{0}&apos; is stored.</source>
        <translation>没有保存“{0}”的 EL 测试。</translation>
    </message>
    <message>
        <source>At least {0} stored barcodes contain it: pick one on the left.</source>
        <translation>至少有 {0} 个已存条码包含该内容：请在左侧选择一个。</translation>
    </message>
    <message>
        <source>{0} stored barcode contains it: pick one on the left.</source>
        <translation>有 {0} 个已存条码包含该内容：请在左侧选择。</translation>
    </message>
    <message>
        <source>{0} stored barcodes contain it: pick one on the left.</source>
        <translation>有 {0} 个已存条码包含该内容：请在左侧选择一个。</translation>
    </message>
    <message>
        <source>&lt;b&gt;{0}&lt;/b&gt; tested {1} at station {2}, {3} &amp;nbsp;·&amp;nbsp; AI &lt;b&gt;{4}&lt;/b&gt;, operator &lt;b&gt;{5}&lt;/b&gt;{6}</source>
        <translation>&lt;b&gt;{0}&lt;/b&gt; 测试于 {1}，工位 {2}，{3} &amp;nbsp;·&amp;nbsp; AI &lt;b&gt;{4}&lt;/b&gt;，操作员 &lt;b&gt;{5}&lt;/b&gt;{6}</translation>
    </message>
    <message>
        <source>No defects are stored for this test.</source>
        <translation>此测试没有保存缺陷。</translation>
    </message>
    <message>
        <source>1 defect lies off the module&apos;s grid and cannot be drawn.</source>
        <translation>1 个缺陷位于组件网格之外，无法绘制。</translation>
    </message>
    <message>
        <source>{0} defects lie off the module&apos;s grid and cannot be drawn.</source>
        <translation>{0} 个缺陷位于组件网格之外，无法绘制。</translation>
    </message>
    <message>
        <source>&lt;b&gt;The stored data of this test is damaged:&lt;/b&gt;</source>
        <translation>&lt;b&gt;此测试的存储数据已损坏：&lt;/b&gt;</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>EL Console</source>
        <translation>EL 控制台</translation>
    </message>
    <message>
        <source>Panel entry</source>
        <translation>组件录入</translation>
    </message>
    <message>
        <source>Lookup</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation>统计</translation>
    </message>
    <message>
        <source>opening the store…</source>
        <translation>正在打开数据库…</translation>
    </message>
    <message>
        <source>not signed in</source>
        <translation>未登录</translation>
    </message>
    <message>
        <source>plant zone {0}</source>
        <translation>工厂时区 {0}</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About EL Console</source>
        <translation>关于 EL 控制台(&amp;A)</translation>
    </message>
    <message>
        <source>unexpected error: {0}</source>
        <translation>意外错误：{0}</translation>
    </message>
    <message>
        <source>not available</source>
        <translation>不可用</translation>
    </message>
    <message>
        <source>The store could not be opened: {0}</source>
        <translation>无法打开数据库：{0}</translation>
    </message>
    <message>
        <source>reachable</source>
        <translation>已连接</translation>
    </message>
    <message>
        <source>UNREACHABLE</source>
        <translation>无法连接</translation>
    </message>
    <message>
        <source>The store answers again.</source>
        <translation>数据库已恢复响应。</translation>
    </message>
    <message>
        <source>The store cannot be reached.</source>
        <translation>无法连接数据库。</translation>
    </message>
    <message>
        <source>operator {0}</source>
        <translation>操作员 {0}</translation>
    </message>
    <message>
        <source>Unsent judgments</source>
        <translation>未发送的判定</translation>
    </message>
</context>
<context>
    <name>ManualEntry</name>
    <message>
        <source>Panel</source>
        <translation>组件</translation>
    </message>
    <message>
        <source>Defects</source>
        <translation>缺陷</translation>
    </message>
    <message>
        <source>Submit  (Ctrl+Enter)</source>
        <translation>提交  (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Validate and store this record</source>
        <translation>校验并保存此记录</translation>
    </message>
    <message>
        <source>New panel</source>
        <translation>新组件</translation>
    </message>
    <message>
        <source>Clear the form for the next panel (keeps the station)</source>
        <translation>清空表单以录入下一块组件（保留工位）</translation>
    </message>
    <message>
        <source>The new layout has no cell for {0} mark(s); removed: {1}</source>
        <translation>新版型中没有 {0} 个标记对应的电池片，已删除：{1}</translation>
    </message>
    <message>
        <source>Stored {0} ({1})</source>
        <translation>已保存 {0}（{1}）</translation>
    </message>
    <message>
        <source>{0} was already stored (same station and time); nothing new was written</source>
        <translation>{0} 已保存过（相同工位和时间），未写入新数据</translation>
    </message>
    <message>
        <source>unexpected error: {0}</source>
        <translation>意外错误：{0}</translation>
    </message>
    <message>
        <source>Not stored: {0}. The form is kept; submit again.</source>
        <translation>未保存：{0}。表单已保留，请重新提交。</translation>
    </message>
    <message>
        <source>{0} was not stored: {1}</source>
        <translation>{0} 未保存：{1}</translation>
    </message>
    <message>
        <source>{0} (got {1})</source>
        <translation>{0}（实际为 {1}）</translation>
    </message>
    <message>
        <source>Not stored: {0}</source>
        <translation>未保存：{0}</translation>
    </message>
    <message>
        <source>Storing…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>AI {0}, operator {1}, {2}</source>
        <translation>AI {0}，操作员 {1}，{2}</translation>
    </message>
</context>
<context>
    <name>ModuleView</name>
    <message>
        <source>Operator verdict:</source>
        <translation>操作员判定：</translation>
    </message>
    <message>
        <source>OK  (F2)</source>
        <translation>OK  (F2)</translation>
    </message>
    <message>
        <source>NG  (F3)</source>
        <translation>NG  (F3)</translation>
    </message>
    <message>
        <source>(chosen by you)</source>
        <translation>（由您选择）</translation>
    </message>
    <message>
        <source>(follows the kept defects)</source>
        <translation>（按保留的缺陷判定）</translation>
    </message>
    <message>
        <source>This EL test is already stored (verdict {0}).</source>
        <translation>此 EL 测试已保存（判定 {0}）。</translation>
    </message>
    <message>
        <source>Tested before: {0} time(s); last {1} at {2} on {3}.</source>
        <translation>此前已测试 {0} 次；最近一次 {1}，时间 {2}，工位 {3}。</translation>
    </message>
    <message>
        <source>Station {0} · {1} cells · imaged {2} · AI verdict {3}, {4} defect(s)</source>
        <translation>工位 {0} · {1} 片 · 成像于 {2} · AI 判定 {3}，{4} 个缺陷</translation>
    </message>
    <message>
        <source>kept</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>驳回</translation>
    </message>
    <message>
        <source>added</source>
        <translation>新增</translation>
    </message>
    <message>
        <source>No defects</source>
        <translation>无缺陷</translation>
    </message>
    <message>
        <source>No module open</source>
        <translation>未打开组件</translation>
    </message>
    <message>
        <source>Scan a barcode, or wait: the oldest module in the queue opens by itself.</source>
        <translation>请扫描条码，或稍候：队列中最早的组件会自动打开。</translation>
    </message>
</context>
<context>
    <name>PanelForm</name>
    <message>
        <source>scan or type, then Enter</source>
        <translation>扫描或输入后按回车</translation>
    </message>
    <message>
        <source>e.g. EL-01</source>
        <translation>例如 EL-01</translation>
    </message>
    <message>
        <source>The EL station; kept from panel to panel</source>
        <translation>EL 工位；录入下一块组件时保留</translation>
    </message>
    <message>
        <source>&amp;Barcode</source>
        <translation>条码(&amp;B)</translation>
    </message>
    <message>
        <source>EL &amp;station</source>
        <translation>EL 工位(&amp;S)</translation>
    </message>
    <message>
        <source>Cell &amp;type</source>
        <translation>电池片类型(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Layout</source>
        <translation>版型(&amp;L)</translation>
    </message>
    <message>
        <source>Tested at</source>
        <translation>测试时间</translation>
    </message>
    <message>
        <source>AI &amp;verdict</source>
        <translation>AI 判定(&amp;V)</translation>
    </message>
    <message>
        <source>O&amp;perator verdict</source>
        <translation>操作员判定(&amp;P)</translation>
    </message>
    <message>
        <source>when scanned</source>
        <translation>扫码时</translation>
    </message>
    <message>
        <source>Plant time ({0}). create_time and ai_time: set when the barcode is scanned, else on submission</source>
        <translation>工厂时间（{0}）。create_time 和 ai_time：扫码时设定，否则在提交时设定</translation>
    </message>
</context>
<context>
    <name>ResultViews</name>
    <message>
        <source>AI confirmed</source>
        <translation>AI 确认</translation>
    </message>
    <message>
        <source>AI rejected</source>
        <translation>AI 驳回</translation>
    </message>
    <message>
        <source>operator added</source>
        <translation>操作员新增</translation>
    </message>
    <message>
        <source>EL tests per day</source>
        <translation>每日 EL 测试数</translation>
    </message>
    <message>
        <source>tests</source>
        <translation>测试数</translation>
    </message>
    <message>
        <source>Rates per day</source>
        <translation>每日比率</translation>
    </message>
    <message>
        <source>Defects by type</source>
        <translation>各类型缺陷数</translation>
    </message>
    <message>
        <source>defects</source>
        <translation>缺陷数</translation>
    </message>
    <message>
        <source>EL tests per station</source>
        <translation>各工位 EL 测试数</translation>
    </message>
    <message>
        <source>Defect types, Pareto (AI confirmed + operator added)</source>
        <translation>缺陷类型柏拉图（AI 确认 + 操作员新增）</translation>
    </message>
    <message>
        <source>Trends</source>
        <translation>趋势</translation>
    </message>
    <message>
        <source>Defect Pareto</source>
        <translation>缺陷柏拉图</translation>
    </message>
    <message>
        <source>Defect map</source>
        <translation>缺陷分布图</translation>
    </message>
    <message>
        <source>p-charts</source>
        <translation>p 控制图</translation>
    </message>
    <message>
        <source>day</source>
        <translation>天</translation>
    </message>
    <message>
        <source>shift</source>
        <translation>班次</translation>
    </message>
    <message>
        <source>{0} per {1}, p-chart with 3σ limits</source>
        <translation>{0}（按{1}），p 控制图（3σ 控制限）</translation>
    </message>
    <message>
        <source>EL tests per {0} (operator verdict)</source>
        <translation>每{0} EL 测试数（操作员判定）</translation>
    </message>
    <message>
        <source>Rates per {0}</source>
        <translation>每{0}比率</translation>
    </message>
    <message>
        <source>Every point lies within its limits.</source>
        <translation>所有点均在控制限内。</translation>
    </message>
    <message>
        <source>{0}: {1:.2f} % ({2} / {3}; limits {4:.2f}–{5:.2f} %)</source>
        <translation>{0}：{1:.2f} %（{2} / {3}；控制限 {4:.2f}–{5:.2f} %）</translation>
    </message>
    <message>
        <source>Outside the limits: {0}</source>
        <translation>超出控制限：{0}</translation>
    </message>
</context>
<context>
    <name>ReviewPage</name>
    <message>
        <source>&amp;Scan barcode:</source>
        <translation>扫描条码(&amp;S)：</translation>
    </message>
    <message>
        <source>scan a module, or type its barcode and Enter</source>
        <translation>扫描组件，或输入条码后按回车</translation>
    </message>
    <message>
        <source>Add defect type:</source>
        <translation>新增缺陷类型：</translation>
    </message>
    <message>
        <source>Submit  (Ctrl+Enter)</source>
        <translation>提交  (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Store as a re-test  (Ctrl+Enter)</source>
        <translation>保存为复测  (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Go back  (Esc)</source>
        <translation>返回  (Esc)</translation>
    </message>
    <message>
        <source>Oldest first; click a module to open it</source>
        <translation>最早的在前；点击组件打开</translation>
    </message>
    <message>
        <source>Keys: scan opens a module · ←↑→↓ cell · Tab / Shift+Tab next / previous defect · Ins keep or add · Del reject · Ctrl+1…4 type to add · F2 OK · F3 NG · F4 verdict from defects · Ctrl+Enter submit · Esc cancel</source>
        <translation>按键：扫码打开组件 · ←↑→↓ 选择电池片 · Tab / Shift+Tab 下一个 / 上一个缺陷 · Ins 保留或新增 · Del 驳回 · Ctrl+1…4 选择新增类型 · F2 OK · F3 NG · F4 按缺陷判定 · Ctrl+Enter 提交 · Esc 取消</translation>
    </message>
    <message>
        <source>No AI result for {0} is waiting yet; it opens when it arrives. Without an AI result use Manual entry (F10).</source>
        <translation>{0} 的 AI 结果尚未到达；到达后自动打开。没有 AI 结果时请使用手动录入（F10）。</translation>
    </message>
    <message>
        <source>Looking for earlier tests…</source>
        <translation>正在查找以前的测试…</translation>
    </message>
    <message>
        <source>No module is open; scan one first.</source>
        <translation>未打开组件；请先扫码。</translation>
    </message>
    <message>
        <source>Sign in with your operator id before submitting.</source>
        <translation>提交前请用操作员工号登录。</translation>
    </message>
    <message>
        <source>Not stored: {0}</source>
        <translation>未保存：{0}</translation>
    </message>
    <message>
        <source>Your changes to {0} are kept; scan it again to finish it.</source>
        <translation>您对 {0} 的修改已保留；再次扫描该条码即可继续完成。</translation>
    </message>
    <message>
        <source>Sign in with your operator id first.</source>
        <translation>请先用操作员工号登录。</translation>
    </message>
    <message>
        <source>{0} signed in.</source>
        <translation>{0} 已登录。</translation>
    </message>
    <message>
        <source>Signed out. The next operator signs in here.</source>
        <translation>已退出登录。下一位操作员请在此登录。</translation>
    </message>
    <message>
        <source>{0} has {1} stored test(s); the last was {2} at {3}. Is this a re-test?</source>
        <translation>{0} 已有 {1} 次测试记录；最近一次为 {2}，工位 {3}。这是复测吗？</translation>
    </message>
    <message>
        <source>Looking up the earlier tests of {0}… Store it without knowing whether this is a re-test?</source>
        <translation>正在查询 {0} 的历史测试… 不确定是否为复测，仍要保存吗？</translation>
    </message>
    <message>
        <source>The earlier tests of {0} cannot be looked up ({1}), so nobody can tell whether this is a re-test. Store it anyway?</source>
        <translation>无法查询 {0} 的历史测试（{1}），因此无法判断是否为复测。仍要保存吗？</translation>
    </message>
    <message>
        <source>Store anyway  (Ctrl+Enter)</source>
        <translation>仍然保存  (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Earlier tests could not be looked up: {0}</source>
        <translation>无法查询以前的测试：{0}</translation>
    </message>
    <message>
        <source>AI result {0} refused: {1}</source>
        <translation>AI 结果 {0} 被拒收：{1}</translation>
    </message>
    <message>
        <source>The store answers again: {0} kept judgment(s) sent.</source>
        <translation>数据库已恢复响应：已发送 {0} 条保留的判定。</translation>
    </message>
    <message>
        <source>Stored {0}: {1}.</source>
        <translation>已保存 {0}：{1}。</translation>
    </message>
    <message>
        <source>{0} was already stored; nothing new was written.</source>
        <translation>{0} 已保存过，未写入新数据。</translation>
    </message>
    <message>
        <source>{0} is kept on this station and waits for the store to answer.</source>
        <translation>{0} 已保存在本工位，等待数据库应答后发送。</translation>
    </message>
    <message>
        <source>The store cannot be reached: {0} ({1}) is kept on this station and will be sent when the store answers.</source>
        <translation>无法连接数据库：{0}（{1}）保留在本工位，数据库恢复后发送。</translation>
    </message>
    <message>
        <source>The judgment of {0} could not be kept ({1}); it is back in the queue. Judge it again.</source>
        <translation>{0} 的判定无法保留（{1}），已退回队列。请重新判定。</translation>
    </message>
    <message>
        <source>Looking for AI results failed: {0}</source>
        <translation>查找 AI 结果失败：{0}</translation>
    </message>
    <message>
        <source>The AI result of {0} has arrived; scan it to open it.</source>
        <translation>{0} 的 AI 结果已到达；扫码即可打开。</translation>
    </message>
    <message>
        <source>Awaiting review: {0}</source>
        <translation>待复判：{0}</translation>
    </message>
    <message>
        <source>{0} judgment(s) wait to be sent to the store</source>
        <translation>{0} 条判定等待发送到数据库</translation>
    </message>
    <message>
        <source>All judgments are stored</source>
        <translation>所有判定均已保存</translation>
    </message>
</context>
<context>
    <name>RowsEditor</name>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <source>a mongodb:// or mongodb+srv:// connection string, or a file path</source>
        <translation>应为 mongodb:// 或 mongodb+srv:// 连接字符串，或文件路径</translation>
    </message>
    <message>
        <source>a file, not a folder</source>
        <translation>应为文件，而不是文件夹</translation>
    </message>
    <message>
        <source>an IANA time zone name like Asia/Shanghai</source>
        <translation>应为 IANA 时区名称，如 Asia/Shanghai</translation>
    </message>
    <message>
        <source>at least one shift</source>
        <translation>至少需要一个班次</translation>
    </message>
    <message>
        <source>a non-empty name, each name once</source>
        <translation>名称不能为空，且不能重复</translation>
    </message>
    <message>
        <source>a time HH:MM, each start once</source>
        <translation>应为 HH:MM 格式的时间，且开始时间不能重复</translation>
    </message>
    <message>
        <source>at least one defect type</source>
        <translation>至少需要一种缺陷类型</translation>
    </message>
    <message>
        <source>1-8 lower-case letters or digits, each code once</source>
        <translation>1–8 个小写字母或数字，且代码不能重复</translation>
    </message>
    <message>
        <source>a non-empty label</source>
        <translation>名称不能为空</translation>
    </message>
    <message>
        <source>a colour #rrggbb</source>
        <translation>应为 #rrggbb 格式的颜色</translation>
    </message>
    <message>
        <source>an existing folder, or empty</source>
        <translation>应为已存在的文件夹，或留空</translation>
    </message>
    <message>
        <source>at most 32 characters without spaces, or empty</source>
        <translation>最多 32 个字符且不含空格，或留空</translation>
    </message>
    <message>
        <source>at most 16 characters, or empty</source>
        <translation>最多 16 个字符，或留空</translation>
    </message>
    <message>
        <source>system, en or zh_CN</source>
        <translation>应为 system、en 或 zh_CN</translation>
    </message>
    <message>
        <source>a port from 1 to 65535 after each host</source>
        <translation>每个主机后的端口为 1 到 65535</translation>
    </message>
    <message>
        <source>a user name and password with @ : / % written as %40 %3A %2F %25</source>
        <translation>用户名和密码中的 @ : / % 写作 %40 %3A %2F %25</translation>
    </message>
    <message>
        <source>host names without spaces, none empty</source>
        <translation>主机名不含空格且不为空</translation>
    </message>
    <message>
        <source>mongodb+srv:// with one host name and no port</source>
        <translation>mongodb+srv:// 只带一个主机名且不带端口</translation>
    </message>
    <message>
        <source>a database name without spaces, dots, slashes or $</source>
        <translation>数据库名不含空格、点、斜杠或 $</translation>
    </message>
    <message>
        <source>known options with valid values after “?”</source>
        <translation>“?” 后为已知选项及有效取值</translation>
    </message>
    <message>
        <source>a valid mongodb:// or mongodb+srv:// connection string</source>
        <translation>有效的 mongodb:// 或 mongodb+srv:// 连接字符串</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>empty: the embedded store {0}</source>
        <translation>留空：使用内置数据库 {0}</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <source>empty: this computer&apos;s zone ({0})</source>
        <translation>留空：使用本机时区（{0}）</translation>
    </message>
    <message>
        <source>Shift</source>
        <translation>班次</translation>
    </message>
    <message>
        <source>Starts (HH:MM)</source>
        <translation>开始时间（HH:MM）</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Colour (#rrggbb)</source>
        <translation>颜色（#rrggbb）</translation>
    </message>
    <message>
        <source>e.g. EL-01</source>
        <translation>例如 EL-01</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Store</source>
        <translation>数据库</translation>
    </message>
    <message>
        <source>Time zone and shifts</source>
        <translation>时区与班次</translation>
    </message>
    <message>
        <source>Defect types</source>
        <translation>缺陷类型</translation>
    </message>
    <message>
        <source>Station</source>
        <translation>工位</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Store:</source>
        <translation>数据库：</translation>
    </message>
    <message>
        <source>A MongoDB connection string (mongodb://user:password@host/database) or the file of an embedded store. A changed store opens at once.</source>
        <translation>MongoDB 连接字符串（mongodb://用户:密码@主机/数据库）或内置数据库文件。更改后立即打开新的数据库。</translation>
    </message>
    <message>
        <source>For this run the store is chosen by --store or {0}.</source>
        <translation>本次运行的数据库由 --store 或 {0} 指定。</translation>
    </message>
    <message>
        <source>Plant time zone:</source>
        <translation>工厂时区：</translation>
    </message>
    <message>
        <source>For this run --tz sets the zone.</source>
        <translation>本次运行的时区由 --tz 指定。</translation>
    </message>
    <message>
        <source>Shifts:</source>
        <translation>班次：</translation>
    </message>
    <message>
        <source>A shift runs from its start to the next shift&apos;s start; a night shift belongs to the date on which it starts.</source>
        <translation>每个班次从其开始时间持续到下一班次开始；夜班计入其开始的日期。</translation>
    </message>
    <message>
        <source>Defect types:</source>
        <translation>缺陷类型：</translation>
    </message>
    <message>
        <source>The code is what records and the store hold (cr, cs, bc, mr, …).</source>
        <translation>代码即记录和数据库中保存的值（cr、cs、bc、mr…）。</translation>
    </message>
    <message>
        <source>Station id:</source>
        <translation>工位号：</translation>
    </message>
    <message>
        <source>AI inbox folder:</source>
        <translation>AI 结果收件文件夹：</translation>
    </message>
    <message>
        <source>Scanner prefix:</source>
        <translation>扫码枪前缀：</translation>
    </message>
    <message>
        <source>Scanner suffix:</source>
        <translation>扫码枪后缀：</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <source>The language changes at the next start.</source>
        <translation>语言将在下次启动时生效。</translation>
    </message>
    <message>
        <source>name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>start</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>label</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>colour</source>
        <translation>颜色</translation>
    </message>
    <message>
        <source>row {0}, {1}: “{2}” — {3}</source>
        <translation>第 {0} 行，{1}：“{2}” — {3}</translation>
    </message>
    <message>
        <source>“{0}” — {1}</source>
        <translation>“{0}” — {1}</translation>
    </message>
    <message>
        <source>The settings could not be saved: {0}</source>
        <translation>无法保存设置：{0}</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>正在测试…</translation>
    </message>
    <message>
        <source>no answer within 2 seconds</source>
        <translation>2 秒内无响应</translation>
    </message>
    <message>
        <source>The store answers: {0}</source>
        <translation>数据库响应正常：{0}</translation>
    </message>
    <message>
        <source>An embedded store file: {0}</source>
        <translation>内置数据库文件：{0}</translation>
    </message>
    <message>
        <source>A new embedded store will be created: {0}</source>
        <translation>将新建内置数据库：{0}</translation>
    </message>
    <message>
        <source>The folder cannot be written: {0}</source>
        <translation>文件夹无法写入：{0}</translation>
    </message>
    <message>
        <source>The store does not answer: {0}</source>
        <translation>数据库无响应：{0}</translation>
    </message>
    <message>
        <source>Embedded store file</source>
        <translation>内置数据库文件</translation>
    </message>
    <message>
        <source>AI inbox folder</source>
        <translation>AI 结果收件文件夹</translation>
    </message>
</context>
<context>
    <name>Shift</name>
    <message>
        <source>day</source>
        <translation>白班</translation>
    </message>
    <message>
        <source>night</source>
        <translation>夜班</translation>
    </message>
</context>
<context>
    <name>SignInBar</name>
    <message>
        <source>Sign in with your operator id to start judging:</source>
        <translation>请输入操作员工号登录后开始判定：</translation>
    </message>
    <message>
        <source>operator id, then Enter</source>
        <translation>操作员工号，按回车确认</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Sign out  (Ctrl+Shift+L)</source>
        <translation>退出登录  (Ctrl+Shift+L)</translation>
    </message>
    <message>
        <source>Operator: {0}</source>
        <translation>操作员：{0}</translation>
    </message>
</context>
<context>
    <name>StatsCharts</name>
    <message>
        <source>No data</source>
        <translation>无数据</translation>
    </message>
    <message>
        <source>defects</source>
        <translation>缺陷数</translation>
    </message>
    <message>
        <source>cumulative %</source>
        <translation>累计 %</translation>
    </message>
    <message>
        <source>No defects</source>
        <translation>无缺陷</translation>
    </message>
    <message>
        <source>proportion</source>
        <translation>比例</translation>
    </message>
    <message>
        <source>outside the limits</source>
        <translation>超出控制限</translation>
    </message>
    <message>
        <source>p̄ {0:.2f} %</source>
        <translation>p̄ {0:.2f} %</translation>
    </message>
    <message>
        <source>3σ limits</source>
        <translation>3σ 控制限</translation>
    </message>
</context>
<context>
    <name>StatsExport</name>
    <message>
        <source>EL statistics {0}</source>
        <translation>EL 统计 {0}</translation>
    </message>
    <message>
        <source>Exported {0}</source>
        <translation>已导出 {0}</translation>
    </message>
    <message>
        <source>Rates show numerator / denominator; “no data” means a denominator of 0.</source>
        <translation>比率显示为 分子 / 分母；“无数据”表示分母为 0。</translation>
    </message>
    <message>
        <source>p-chart limits: p̄ ± 3·√(p̄(1−p̄)/n), per period.</source>
        <translation>p 控制图控制限：p̄ ± 3·√(p̄(1−p̄)/n)，按周期计算。</translation>
    </message>
</context>
<context>
    <name>StatsFigures</name>
    <message>
        <source>no data</source>
        <translation>无数据</translation>
    </message>
    <message>
        <source>({0} missing)</source>
        <translation>（缺失 {0}）</translation>
    </message>
    <message>
        <source>Tests</source>
        <translation>测试数</translation>
    </message>
    <message>
        <source>EL tests whose create time lies in the window; every re-test counts.</source>
        <translation>创建时间在所选范围内的 EL 测试；每次复测均计入。</translation>
    </message>
    <message>
        <source>Yield</source>
        <translation>良率</translation>
    </message>
    <message>
        <source>Yield = operator OK / tests.</source>
        <translation>良率 = 操作员判定 OK 数 / 测试数。</translation>
    </message>
    <message>
        <source>First-pass yield</source>
        <translation>一次良率</translation>
    </message>
    <message>
        <source>First-pass yield = barcodes whose first test in the store falls in the window
and was OK (operator verdict) / all barcodes whose first test falls in the window.</source>
        <translation>一次良率 = 首次测试落在所选范围内且为 OK（操作员判定）的条码数
/ 首次测试落在所选范围内的全部条码数。</translation>
    </message>
    <message>
        <source>AI OK / NG / other</source>
        <translation>AI OK / NG / 其他</translation>
    </message>
    <message>
        <source>The AI&apos;s verdicts of the tests: OK, NG and any other code (e.g. 2).</source>
        <translation>AI 对测试的判定：OK、NG 及其他代码（如 2）。</translation>
    </message>
    <message>
        <source>Operator OK / NG / other</source>
        <translation>操作员 OK / NG / 其他</translation>
    </message>
    <message>
        <source>The operator&apos;s final verdicts of the tests: OK, NG and any other code.</source>
        <translation>操作员对测试的最终判定：OK、NG 及其他代码。</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Tests the operator judged OK.</source>
        <translation>操作员判定为 OK 的测试。</translation>
    </message>
    <message>
        <source>NG</source>
        <translation>NG</translation>
    </message>
    <message>
        <source>Tests the operator judged NG.</source>
        <translation>操作员判定为 NG 的测试。</translation>
    </message>
    <message>
        <source>Panel overkill rate</source>
        <translation>组件过杀率</translation>
    </message>
    <message>
        <source>Panel overkill = tests the AI judged NG and the operator OK;
the rate is over operator OK.</source>
        <translation>组件过杀 = AI 判 NG 而操作员判 OK 的测试；
比率以操作员判 OK 数为分母。</translation>
    </message>
    <message>
        <source>Panel miss rate</source>
        <translation>组件漏检率</translation>
    </message>
    <message>
        <source>Panel miss = tests the AI judged OK and the operator NG;
the rate is over operator NG.</source>
        <translation>组件漏检 = AI 判 OK 而操作员判 NG 的测试；
比率以操作员判 NG 数为分母。</translation>
    </message>
    <message>
        <source>Defects conf. / rej. / added</source>
        <translation>缺陷 确认 / 驳回 / 新增</translation>
    </message>
    <message>
        <source>Defects the AI marked and the operator kept (AI confirmed),
the AI marked and the operator removed (AI rejected),
and the operator marked himself (operator added).</source>
        <translation>AI 标记且操作员保留的缺陷（AI 确认），
AI 标记而操作员删除的缺陷（AI 驳回），
以及操作员自行标记的缺陷（操作员新增）。</translation>
    </message>
    <message>
        <source>Defect overkill rate</source>
        <translation>缺陷过杀率</translation>
    </message>
    <message>
        <source>Defect overkill rate = AI rejected / (AI confirmed + AI rejected).</source>
        <translation>缺陷过杀率 = AI 驳回 / (AI 确认 + AI 驳回)。</translation>
    </message>
    <message>
        <source>Defect miss rate</source>
        <translation>缺陷漏检率</translation>
    </message>
    <message>
        <source>Defect miss rate = operator added / (AI confirmed + operator added).</source>
        <translation>缺陷漏检率 = 操作员新增 / (AI 确认 + 操作员新增)。</translation>
    </message>
    <message>
        <source>Damaged tests</source>
        <translation>数据损坏的测试</translation>
    </message>
    <message>
        <source>Tests whose stored documents are incomplete or inconsistent (old data).</source>
        <translation>存储文档不完整或不一致的测试（旧数据）。</translation>
    </message>
</context>
<context>
    <name>StatsTab</name>
    <message>
        <source>Chosen dates</source>
        <translation>自选日期</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>This shift</source>
        <translation>本班次</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>昨天</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>本月</translation>
    </message>
    <message>
        <source>per day</source>
        <translation>按天</translation>
    </message>
    <message>
        <source>per shift</source>
        <translation>按班次</translation>
    </message>
    <message>
        <source>How the trend charts and the table split the window.</source>
        <translation>趋势图和表格按何种方式划分时间范围。</translation>
    </message>
    <message>
        <source>all stations</source>
        <translation>全部工位</translation>
    </message>
    <message>
        <source>all layouts</source>
        <translation>全部版型</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Export Excel…</source>
        <translation>导出 Excel…</translation>
    </message>
    <message>
        <source>PDF report…</source>
        <translation>PDF 报告…</translation>
    </message>
    <message>
        <source>Days and shifts in the plant zone {0}</source>
        <translation>日期与班次按工厂时区 {0}</translation>
    </message>
    <message>
        <source>Open a store to see the statistics.</source>
        <translation>请先打开数据库以查看统计。</translation>
    </message>
    <message>
        <source>Per day</source>
        <translation>按天</translation>
    </message>
    <message>
        <source>Per station</source>
        <translation>按工位</translation>
    </message>
    <message>
        <source>Per defect type</source>
        <translation>按缺陷类型</translation>
    </message>
    <message>
        <source>Range</source>
        <translation>范围</translation>
    </message>
    <message>
        <source>from</source>
        <translation>从</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Station</source>
        <translation>工位</translation>
    </message>
    <message>
        <source>Defect type</source>
        <translation>缺陷类型</translation>
    </message>
    <message>
        <source>Cell layout</source>
        <translation>电池片版型</translation>
    </message>
    <message>
        <source>Trend</source>
        <translation>趋势</translation>
    </message>
    <message>
        <source>Loading the EL tests {0}…</source>
        <translation>正在加载 EL 测试 {0}…</translation>
    </message>
    <message>
        <source>The “from” date {0} is after the “to” date {1}.</source>
        <translation>起始日期 {0} 晚于结束日期 {1}。</translation>
    </message>
    <message>
        <source>in the shift {0} ({1:%H:%M}–{2:%H:%M})</source>
        <translation>在班次 {0}（{1:%H:%M}–{2:%H:%M}）内</translation>
    </message>
    <message>
        <source>between {0} and {1}</source>
        <translation>{0} 至 {1} 之间</translation>
    </message>
    <message>
        <source>an unexpected error ({0}: {1})</source>
        <translation>意外错误（{0}：{1}）</translation>
    </message>
    <message>
        <source>No figures</source>
        <translation>无数据</translation>
    </message>
    <message>
        <source>The statistics could not be loaded: {0}.</source>
        <translation>无法加载统计数据：{0}。</translation>
    </message>
    <message>
        <source>Export CSV</source>
        <translation>导出 CSV</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Export Excel</source>
        <translation>导出 Excel</translation>
    </message>
    <message>
        <source>Excel workbooks (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>PDF report</source>
        <translation>PDF 报告</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Load a window before exporting.</source>
        <translation>请先加载时间范围再导出。</translation>
    </message>
    <message>
        <source>{0} was not written: {1}.</source>
        <translation>{0} 未写入：{1}。</translation>
    </message>
    <message>
        <source>Wrote {0} in {1}.</source>
        <translation>已将 {0} 写入 {1}。</translation>
    </message>
    <message>
        <source>No EL tests</source>
        <translation>无 EL 测试</translation>
    </message>
    <message>
        <source>No EL tests {0}{1}.</source>
        <translation>{0}没有 EL 测试{1}。</translation>
    </message>
    <message>
        <source>{0} EL tests {1} ({2}){3}.</source>
        <translation>{1}（{2}）共 {0} 次 EL 测试{3}。</translation>
    </message>
    <message>
        <source>whole days, {0}</source>
        <translation>整天，{0}</translation>
    </message>
    <message>
        <source>station {0}</source>
        <translation>工位 {0}</translation>
    </message>
    <message>
        <source>layout {0}</source>
        <translation>版型 {0}</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Shift</source>
        <translation>班次</translation>
    </message>
    <message>
        <source>Per shift</source>
        <translation>按班次</translation>
    </message>
</context>
<context>
    <name>StatsViews</name>
    <message>
        <source>panel overkill</source>
        <translation>组件过杀</translation>
    </message>
    <message>
        <source>panel miss</source>
        <translation>组件漏检</translation>
    </message>
    <message>
        <source>defect overkill</source>
        <translation>缺陷过杀</translation>
    </message>
    <message>
        <source>defect miss</source>
        <translation>缺陷漏检</translation>
    </message>
    <message>
        <source>Operator NG rate</source>
        <translation>操作员 NG 率</translation>
    </message>
    <message>
        <source>AI panel overkill rate</source>
        <translation>AI 组件过杀率</translation>
    </message>
    <message>
        <source>AI panel miss rate</source>
        <translation>AI 组件漏检率</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>NG</source>
        <translation>NG</translation>
    </message>
    <message>
        <source>other</source>
        <translation>其他</translation>
    </message>
</context>
<context>
    <name>launch</name>
    <message>
        <source>EL Console</source>
        <translation>EL 控制台</translation>
    </message>
</context>
</TS>
