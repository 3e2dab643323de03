//! Every text the console shows, in Chinese (default) and English.
//!
//! A text is a key of [`S`]; [`S::get`] picks the language. Templates hold `{}`
//! placeholders filled in order by [`fill`]. Action descriptions live here too
//! ([`action`]), so adding a language or fixing a word touches this file only.
//! Texts from data (a policy year's phase names, a town's name) come with the
//! data and are not repeated here.

use super::action::Action;

/// The console's language, chosen with `--lang`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, clap::ValueEnum)]
pub enum Lang {
    /// 中文
    #[default]
    Zh,
    /// English
    En,
}

impl Lang {
    pub fn pick(self, zh: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

macro_rules! texts {
    ($($key:ident => $zh:literal, $en:literal;)*) => {
        /// A text key; see the table below for both languages.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::EnumIter)]
        pub enum S { $($key),* }

        impl S {
            /// The (Chinese, English) pair.
            pub fn pair(self) -> (&'static str, &'static str) {
                match self { $(S::$key => ($zh, $en)),* }
            }
        }
    };
}

texts! {
    // the application
    AppName => "征缴", "Zhengjiao";
    AppTitle => "城乡居民养老医疗保险集中征缴", "residents' pension and medical insurance collection";
    // header
    HeaderYear => "{}年度", "{}";
    HeaderAsOf => "截至{}", "as of {}";
    HeaderDay => "第{}/{}天", " day {}/{}";
    ReadOnly => "只读", "read-only";
    ReadOnlyFlag => "只读模式（--read-only）", "read-only (--read-only)";
    ReadOnlySupervisor => "只读：督导账号", "read-only: supervisor";
    ReadOnlyFile => "只读：数据库文件不可写", "read-only: database file not writable";
    MsgReadOnlyFlag => "只读模式（--read-only 打开）：不能修改记录", "read-only mode (opened with --read-only): no changes";
    MsgReadOnlyFile => "只读：数据库文件不可写，不能修改记录", "read-only: the database file is not writable";
    ColMedicalShort => "医保", "Med";
    ColBandShort => "养{}", "P{}";
    LegendTitle => "标记", "Markers";
    LegendBehind => "落后于应有进度", "behind pace";
    LegendFarBehind => "落后超过10个百分点", "over 10 pts behind";
    LegendMet => "已达目标", "target reached";
    LegendMedical => "医保落后", "medical behind";
    LegendBand => "该岁起的养老段落后", "band from age behind";
    // phases (names also come with each policy year; these are the fallbacks)
    PhaseBefore => "征缴未开始", "before the window";
    PhaseAfter => "征缴已结束", "window closed";
    PhasePrepare => "征缴准备阶段", "preparation";
    PhasePay => "集中缴费阶段", "collection";
    PhaseDeposit => "费款入库阶段", "deposit";
    PhasePublicity => "公示阶段", "publicity";
    // gauges
    GaugePension => "养老", "Pension";
    GaugePensionUpper => "养老45-59岁", "Pension 45-59";
    GaugePensionLower => "养老16-44岁", "Pension 16-44";
    GaugeMedical => "医保", "Medical";
    GaugeCoverage => "参保覆盖", "Coverage";
    GaugeTarget => "目标{}", "target {}";
    GaugeDistrict => "全区{}", "all {}";
    GaugeNoData => "无数据", "no data";
    PaceMet => "已达标", "target met";
    PaceOnPace => "进度正常", "on pace";
    PaceBehind => "进度落后", "behind";
    PaceFarBehind => "严重落后", "far behind";
    // payment status of one resident, insurance and year
    StatusPaid => "已缴", "paid";
    StatusDue => "未缴", "due";
    StatusExempt => "免缴", "exempt";
    StatusProxyPaid => "代缴", "proxy-paid";
    StatusFlagged => "待核", "flagged";
    // filters of the residents list
    FilterLabel => "筛选：{}", "filter: {}";
    FilterOutstanding => "未缴", "outstanding";
    FilterPaid => "已缴", "paid";
    FilterExempt => "免缴", "exempt";
    FilterFlagged => "待核", "flagged";
    FilterAll => "全部", "all";
    SortLabel => "排序：{}", "sort: {}";
    // keymap contexts (help overlay sections)
    CtxGlobal => "全局", "Everywhere";
    CtxTowns => "镇村列表", "Towns and villages";
    CtxResidents => "居民列表", "Residents";
    CtxDetail => "居民详情", "Resident detail";
    CtxOverlay => "弹出窗口", "Pop-ups";
    CtxInput => "输入框", "Text input";
    // views
    ViewMain => "总览", "Main";
    ViewDashboard => "进度看板", "Dashboard";
    ViewOutstanding => "未缴清单", "Outstanding";
    ViewAudit => "操作日志", "Audit log";
    ViewRemittance => "日报解", "Remittance";
    // column headers
    ColTown => "镇街", "Town";
    ColVillage => "村居", "Village";
    ColName => "姓名", "Name";
    ColId => "身份证号", "ID number";
    ColIdTail => "证件尾号", "ID tail";
    ColAge => "年龄", "Age";
    ColStatus => "状态", "Status";
    ColPension => "养老", "Pension";
    ColMedical => "医保", "Medical";
    ColTier => "档次", "Tier";
    ColAmount => "金额", "Amount";
    ColPaid => "已缴", "Paid";
    ColDue => "应缴", "Due";
    ColProgress => "进度", "Progress";
    ColChannel => "渠道", "Channel";
    ColAgent => "代办员", "Agent";
    ColDate => "日期", "Date";
    // overlays
    HelpTitle => "帮助", "Help";
    HelpClose => "{} 关闭", "{} closes";
    HelpScroll => "{}/{} 翻页", "{}/{} scroll";
    PaletteTitle => "命令", "Commands";
    PalettePlaceholder => "输入命令名或说明", "type a command name or description";
    PaletteNoMatch => "没有匹配的命令", "no matching command";
    SearchTitle => "搜索", "Search";
    SearchPrompt => "搜索：", "Search: ";
    SearchPlaceholder => "姓名、拼音首字母、身份证号或尾号", "name, pinyin initials, ID number or its tail";
    Unbound => "未绑定", "unbound";
    // messages
    MsgLoading => "加载中…", "loading…";
    MsgEmpty => "（无记录）", "(no records)";
    MsgRows => "{}-{}/共{}", "{}-{} of {}";
    MsgMarked => "已选{}条", "{} marked";
    MsgNothingMarked => "未选中任何记录", "nothing marked";
    MsgReadOnly => "只读：督导账号不能修改记录", "read-only: supervisors cannot change records";
    MsgKeymapProblems => "键位文件有{}处问题已跳过，其余键位照常", "{} keymap problem(s) skipped; the other keys work";
    MsgTooSmall => "窗口太小，至少需要{}×{}", "window too small: needs at least {}×{}";
    // keymap problems (always shown in both languages: they are printed before the UI starts)
    KmAt => "第{}行：", "line {}: ";
    KmSyntax => "TOML格式错误：{}", "TOML syntax error: {}";
    KmUnreadable => "无法读取文件：{}", "cannot read the file: {}";
    KmUnknownContext => "未知分组“[{}]”（可用：{}）", "unknown section [{}] (known: {})";
    KmNotAList => "[{}] 下应写 keymap = [ … ]", "[{}] should hold keymap = [ … ]";
    KmUnknownField => "未知字段“{}”", "unknown field '{}'";
    KmNotATable => "绑定应写成 { on = \"键\", run = \"操作\" }", "a binding is written { on = \"key\", run = \"action\" }";
    KmMissing => "缺少“{}”", "missing '{}'";
    KmNotAString => "“{}”应为字符串", "'{}' should be a string";
    KmBadKey => "无法识别的按键“{}”", "unrecognised key '{}'";
    KmUnknownAction => "未知操作“{}”", "unknown action '{}'";
    KmDidYouMean => "（是否想写“{}”？）", " (did you mean '{}'?)";
    KmSkipped => "已跳过", "skipped";
    // the console's data views
    District => "山亭区", "Shanting";
    GaugePensionBand => "养老{}-{}岁", "Pension {}-{}";
    ColPensionBand => "养老{}-{}", "P{}-{}";
    ColPhone => "电话", "Phone";
    ColTail => "尾号", "Tail";
    ColMedicalRate => "医保%", "Med%";
    ColPensionRate => "养老%", "Pen%";
    ColRank => "名次", "Rank";
    ColProjected => "预计%", "Proj%";
    ColTime => "时间", "Time";
    ColUser => "用户", "User";
    ColAction => "操作", "Action";
    ColDetail => "内容", "Detail";
    ColIdMasked => "身份证号（已隐去）", "ID number (masked)";
    ColSex => "性别", "Sex";
    MsgCursor => "第{}条/共{}条", "{} of {}";
    MsgTotal => "共{}条", "{} in all";
    MsgCounting => "计数中…", "counting…";
    MsgTooManyToMark => "超过{}条，不能全选", "more than {} rows: cannot mark them all";
    MsgMarking => "正在全选…", "marking all…";
    MsgNoResident => "请先选择一位居民", "select a resident first";
    MsgNoList => "请先选择镇街或村居", "select a town or village first";
    MsgNotFound => "找不到该村居", "village not found";
    MsgFullId => "完整证号 {}（查看已记入操作日志）", "full ID number {} (this viewing is in the audit log)";
    MsgBackupOld => "上次备份是 {}，已超过一天，请运行 zhengjiao backup", "the last backup was {}, more than a day ago: run zhengjiao backup";
    MsgBackupNever => "本数据库从未备份，请运行 zhengjiao backup", "this database has never been backed up: run zhengjiao backup";
    MsgFullIdReadOnly => "只读模式不能查看完整证号：查看须记入操作日志", "read-only: a full ID number is shown only when the viewing can be written to the audit log";
    MsgPaid => "已登记：{} {}年度{} 个人{}元 政府{}元", "recorded: {}, {} {}, own share {}, government {}";
    MsgExportBusy => "上一次导出尚未完成", "the previous export is still running";
    ResidentsOf => "{} 居民", "{}: residents";
    OutstandingOf => "{} 未缴名单", "{}: outstanding";
    DetailAge => "{}岁", "age {}";
    DetailPlace => "镇村", "Place";
    DetailGroups => "群体", "Groups";
    DetailNoGroups => "无特殊群体", "no special group";
    DetailDeceased => "已于{}死亡（待核）", "deceased on {} (to review)";
    DetailCancelled => "户籍已于{}注销（待核）", "hukou cancelled on {} (to review)";
    DetailDues => "【{}年度应缴】", "[dues for {}]";
    DetailShare => "个人{} 政府{}", "own {} gov {}";
    DetailTier => "{}档 个人{} 政府{}", "tier {} own {} gov {}";
    DetailTiers => "可选档次 {}", "tiers {}";
    DetailHistory => "【缴费记录】", "[payments]";
    DetailNone => "（未选择居民）", "(no resident selected)";
    KindReversal => "冲正", "reversal ";
    KindRefund => "退费", "refund ";
    DashRanking => "各镇街进度排名（按{}）", "towns ranked by {}";
    DashBestFirst => "名次1最好，从高到低", "rank 1 is the best, highest first";
    DashWorstFirst => "从最落后的排起", "worst first";
    DashTrend => "每日缴费笔数 {}至{} 峰值{}笔/天 合计{}笔", "payments per day {} to {}: peak {}, total {}";
    DashProjection => "按当前进度预计期末：{}", "at this pace the window ends at: {}";
    RemitClosed => "已结账", "closed";
    RemitHeld => "滞留", "held";
    RemitShort => "短款", "short";
    RemitOver => "长款", "over";
    RemitBalanced => "相符", "balanced";
    RemitWaiting => "待解缴", "to hand in";
    RemitCount => "笔数", "Pays";
    RemitExpected => "应解缴", "Expected";
    RemitCash => "已解缴", "Handed in";
    RemitDifference => "差额", "Diff.";
    RemitSummary => "未结账{}条 滞留{}条 短款{}元", "{} open, {} held, {} short";
    RemitOpenDays => "未结账", "open days";
    RemitAllDays => "全部日期", "every day";
    RemitNone => "（没有代办员日报）", "(no agent days)";
    CtxRemittance => "日报解", "Remittance";
    SearchNoHits => "没有找到", "nothing found";
    SearchDeceased => "{} 已于{}死亡", "{}, died {}";
    SearchFound => "找到{}人", "{} found";
    SearchFoundFirst => "前{}人，请输入更多字缩小范围", "first {}: type more to narrow";
    SearchSameName => "同名{}人", "{} same name";
    SearchCheckDigit => "身份证号校验位不对（应为{}），可能有数字录错", "check digit wrong (should be {}): a digit may be mistyped";
    PayTitle => "登记缴费", "Record a payment";
    PayConfirmTitle => "确认缴费", "Confirm the payment";
    PayInsurance => "险种", "Insurance";
    PayReceipt => "收据号", "Receipt";
    PayReceiptHint => "可不填", "optional";
    PayAllowed => "可选 {}", "allowed {}";
    PayShares => "个人缴费 {} 元，政府代缴 {} 元", "the person pays {}, the government {}";
    PaySubsidy => "，政府补贴 {} 元", ", subsidy {}";
    PayLate => "（逾期缴费）", " (late)";
    PayEditHelp => "{}/{} 换项  {} 选择  {} 下一步  {} 取消", "{}/{} field  {} choose  {} next  {} cancel";
    PayWhat => "{} {}年度{}", "{}: {} {}";
    PayWhatTier => "{} {}年度{} {}元档", "{}: {} {}, tier {}";
    PayHow => "渠道 {}  缴费日期 {}", "channel {}  date {}";
    PayConfirmHelp => "{} 确认登记  {} 返回修改", "{} records it  {} goes back";
    PayRefusedHelp => "{} 返回修改", "{} goes back";
    PaySending => "正在登记…", "recording…";
    PayNothing => "{} {}年度没有可登记的缴费（医保：{}，养老：{}）", "nothing to record for {} in {} (medical: {}, pension: {})";
    PayNothingDeceased => "{}已于{}死亡，不能缴费（死亡后缴费须退费）", "{} died on {}: no payment after death (refund one instead)";
    PayNothingCancelled => "{}户籍已于{}注销，不能缴费", "{}'s hukou was cancelled on {}: no payment";
    PayChecking => "正在核对收据号…", "checking the receipt number…";
    PayReceiptWillUse => "将使用收据号 {}", "will use receipt {}";
    MsgPickResident => "请先在居民列表中选中一位居民（登记缴费只对选中的居民）", "highlight a resident in the residents list first (payments act on the highlighted resident only)";
    ExportTitle => "导出清单", "Export the list";
    ExportWhat => "{} {}名单，身份证号已隐去", "{}, {} list, ID numbers masked";
    ExportMarked => "已选的{}人，身份证号已隐去", "the {} marked residents, ID numbers masked";
    ExportNote => "Excel（.xlsx）；以 .csv 结尾则写 CSV；仅本人可读，记入操作日志", "XLSX, or CSV for a name ending .csv; owner-only; audited";
    ExportMarkedName => "已选{}人", "{}-marked";
    ExportFolder => "保存到文件夹：{}", "folder: {}";
    ExportExists => "文件已存在，不会覆盖：{}，请换一个文件名", "{} exists and is never replaced: choose another name";
    ExportExtension => "文件名应以 .xlsx 或 .csv 结尾", "the file name must end in .xlsx or .csv";
    ExportSubtitle => "{}年度，身份证号已隐去", "{}, ID numbers masked";
    PromptReason => "原因", "Reason";
    PromptCash => "解缴金额", "Cash";
    PromptSlip => "回执单号", "Bank slip";
    PromptPayment => "缴费记录", "Payment";
    PromptRefundTitle => "退费", "Refund";
    PromptReverseTitle => "冲正（管理员）", "Reversal (admin)";
    PromptRemitTitle => "登记解缴", "Cash handed in";
    PromptCloseTitle => "日报结账", "Close the day";
    PromptDay => "{} 代办员{} {}  应解缴{} 已解缴{}", "{} agent {} {}: expected {}, handed in {}";
    PromptBadCash => "解缴金额“{}”无效：应为正数，最多两位小数", "cash '{}' is not valid: a positive amount, at most two decimals";
    PromptNoPayments => "没有可退费或冲正的缴费记录", "no payment in force to refund or reverse";
    PromptNeedReason => "请填写原因", "a reason is required";
    PromptNeedSlip => "请填写银行存款回执单号", "the bank slip number is required";
    PromptUndoWhat => "{}  原因：{}", "{}, reason: {}";
    PromptRemitWhat => "代办员{} {}的费款 {} 元，回执单{}，解缴日期{}", "agent {}, {}: {} handed in, slip {}, on {}";
    PromptCloseWhat => "代办员{} {}的日报结账（钱表相符），结账日期{}；结账后该日不能再补录或冲正", "close agent {}'s {} (cash equals payments) on {}; no payment or reversal may change it afterwards";
    PromptEditHelp => "{} 下一步  {} 取消  ↑↓ 换项", "{} next  {} cancel  Up/Down field";
    MsgRefunded => "已退费：{}", "refunded: {}";
    MsgReversed => "已冲正：{}", "reversed: {}";
    MsgRemitted => "已登记解缴：代办员{} {} 累计{}元", "cash recorded: agent {}, {}, {} in all";
    MsgClosed => "已结账：代办员{} {}", "closed: agent {}, {}";
    MsgAdminOnly => "冲正须由管理员办理；经办员可办理退费", "reversals are for admins; a clerk may record a refund";
    MsgNoAgentDay => "请先选择一条代办员日报", "select an agent's day first";
    MsgExportReadOnly => "只读模式不能导出名单：每次导出都须记入操作日志", "read-only: lists are exported only when the export can be written to the audit log";
    ExportFile => "文件：", "File: ";
    ExportHelp => "{} 开始导出  {} 取消", "{} starts  {} cancels";
    ExportRunning => "正在导出 {}/{}", "exporting {}/{}";
    ExportDone => "已导出{}人到 {}", "exported {} residents to {}";
    ExportFailed => "导出到{}失败：{}", "export to {} failed: {}";
}

impl S {
    /// The text in the given language.
    pub fn get(self, lang: Lang) -> &'static str {
        let (zh, en) = self.pair();
        lang.pick(zh, en)
    }

    /// The fallback name of a policy phase by its key in the policy file.
    pub fn phase(key: &str) -> Option<S> {
        Some(match key {
            "prepare" => S::PhasePrepare,
            "pay" => S::PhasePay,
            "deposit" => S::PhaseDeposit,
            "publicity" => S::PhasePublicity,
            _ => return None,
        })
    }
}

/// Fill the `{}` placeholders of a template in order; missing arguments stay `{}`.
pub fn fill(template: &str, args: &[&dyn std::fmt::Display]) -> String {
    let mut out = String::with_capacity(template.len() + 8 * args.len());
    let mut args = args.iter();
    let mut rest = template;
    while let Some(at) = rest.find("{}") {
        out.push_str(&rest[..at]);
        match args.next() {
            Some(arg) => out.push_str(&arg.to_string()),
            None => out.push_str("{}"),
        }
        rest = &rest[at + 2..];
    }
    out.push_str(rest);
    out
}

/// The (Chinese, English) name of an action in the audit log, when known.
pub fn audit_action(name: &str) -> Option<(&'static str, &'static str)> {
    Some(match name {
        "record-payment" => ("登记缴费", "payment"),
        "export" => ("导出名单", "export"),
        "record-remittance" => ("登记解缴", "cash handed in"),
        "close-remittance" => ("日报结账", "day closed"),
        "show-full-id" => ("查看完整证号", "full ID shown"),
        "reversal" => ("冲正", "reversal"),
        "refund" => ("退费", "refund"),
        "generate-roster" => ("生成清册", "roster"),
        "build-demo" => ("生成演示库", "demo built"),
        _ => return None,
    })
}

/// The (Chinese, English) description of an action: short, for help, hints and palette.
pub fn action(a: Action) -> (&'static str, &'static str) {
    use Action::*;
    match a {
        Quit => ("退出", "quit"),
        Help => ("帮助", "help"),
        CommandPalette => ("命令面板", "command palette"),
        Search => ("搜索", "search"),
        RecordPayment => ("登记缴费", "record a payment"),
        Refresh => ("刷新", "refresh"),
        MoveUp => ("上移", "up"),
        MoveDown => ("下移", "down"),
        PageUp => ("上一页", "page up"),
        PageDown => ("下一页", "page down"),
        HalfPageUp => ("上翻半页", "half page up"),
        HalfPageDown => ("下翻半页", "half page down"),
        Home => ("到顶", "first row"),
        End => ("到底", "last row"),
        FocusNextPane => ("下一窗格", "next pane"),
        FocusPrevPane => ("上一窗格", "previous pane"),
        DrillIn => ("打开/确认", "open / confirm"),
        Back => ("返回/关闭", "back / close"),
        ToggleMark => ("选中/取消", "mark / unmark"),
        MarkAll => ("全选", "mark all"),
        ClearMarks => ("取消全选", "clear marks"),
        FilterOutstanding => ("只看未缴", "show outstanding"),
        FilterPaid => ("只看已缴", "show paid"),
        FilterExempt => ("只看免缴", "show exempt"),
        FilterFlagged => ("只看待核", "show flagged"),
        FilterAll => ("显示全部", "show all"),
        CycleFilter => ("切换筛选", "next filter"),
        SortNextColumn => ("切换排序列", "sort by next column"),
        ReverseSort => ("倒序", "reverse sort"),
        ShowFullId => ("显示完整证号", "show full ID number"),
        ExportList => ("导出清单", "export list"),
        RefundPayment => ("退费", "refund a payment"),
        ReversePayment => ("冲正（管理员）", "reverse a payment (admin)"),
        RecordRemittance => ("登记解缴", "record cash handed in"),
        CloseRemittance => ("日报结账", "close an agent's day"),
        ViewMain => ("总览", "main view"),
        ViewDashboard => ("进度看板", "dashboard"),
        ViewOutstanding => ("未缴清单", "outstanding list"),
        ViewAudit => ("操作日志", "audit log"),
        ViewRemittance => ("日报解核对", "daily remittance"),
        NextView => ("下一视图", "next view"),
        PrevView => ("上一视图", "previous view"),
        Tick => ("定时检查", "tick"),
        Redraw => ("重绘", "redraw"),
        DataLoaded => ("数据已加载", "data loaded"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    fn has_cjk(s: &str) -> bool {
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    #[test]
    fn every_text_has_chinese_and_english() {
        for key in S::iter() {
            let (zh, en) = key.pair();
            assert!(has_cjk(zh), "{key:?}: Chinese text missing: {zh:?}");
            assert!(
                !en.is_empty() && !has_cjk(en),
                "{key:?}: English text missing: {en:?}"
            );
            assert_eq!(
                zh.matches("{}").count(),
                en.matches("{}").count(),
                "{key:?}: placeholders differ"
            );
        }
    }

    #[test]
    fn every_action_description_has_both_languages() {
        for a in Action::iter() {
            let (zh, en) = action(a);
            assert!(has_cjk(zh), "{a:?}");
            assert!(!en.is_empty() && !has_cjk(en), "{a:?}");
        }
    }

    #[test]
    fn statuses_read_as_the_station_says_them() {
        assert_eq!(S::StatusPaid.get(Lang::Zh), "已缴");
        assert_eq!(S::StatusDue.get(Lang::Zh), "未缴");
        assert_eq!(S::StatusExempt.get(Lang::Zh), "免缴");
        assert_eq!(S::StatusProxyPaid.get(Lang::Zh), "代缴");
        assert_eq!(S::StatusFlagged.get(Lang::Zh), "待核");
        assert_eq!(S::StatusProxyPaid.get(Lang::En), "proxy-paid");
    }

    #[test]
    fn fill_replaces_placeholders_in_order() {
        assert_eq!(fill(S::HeaderDay.get(Lang::Zh), &[&45, &122]), "第45/122天");
        assert_eq!(
            fill(S::HeaderDay.get(Lang::En), &[&45, &122]),
            " day 45/122"
        );
        assert_eq!(fill("{} and {}", &[&1]), "1 and {}");
    }

    #[test]
    fn phases_by_policy_key() {
        assert_eq!(S::phase("pay"), Some(S::PhasePay));
        assert_eq!(S::phase("nonsense"), None);
    }
}
