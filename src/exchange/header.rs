//! Which column holds what: the header row, its fields and the `--map` override.

use super::{ReadError, Row, cell};
use chrono::NaiveDate;
use std::fmt;
use std::str::FromStr;

/// A kind of column that imports understand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// 姓名
    Name,
    /// 身份证号码
    IdNumber,
    /// 性别
    Sex,
    /// 出生日期
    BirthDate,
    /// 村居 (name)
    Village,
    /// 村居代码: the 12-digit statistical division code
    VillageCode,
    /// 镇街
    Town,
    /// 联系电话
    Phone,
    /// 缴费金额
    Amount,
    /// 缴费档次
    Tier,
    /// 缴费日期
    PaidDate,
    /// 缴费渠道
    Channel,
    /// 险种 (养老/医疗)
    Insurance,
    /// 死亡日期 / 注销日期
    DeathDate,
    /// 人员类别 (special group)
    Category,
    /// 残疾等级
    DisabilityGrade,
    /// 认定部门
    Department,
    /// 开始日期
    StartDate,
    /// 结束日期
    EndDate,
    /// 户籍性质
    HukouType,
    /// 序号: recognised so that it counts for finding the header, otherwise ignored
    Seq,
    /// 备注
    Remark,
}

impl Field {
    pub const ALL: [Field; 22] = [
        Field::Name,
        Field::IdNumber,
        Field::Sex,
        Field::BirthDate,
        Field::Village,
        Field::VillageCode,
        Field::Town,
        Field::Phone,
        Field::Amount,
        Field::Tier,
        Field::PaidDate,
        Field::Channel,
        Field::Insurance,
        Field::DeathDate,
        Field::Category,
        Field::DisabilityGrade,
        Field::Department,
        Field::StartDate,
        Field::EndDate,
        Field::HukouType,
        Field::Seq,
        Field::Remark,
    ];

    /// The name used in `--map` (`id-number`).
    pub fn kebab(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::IdNumber => "id-number",
            Field::Sex => "sex",
            Field::BirthDate => "birth-date",
            Field::Village => "village",
            Field::VillageCode => "village-code",
            Field::Town => "town",
            Field::Phone => "phone",
            Field::Amount => "amount",
            Field::Tier => "tier",
            Field::PaidDate => "paid-date",
            Field::Channel => "channel",
            Field::Insurance => "insurance",
            Field::DeathDate => "death-date",
            Field::Category => "category",
            Field::DisabilityGrade => "disability-grade",
            Field::Department => "department",
            Field::StartDate => "start-date",
            Field::EndDate => "end-date",
            Field::HukouType => "hukou-type",
            Field::Seq => "seq",
            Field::Remark => "remark",
        }
    }

    /// The usual Chinese column title.
    pub fn zh(self) -> &'static str {
        self.synonyms()[0]
    }

    /// Column titles recognised without a mapping, the usual one first.
    /// Compared after [`normalize_header`].
    pub fn synonyms(self) -> &'static [&'static str] {
        match self {
            Field::Name => &[
                "姓名",
                "人员姓名",
                "参保人姓名",
                "居民姓名",
                "参保人",
                "被保险人姓名",
                "缴费人姓名",
                "缴费人名称",
                "缴费人",
                "纳税人名称",
                "纳税人姓名",
            ],
            Field::IdNumber => &[
                "身份证号码",
                "身份证号",
                "公民身份号码",
                "证件号码",
                "社会保障号码",
                "社会保障号",
                "身份证",
                "公民身份证号码",
                "公民身份证号",
                "身份证件号码",
                "证件号",
                "身份证件号",
                "身份号码",
                "参保人身份证号",
                "参保人身份证号码",
                "缴费人证件号码",
                "缴费人识别号",
                "纳税人识别号",
            ],
            Field::Sex => &["性别"],
            Field::BirthDate => &["出生日期", "出生年月", "出生年月日"],
            Field::Village => &[
                "村居",
                "村",
                "社区",
                "所属村居",
                "村(居)",
                "村居名称",
                "村委会",
                "居委会",
                "村(社区)",
                "所在村居",
                "村居委会",
                "村(居)委会",
                "村(居)名称",
                "村(社区)名称",
                "所在村",
                "所属村",
                "所属社区",
                "村名",
                "行政村",
                "村/社区",
                "村社区",
            ],
            Field::VillageCode => &["村居代码", "村居编码", "区划代码", "行政区划代码"],
            Field::Town => &[
                "镇街",
                "镇",
                "乡镇",
                "镇(街道)",
                "所属镇街",
                "乡镇(街道)",
                "街道",
                "乡镇街道",
                "所属乡镇",
                "所属镇",
                "所属街道",
                "镇(街)",
                "镇街道",
                "街镇",
                "镇街名称",
                "乡镇名称",
            ],
            Field::Phone => &[
                "联系电话",
                "手机号",
                "电话",
                "手机号码",
                "联系方式",
                "联系手机",
                "手机",
                "电话号码",
                "移动电话",
            ],
            Field::Amount => &[
                "缴费金额",
                "金额",
                "个人缴费金额",
                "实缴金额",
                "实缴费额",
                "缴费额",
                "缴款金额",
                "缴纳金额",
            ],
            Field::Tier => &["缴费档次", "档次"],
            Field::PaidDate => &[
                "缴费日期",
                "缴费时间",
                "入库日期",
                "缴款日期",
                "缴纳日期",
                "缴款时间",
                "交易日期",
                "交易时间",
            ],
            Field::Channel => &["缴费渠道", "缴费方式", "缴费途径", "缴款方式", "缴款渠道"],
            Field::Insurance => &[
                "险种",
                "征收项目",
                "征收品目",
                "征收品目名称",
                "险种名称",
                "险种类型",
                "费种",
                "费种名称",
            ],
            Field::DeathDate => &["死亡日期", "注销日期", "销户日期", "死亡时间"],
            Field::Category => &[
                "人员类别",
                "困难类别",
                "群体",
                "特殊群体类别",
                "人员类型",
                "困难类型",
                "特殊人员类别",
                "救助类别",
                "保障类别",
                "对象类别",
                "群体类别",
                "参保情况",
                "参保类型",
                "参保状态",
                "不参保原因",
            ],
            Field::DisabilityGrade => &["残疾等级", "残疾级别"],
            Field::Department => &["认定部门", "部门", "认定单位"],
            Field::StartDate => &["开始日期", "有效期起"],
            Field::EndDate => &["结束日期", "有效期止"],
            Field::HukouType => &["户籍性质", "户口类型", "户口性质", "户籍类型"],
            Field::Seq => &["序号"],
            Field::Remark => &["备注"],
        }
    }

    /// Whether the column holds dates (see [`Header::date`]).
    pub fn is_date(self) -> bool {
        matches!(
            self,
            Field::BirthDate
                | Field::PaidDate
                | Field::DeathDate
                | Field::StartDate
                | Field::EndDate
        )
    }

    /// The field whose built-in titles include `title` (any spelling).
    pub fn recognise(title: &str) -> Option<Field> {
        let key = normalize_header(title);
        if key.is_empty() {
            return None;
        }
        let find = |key: &str| {
            Field::ALL
                .into_iter()
                .find(|f| f.synonyms().iter().any(|s| normalize_header(s) == key))
        };
        find(&key).or_else(|| {
            // "缴费金额(元)", "出生日期(yyyy-mm-dd)": drop the remark in brackets.
            let bare = strip_brackets(&key);
            (bare != key && !bare.is_empty())
                .then(|| find(&bare))
                .flatten()
        })
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kebab())
    }
}

impl FromStr for Field {
    type Err = String;

    /// The kebab-case name (`id-number`); `_` for `-` and any case are accepted.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = s.trim().to_ascii_lowercase().replace('_', "-");
        Field::ALL
            .into_iter()
            .find(|f| f.kebab() == key)
            .ok_or_else(|| {
                format!(
                    "没有字段“{s}” / no field '{s}'; 可用 / use: {}, ignore",
                    Field::ALL.map(Field::kebab).join(", ")
                )
            })
    }
}

/// The key a column title is compared by: without spaces (also full-width),
/// line breaks, `*`, colons; brackets in their ASCII form; full-width digits
/// normalised; ASCII lower-cased.
pub fn normalize_header(title: &str) -> String {
    cell::normalize_text(title)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '*' | '＊' | '：' | ':'))
        .map(|c| match c {
            '（' | '【' | '[' => '(',
            '）' | '】' | ']' => ')',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// The key without bracketed parts: "缴费金额(元)" → "缴费金额".
fn strip_brackets(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut depth = 0usize;
    for c in key.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The clerk's own column names, from `--map "个人身份证=id-number,村名=village"`.
/// They take precedence over the built-in titles. `列名=ignore` ignores a column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mapping {
    /// Normalised column title and its field (`None`: ignore the column).
    entries: Vec<(String, Option<Field>)>,
}

impl Mapping {
    /// No overrides: only the built-in titles.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parse `列名=field,列名=field`. Entries are separated by `,`, `，`, `;`
    /// or `；`; `=` may be full-width. An empty string is an empty mapping.
    pub fn parse(spec: &str) -> Result<Self, ReadError> {
        let mut mapping = Mapping::new();
        for entry in spec.split([',', '，', ';', '；']) {
            if entry.trim().is_empty() {
                continue;
            }
            let bad = |reason: String| ReadError::BadMapping {
                entry: entry.trim().to_string(),
                reason,
            };
            let (column, field) = entry
                .split_once(['=', '＝'])
                .ok_or_else(|| bad("应写成 列名=字段 / write it as column=field".into()))?;
            if normalize_header(column).is_empty() {
                return Err(bad("列名为空 / the column name is empty".into()));
            }
            let field = match field.trim().to_ascii_lowercase().as_str() {
                "ignore" | "-" => None,
                _ => Some(field.parse::<Field>().map_err(bad)?),
            };
            mapping = mapping.with(column, field);
        }
        Ok(mapping)
    }

    /// Add one override (`None` ignores the column).
    pub fn with(mut self, column: &str, field: Option<Field>) -> Self {
        let key = normalize_header(column);
        self.entries.retain(|(k, _)| *k != key);
        self.entries.push((key, field));
        self
    }

    /// Add an override unless the column is mapped already (a kind's own
    /// titles, which the clerk's `--map` may still change).
    pub fn or_with(self, column: &str, field: Option<Field>) -> Self {
        if self.lookup(column).is_some() {
            self
        } else {
            self.with(column, field)
        }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// What the mapping says about a title: `Some(Some(f))` maps it,
    /// `Some(None)` ignores it, `None` leaves it to the built-in titles.
    fn lookup(&self, title: &str) -> Option<Option<Field>> {
        let key = normalize_header(title);
        self.entries
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, f)| *f)
    }

    /// How a title is understood, mapping first.
    pub(crate) fn classify(&self, title: &str) -> Recognised {
        match self.lookup(title) {
            Some(Some(f)) => Recognised::Field(f),
            Some(None) => Recognised::Ignored,
            None => match Field::recognise(title) {
                Some(f) => Recognised::Field(f),
                None => Recognised::Unknown,
            },
        }
    }
}

impl FromStr for Mapping {
    type Err = ReadError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Mapping::parse(s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Recognised {
    Field(Field),
    Ignored,
    Unknown,
}

/// One column of the header row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// 0-based position in the row.
    pub index: usize,
    /// The title as written in the file (normalised cell text).
    pub title: String,
    /// The field it holds; `None` for unknown or ignored columns.
    pub field: Option<Field>,
    /// Ignored on purpose (`--map 列名=ignore`).
    pub ignored: bool,
    /// A second column for a field already taken by an earlier column;
    /// [`Header::get`] reads the first one.
    pub duplicate: bool,
}

/// The recognised header row of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    line: usize,
    columns: Vec<Column>,
}

impl Header {
    /// Recognise the columns of a header row.
    pub fn from_row(row: &Row, mapping: &Mapping) -> Header {
        let mut columns: Vec<Column> = Vec::with_capacity(row.cells.len());
        for (index, title) in row.cells.iter().enumerate() {
            let (field, ignored) = match mapping.classify(title) {
                Recognised::Field(f) => (Some(f), false),
                Recognised::Ignored => (None, true),
                Recognised::Unknown => (None, false),
            };
            let duplicate = field.is_some() && columns.iter().any(|c| c.field == field);
            columns.push(Column {
                index,
                title: title.clone(),
                field,
                ignored,
                duplicate,
            });
        }
        Header {
            line: row.line,
            columns,
        }
    }

    /// How many different fields a row's cells name: the score by which the
    /// header row is found.
    pub(crate) fn score(row: &Row, mapping: &Mapping) -> usize {
        let mut seen: Vec<Field> = Vec::new();
        for title in &row.cells {
            if let Recognised::Field(f) = mapping.classify(title)
                && !seen.contains(&f)
            {
                seen.push(f);
            }
        }
        seen.len()
    }

    /// The line of the header row in the file (1-based).
    pub fn line(&self) -> usize {
        self.line
    }

    /// All columns, in file order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The column that holds a field (the first, if several do).
    pub fn column(&self, field: Field) -> Option<&Column> {
        self.columns.iter().find(|c| c.field == Some(field))
    }

    /// Whether some column holds the field.
    pub fn has(&self, field: Field) -> bool {
        self.column(field).is_some()
    }

    /// The recognised fields, in column order, each once.
    pub fn fields(&self) -> Vec<Field> {
        self.columns
            .iter()
            .filter(|c| !c.duplicate)
            .filter_map(|c| c.field)
            .collect()
    }

    /// Titles of the columns that were not recognised (empty titles left out).
    /// They are kept in the rows; the caller may show them to the clerk.
    pub fn unknown(&self) -> Vec<&str> {
        self.columns
            .iter()
            .filter(|c| c.field.is_none() && !c.ignored && !c.title.is_empty())
            .map(|c| c.title.as_str())
            .collect()
    }

    /// The cell of a field in a row; `None` when there is no such column or
    /// the cell is empty.
    pub fn get<'r>(&self, row: &'r Row, field: Field) -> Option<&'r str> {
        let column = self.column(field)?;
        let value = row.cell(column.index);
        (!value.is_empty()).then_some(value)
    }

    /// The cell of a date field as a date (see [`super::parse_date_cell`]):
    /// `Ok(None)` when empty or absent, an error naming the line and column when
    /// it is not a date.
    pub fn date(&self, row: &Row, field: Field) -> Result<Option<NaiveDate>, ReadError> {
        let Some(value) = self.get(row, field) else {
            return Ok(None);
        };
        match cell::parse_date_cell(value) {
            Some(d) => Ok(Some(d)),
            None => Err(ReadError::BadDate {
                line: row.line,
                column: self
                    .column(field)
                    .map(|c| c.title.clone())
                    .unwrap_or_default(),
                value: value.to_string(),
            }),
        }
    }

    /// Whether a data row repeats the header, as exports split into pages do:
    /// every recognised column holds its own title.
    pub fn is_repeat(&self, row: &Row) -> bool {
        let mut recognised = self.columns.iter().filter(|c| c.field.is_some()).peekable();
        recognised.peek().is_some()
            && recognised.all(|c| normalize_header(row.cell(c.index)) == normalize_header(&c.title))
    }

    /// Check that every field has a column; the error names the missing ones
    /// and lists the titles that were found.
    pub fn require(&self, fields: &[Field]) -> Result<(), ReadError> {
        let missing: Vec<Field> = fields.iter().copied().filter(|f| !self.has(*f)).collect();
        if missing.is_empty() {
            return Ok(());
        }
        Err(ReadError::MissingColumns {
            missing,
            found: self
                .columns
                .iter()
                .filter(|c| !c.title.is_empty())
                .map(|c| c.title.clone())
                .collect(),
            line: self.line,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: usize, cells: &[&str]) -> Row {
        Row {
            line,
            cells: cells.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn every_listed_title_is_recognised() {
        let cases: &[(&str, Field)] = &[
            ("姓名", Field::Name),
            ("身份证号", Field::IdNumber),
            ("身份证号码", Field::IdNumber),
            ("公民身份号码", Field::IdNumber),
            ("证件号码", Field::IdNumber),
            ("社会保障号码", Field::IdNumber),
            ("社会保障号", Field::IdNumber),
            ("身份证", Field::IdNumber),
            ("性别", Field::Sex),
            ("出生日期", Field::BirthDate),
            ("出生年月", Field::BirthDate),
            ("村", Field::Village),
            ("村居", Field::Village),
            ("社区", Field::Village),
            ("所属村居", Field::Village),
            ("村（居）", Field::Village),
            ("村(居)", Field::Village),
            ("村居名称", Field::Village),
            ("村委会", Field::Village),
            ("居委会", Field::Village),
            ("村居代码", Field::VillageCode),
            ("村居编码", Field::VillageCode),
            ("区划代码", Field::VillageCode),
            ("镇", Field::Town),
            ("镇街", Field::Town),
            ("乡镇", Field::Town),
            ("镇（街道）", Field::Town),
            ("所属镇街", Field::Town),
            ("联系电话", Field::Phone),
            ("手机号", Field::Phone),
            ("电话", Field::Phone),
            ("手机号码", Field::Phone),
            ("缴费金额", Field::Amount),
            ("金额", Field::Amount),
            ("个人缴费金额", Field::Amount),
            ("实缴金额", Field::Amount),
            ("缴费档次", Field::Tier),
            ("档次", Field::Tier),
            ("缴费日期", Field::PaidDate),
            ("缴费时间", Field::PaidDate),
            ("入库日期", Field::PaidDate),
            ("缴费渠道", Field::Channel),
            ("缴费方式", Field::Channel),
            ("险种", Field::Insurance),
            ("征收项目", Field::Insurance),
            ("死亡日期", Field::DeathDate),
            ("注销日期", Field::DeathDate),
            ("销户日期", Field::DeathDate),
            ("人员类别", Field::Category),
            ("困难类别", Field::Category),
            ("群体", Field::Category),
            ("特殊群体类别", Field::Category),
            ("残疾等级", Field::DisabilityGrade),
            ("认定部门", Field::Department),
            ("部门", Field::Department),
            ("开始日期", Field::StartDate),
            ("有效期起", Field::StartDate),
            ("结束日期", Field::EndDate),
            ("有效期止", Field::EndDate),
            ("户籍性质", Field::HukouType),
            ("户口类型", Field::HukouType),
            ("序号", Field::Seq),
            ("备注", Field::Remark),
        ];
        for (title, field) in cases {
            assert_eq!(Field::recognise(title), Some(*field), "{title}");
        }
    }

    /// Each title means one field, and every listed title is recognised as it.
    #[test]
    fn no_title_means_two_fields() {
        let mut owner: std::collections::HashMap<String, Field> = Default::default();
        for f in Field::ALL {
            for title in f.synonyms() {
                let key = normalize_header(title);
                if let Some(other) = owner.insert(key, f) {
                    panic!("“{title}” is a title of both {other} and {f}");
                }
                assert_eq!(Field::recognise(title), Some(f), "{title}");
            }
        }
    }

    /// The titles of the tax system's payment lists and of offices' lists.
    #[test]
    fn other_offices_titles() {
        for (title, field) in [
            ("缴费人识别号", Field::IdNumber),
            ("纳税人名称", Field::Name),
            ("征收品目", Field::Insurance),
            ("实缴费额（元）", Field::Amount),
            ("缴款日期", Field::PaidDate),
            ("村（居）委会", Field::Village),
            ("所属乡镇", Field::Town),
            ("人员类型", Field::Category),
            ("残疾级别", Field::DisabilityGrade),
        ] {
            assert_eq!(Field::recognise(title), Some(field), "{title}");
        }
    }

    #[test]
    fn titles_are_normalised() {
        assert_eq!(Field::recognise(" 姓 名 "), Some(Field::Name));
        assert_eq!(Field::recognise("姓\u{3000}名"), Some(Field::Name));
        assert_eq!(Field::recognise("*身份证\n号码："), Some(Field::IdNumber));
        assert_eq!(Field::recognise("缴费金额（元）"), Some(Field::Amount));
        assert_eq!(
            Field::recognise("出生日期(yyyy-mm-dd)"),
            Some(Field::BirthDate)
        );
        assert_eq!(Field::recognise("村（社区）"), Some(Field::Village));
        assert_eq!(Field::recognise("山亭区2025年度低保人员名单"), None);
        assert_eq!(Field::recognise("身份证号码重复"), None);
        assert_eq!(Field::recognise(""), None);
        assert_eq!(Field::recognise("()"), None);
    }

    #[test]
    fn kebab_names_round_trip() {
        for f in Field::ALL {
            assert_eq!(f.kebab().parse::<Field>().unwrap(), f);
        }
        assert_eq!("ID_NUMBER".parse::<Field>().unwrap(), Field::IdNumber);
        assert!("idnumber".parse::<Field>().is_err());
    }

    #[test]
    fn mapping_parses_and_takes_precedence() {
        let m = Mapping::parse("个人身份证=id-number， 村名=village;电话=ignore").unwrap();
        assert_eq!(m.classify("个人身份证"), Recognised::Field(Field::IdNumber));
        assert_eq!(m.classify(" 村 名"), Recognised::Field(Field::Village));
        assert_eq!(m.classify("电话"), Recognised::Ignored);
        assert_eq!(m.classify("姓名"), Recognised::Field(Field::Name));
        let m = Mapping::parse("备注=name").unwrap();
        assert_eq!(m.classify("备注"), Recognised::Field(Field::Name));
        assert!(Mapping::parse("").unwrap().is_empty());
    }

    #[test]
    fn bad_mappings_are_explained() {
        let e = Mapping::parse("姓名=nom").unwrap_err().to_string();
        assert!(e.contains("姓名=nom") && e.contains("id-number"), "{e}");
        let e = Mapping::parse("姓名").unwrap_err().to_string();
        assert!(e.contains("column=field"), "{e}");
        let e = Mapping::parse("=name").unwrap_err().to_string();
        assert!(e.contains("empty"), "{e}");
    }

    #[test]
    fn header_get_require_unknown() {
        let h = Header::from_row(
            &row(
                3,
                &[
                    "序号",
                    "姓名",
                    "身份证号码",
                    "联系电话",
                    "手机号",
                    "户主",
                    "",
                ],
            ),
            &Mapping::new(),
        );
        assert_eq!(h.line(), 3);
        assert_eq!(
            h.fields(),
            vec![Field::Seq, Field::Name, Field::IdNumber, Field::Phone]
        );
        assert_eq!(h.unknown(), vec!["户主"]);
        assert!(h.columns()[4].duplicate);
        let r = row(4, &["1", "张三", "370406", "", "139"]);
        assert_eq!(h.get(&r, Field::Name), Some("张三"));
        assert_eq!(h.get(&r, Field::Phone), None);
        assert_eq!(h.get(&r, Field::Village), None);
        assert!(h.require(&[Field::Name, Field::IdNumber]).is_ok());
        assert!(h.is_repeat(&row(
            40,
            &["序号", "姓 名", "身份证号码", "联系电话", "手机号"]
        )));
        assert!(!h.is_repeat(&r));
        let e = h
            .require(&[Field::IdNumber, Field::Village, Field::DeathDate])
            .unwrap_err()
            .to_string();
        assert!(e.contains("村居、死亡日期"), "{e}");
        assert!(e.contains("village, death-date"), "{e}");
        assert!(e.contains("“户主”"), "{e}");
    }

    #[test]
    fn dates_through_the_header() {
        let h = Header::from_row(&row(1, &["姓名", "死亡日期"]), &Mapping::new());
        let ok = row(2, &["张三", "2024年10月5日"]);
        assert_eq!(
            h.date(&ok, Field::DeathDate).unwrap(),
            NaiveDate::from_ymd_opt(2024, 10, 5)
        );
        assert_eq!(h.date(&row(3, &["李四"]), Field::DeathDate).unwrap(), None);
        let e = h
            .date(&row(7, &["王五", "去年"]), Field::DeathDate)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("第7行") && e.contains("死亡日期") && e.contains("去年"),
            "{e}"
        );
    }
}
