//! Special groups (特殊群体) and the offices that certify them.

use super::channel::Insurance;
use super::wording::{by_word, half_width};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A special group a resident can belong to. The kebab-case code is what
/// policy files, the command line and imports use; the Chinese name is
/// accepted everywhere too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Group {
    Tekun,
    Dibao,
    DibaoEdge,
    Fanpin,
    Monitored,
    PovertyRegistered,
    Wubao,
    Youfu,
    #[serde(rename = "disabled-1")]
    Disabled1,
    #[serde(rename = "disabled-2")]
    Disabled2,
    #[serde(rename = "disabled-3")]
    Disabled3,
    #[serde(rename = "disabled-4")]
    Disabled4,
    HardshipApproved,
    Student,
    /// Enrolled in employee insurance for both insurances (职工保险).
    EmployeeInsured,
    /// Enrolled in employee medical insurance only (职工医保).
    EmployeeMedical,
    /// Enrolled in employee pension insurance only (职工养老).
    EmployeePension,
    /// Insured for medical insurance in another place (外地参加医保).
    ElsewhereMedical,
    /// Insured for pension insurance in another place (外地参加养老).
    ElsewherePension,
}

pub const ALL_GROUPS: [Group; 19] = [
    Group::Tekun,
    Group::Dibao,
    Group::DibaoEdge,
    Group::Fanpin,
    Group::Monitored,
    Group::PovertyRegistered,
    Group::Wubao,
    Group::Youfu,
    Group::Disabled1,
    Group::Disabled2,
    Group::Disabled3,
    Group::Disabled4,
    Group::HardshipApproved,
    Group::Student,
    Group::EmployeeInsured,
    Group::EmployeeMedical,
    Group::EmployeePension,
    Group::ElsewhereMedical,
    Group::ElsewherePension,
];

impl Group {
    pub fn code(self) -> &'static str {
        match self {
            Group::Tekun => "tekun",
            Group::Dibao => "dibao",
            Group::DibaoEdge => "dibao-edge",
            Group::Fanpin => "fanpin",
            Group::Monitored => "monitored",
            Group::PovertyRegistered => "poverty-registered",
            Group::Wubao => "wubao",
            Group::Youfu => "youfu",
            Group::Disabled1 => "disabled-1",
            Group::Disabled2 => "disabled-2",
            Group::Disabled3 => "disabled-3",
            Group::Disabled4 => "disabled-4",
            Group::HardshipApproved => "hardship-approved",
            Group::Student => "student",
            Group::EmployeeInsured => "employee-insured",
            Group::EmployeeMedical => "employee-medical",
            Group::EmployeePension => "employee-pension",
            Group::ElsewhereMedical => "elsewhere-medical",
            Group::ElsewherePension => "elsewhere-pension",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Group::Tekun => "特困",
            Group::Dibao => "低保",
            Group::DibaoEdge => "低保边缘",
            Group::Fanpin => "返贫致贫",
            Group::Monitored => "防止返贫监测帮扶",
            Group::PovertyRegistered => "建档立卡贫困",
            Group::Wubao => "五保",
            Group::Youfu => "优抚",
            Group::Disabled1 => "一级残疾",
            Group::Disabled2 => "二级残疾",
            Group::Disabled3 => "三级残疾",
            Group::Disabled4 => "四级残疾",
            Group::HardshipApproved => "经批准的特别困难",
            Group::Student => "在校学生",
            Group::EmployeeInsured => "已参加职工保险",
            Group::EmployeeMedical => "已参加职工医保",
            Group::EmployeePension => "已参加职工养老保险",
            Group::ElsewhereMedical => "已在外地参加医保",
            Group::ElsewherePension => "已在外地参加养老保险",
        }
    }

    /// Other spellings offices use in their lists.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Group::Tekun => &["特困人员", "特困供养"],
            Group::Dibao => &[
                "城乡低保",
                "最低生活保障",
                "低保对象",
                "城乡最低生活保障对象",
            ],
            Group::DibaoEdge => &["低保边缘家庭", "低保边缘家庭成员", "低边"],
            Group::Fanpin => &["返贫致贫人口", "返贫"],
            Group::Monitored => &["监测帮扶", "防返贫监测", "监测对象", "防止返贫监测帮扶对象"],
            Group::PovertyRegistered => &["建档立卡", "建档立卡贫困人口", "扶贫户", "贫困户"],
            Group::Wubao => &["五保户", "五保供养"],
            Group::Youfu => &["优抚对象"],
            Group::Disabled1 => &["残疾一级", "一级", "1级残疾", "重度残疾一级"],
            Group::Disabled2 => &["残疾二级", "二级", "2级残疾", "重度残疾二级"],
            Group::Disabled3 => &["残疾三级", "三级", "3级残疾"],
            Group::Disabled4 => &["残疾四级", "四级", "4级残疾"],
            Group::HardshipApproved => &["特别困难", "因病特别困难"],
            Group::Student => &["学生", "在校生"],
            Group::EmployeeInsured => &["职工保险", "职工参保", "已参加职工"],
            Group::EmployeeMedical => &["职工医保", "职工医疗保险", "职工基本医疗保险"],
            Group::EmployeePension => &["职工养老", "职工养老保险", "职工基本养老保险"],
            Group::ElsewhereMedical => &["外地医保", "异地参加医保", "外地参加医保"],
            Group::ElsewherePension => &["外地养老", "异地参加养老", "外地参加养老"],
        }
    }

    /// Parse a code (`dibao`), a Chinese name (`低保`), a known alias, or
    /// the longer wording an office's list uses (`农村低保户`, `分散供养特困人员`,
    /// `肢体残疾二级`): the group whose telling word it contains.
    pub fn parse(text: &str) -> Option<Group> {
        let t: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(half_width)
            .collect();
        let t = t.as_str();
        ALL_GROUPS
            .iter()
            .copied()
            .find(|g| g.code().eq_ignore_ascii_case(t) || g.zh() == t || g.aliases().contains(&t))
            .or_else(|| Group::from_wording(t))
    }

    /// The group named by a telling word inside a longer text. Order
    /// matters: 低保边缘 before 低保, 防止返贫监测 before 返贫.
    fn from_wording(t: &str) -> Option<Group> {
        if t.contains('残') {
            return disability_grade(t);
        }
        if let Some(g) = exclusion_wording(t) {
            return g;
        }
        by_word(
            t,
            &[
                (&["低保边缘", "低边"][..], Group::DibaoEdge),
                (&["低保", "最低生活保障"], Group::Dibao),
                (&["特困"], Group::Tekun),
                (&["五保"], Group::Wubao),
                (&["监测"], Group::Monitored),
                (&["返贫", "致贫"], Group::Fanpin),
                (
                    &["建档立卡", "贫困户", "扶贫户", "贫困人口"],
                    Group::PovertyRegistered,
                ),
                (&["优抚"], Group::Youfu),
                (&["特别困难"], Group::HardshipApproved),
                (&["在校", "学生"], Group::Student),
            ],
        )
    }

    /// Disability grade 1 or 2 (重度残疾).
    pub fn is_severe_disability(self) -> bool {
        matches!(self, Group::Disabled1 | Group::Disabled2)
    }

    /// A status flag rather than a hardship group.
    pub fn is_status(self) -> bool {
        matches!(self, Group::Student) || self.is_exclusion()
    }

    /// Insured elsewhere or as an employee: off the residents' roster of
    /// one insurance or both.
    pub fn is_exclusion(self) -> bool {
        !self.excludes().is_empty()
    }

    /// The insurances (medical, pension) this status takes a person out of.
    pub fn excludes(self) -> &'static [Insurance] {
        match self {
            Group::EmployeeInsured => &[Insurance::Medical, Insurance::Pension],
            Group::EmployeeMedical | Group::ElsewhereMedical => &[Insurance::Medical],
            Group::EmployeePension | Group::ElsewherePension => &[Insurance::Pension],
            _ => &[],
        }
    }

    /// The exclusion of this kind for one insurance only: 职工参保 with a
    /// 险种 of 医疗 is 职工医保. `None` when the group is no exclusion.
    pub fn for_insurance(self, insurance: Insurance) -> Option<Group> {
        let employee = matches!(
            self,
            Group::EmployeeInsured | Group::EmployeeMedical | Group::EmployeePension
        );
        let elsewhere = matches!(self, Group::ElsewhereMedical | Group::ElsewherePension);
        match (employee, elsewhere, insurance) {
            (true, _, Insurance::Medical) => Some(Group::EmployeeMedical),
            (true, _, Insurance::Pension) => Some(Group::EmployeePension),
            (_, true, Insurance::Medical) => Some(Group::ElsewhereMedical),
            (_, true, Insurance::Pension) => Some(Group::ElsewherePension),
            _ => None,
        }
    }

    /// 五保 and 特困 name the same people since 2014 (五保供养 became
    /// 特困人员供养): a policy that names either means both.
    pub fn same_people(self) -> &'static [Group] {
        match self {
            Group::Tekun => &[Group::Wubao],
            Group::Wubao => &[Group::Tekun],
            _ => &[],
        }
    }
}

/// Words that say a person is insured in another place (外地参保).
const ELSEWHERE: [&str; 6] = ["外地", "异地", "外省", "省外", "市外", "区外"];

/// An exclusion worded by an office: `城镇职工基本医疗保险` is employee
/// medical, `企业职工基本养老保险` employee pension, `职工参保` both;
/// `外地参保（医保）` is medical elsewhere. `Some(None)`: an exclusion whose
/// insurance the text does not say (`外地参保`: the row's 险种 must say it).
fn exclusion_wording(t: &str) -> Option<Option<Group>> {
    let medical = t.contains("医疗") || t.contains("医保");
    let pension = t.contains("养老");
    let elsewhere = ELSEWHERE.iter().any(|w| t.contains(w));
    if elsewhere && (t.contains("参保") || t.contains("参加") || medical || pension) {
        return Some(match (medical, pension) {
            (true, false) => Some(Group::ElsewhereMedical),
            (false, true) => Some(Group::ElsewherePension),
            _ => None,
        });
    }
    if t.contains("职工") {
        return Some(Some(match (medical, pension) {
            (true, false) => Group::EmployeeMedical,
            (false, true) => Group::EmployeePension,
            _ => Group::EmployeeInsured,
        }));
    }
    None
}

/// A person insured elsewhere without saying for which insurance
/// (`外地参保`): the import takes the insurance from the row's 险种.
pub fn is_elsewhere_unsaid(text: &str) -> bool {
    matches!(exclusion_wording(text.trim()), Some(None))
}

/// The disability group of a grade as lists write it: `二级`, `2级`, `2`,
/// `贰级`, `Ⅱ级`, `残疾等级：二级`, `肢体残疾二级`. `None` when the text names no
/// grade or more than one.
pub fn disability_grade(text: &str) -> Option<Group> {
    const GRADES: [(Group, &[char]); 4] = [
        (Group::Disabled1, &['1', '一', '壹', 'Ⅰ']),
        (Group::Disabled2, &['2', '二', '贰', 'Ⅱ']),
        (Group::Disabled3, &['3', '三', '叁', 'Ⅲ']),
        (Group::Disabled4, &['4', '四', '肆', 'Ⅳ']),
    ];
    let found: Vec<Group> = GRADES
        .iter()
        .filter(|(_, marks)| text.chars().map(half_width).any(|c| marks.contains(&c)))
        .map(|(g, _)| *g)
        .collect();
    match found.as_slice() {
        [g] => Some(*g),
        _ => None,
    }
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.zh())
    }
}

/// A paying office (代缴部门).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Office {
    CivilAffairs,
    DisabledPersons,
    Health,
    RuralRevitalization,
    Veterans,
}

pub const ALL_OFFICES: [Office; 5] = [
    Office::CivilAffairs,
    Office::DisabledPersons,
    Office::Health,
    Office::RuralRevitalization,
    Office::Veterans,
];

impl Office {
    pub fn code(self) -> &'static str {
        match self {
            Office::CivilAffairs => "civil-affairs",
            Office::DisabledPersons => "disabled-persons",
            Office::Health => "health",
            Office::RuralRevitalization => "rural-revitalization",
            Office::Veterans => "veterans",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Office::CivilAffairs => "民政",
            Office::DisabledPersons => "残联",
            Office::Health => "卫健",
            Office::RuralRevitalization => "乡村振兴",
            Office::Veterans => "退役军人事务",
        }
    }

    pub fn parse(text: &str) -> Option<Office> {
        let t = text.trim();
        let t = t.trim_start_matches("区").trim_end_matches("局");
        ALL_OFFICES.iter().copied().find(|o| {
            o.code().eq_ignore_ascii_case(t)
                || o.zh() == t
                || match o {
                    Office::CivilAffairs => t == "民政局",
                    Office::DisabledPersons => t == "残疾人联合会",
                    Office::Health => t == "卫健委" || t == "卫生健康",
                    Office::RuralRevitalization => t == "扶贫办",
                    Office::Veterans => t == "退役军人事务局" || t == "退役军人",
                }
        })
    }
}

impl fmt::Display for Office {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.zh())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_group_parses_by_code_and_chinese() {
        for g in ALL_GROUPS {
            assert_eq!(Group::parse(g.code()), Some(g));
            assert_eq!(Group::parse(g.zh()), Some(g));
        }
        assert_eq!(Group::parse("nonsense"), None);
    }

    #[test]
    fn groups_as_offices_write_them() {
        for (text, group) in [
            ("农村低保", Some(Group::Dibao)),
            ("城市低保户", Some(Group::Dibao)),
            ("低保边缘户", Some(Group::DibaoEdge)),
            ("分散供养特困人员", Some(Group::Tekun)),
            ("农村五保供养对象", Some(Group::Wubao)),
            ("防止返贫监测对象", Some(Group::Monitored)),
            ("返贫致贫户", Some(Group::Fanpin)),
            ("建档立卡贫困户", Some(Group::PovertyRegistered)),
            ("重点优抚对象", Some(Group::Youfu)),
            ("肢体残疾二级", Some(Group::Disabled2)),
            ("残疾等级：１级", Some(Group::Disabled1)),
            ("视力残疾 叁级", Some(Group::Disabled3)),
            ("残疾人", None),
            ("一级残疾 二级残疾", None),
            ("普通居民", None),
            ("城镇职工基本医疗保险", Some(Group::EmployeeMedical)),
            ("企业职工基本养老保险", Some(Group::EmployeePension)),
            ("职工医保、职工养老", Some(Group::EmployeeInsured)),
            ("已参加职工", Some(Group::EmployeeInsured)),
            ("外地参加医保", Some(Group::ElsewhereMedical)),
            ("在外省参加养老保险", Some(Group::ElsewherePension)),
            ("异地参保（医疗）", Some(Group::ElsewhereMedical)),
            ("外地参保", None),
        ] {
            assert_eq!(Group::parse(text), group, "{text}");
        }
        for (text, group) in [
            ("二级", Some(Group::Disabled2)),
            ("4", Some(Group::Disabled4)),
            ("Ⅲ级", Some(Group::Disabled3)),
            ("无", None),
        ] {
            assert_eq!(disability_grade(text), group, "{text}");
        }
    }

    #[test]
    fn offices_parse() {
        for o in ALL_OFFICES {
            assert_eq!(Office::parse(o.code()), Some(o));
            assert_eq!(Office::parse(o.zh()), Some(o));
        }
        assert_eq!(Office::parse("区民政局"), Some(Office::CivilAffairs));
    }
}
