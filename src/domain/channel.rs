//! Payment channels (征缴方式) and insurances.

use super::wording::by_word;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Channel {
    AgentPos,
    Wechat,
    Alipay,
    Aishandong,
    Etax,
    Bank,
    TaxHall,
    Proxy,
    Cash,
}

pub const ALL_CHANNELS: [Channel; 9] = [
    Channel::AgentPos,
    Channel::Wechat,
    Channel::Alipay,
    Channel::Aishandong,
    Channel::Etax,
    Channel::Bank,
    Channel::TaxHall,
    Channel::Proxy,
    Channel::Cash,
];

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Channel::AgentPos => "agent-pos",
            Channel::Wechat => "wechat",
            Channel::Alipay => "alipay",
            Channel::Aishandong => "aishandong",
            Channel::Etax => "etax",
            Channel::Bank => "bank",
            Channel::TaxHall => "tax-hall",
            Channel::Proxy => "proxy",
            Channel::Cash => "cash",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Channel::AgentPos => "代办员POS",
            Channel::Wechat => "微信",
            Channel::Alipay => "支付宝",
            Channel::Aishandong => "爱山东",
            Channel::Etax => "电子税务局",
            Channel::Bank => "银行",
            Channel::TaxHall => "办税大厅",
            Channel::Proxy => "政府代缴",
            Channel::Cash => "代办员收现金",
        }
    }

    pub fn parse(text: &str) -> Option<Channel> {
        let t = text.trim();
        let alias = |c: Channel| -> &'static [&'static str] {
            match c {
                Channel::AgentPos => &[
                    "pos",
                    "裕农通",
                    "村居代办员",
                    "代办员",
                    "建行pos",
                    "移动pos",
                    "POS机",
                    "委托代收",
                ],
                Channel::Wechat => &["微信小程序", "wx"],
                Channel::Alipay => &["支付宝小程序"],
                Channel::Aishandong => &["爱山东app", "爱山东App", "爱山东APP"],
                Channel::Etax => &["电子税务局", "e-tax"],
                Channel::Bank => &["银行网点", "银行柜台", "柜面"],
                Channel::TaxHall => &["税务大厅", "大厅", "办费窗口"],
                Channel::Proxy => &["代缴", "部门代缴"],
                Channel::Cash => &["现金", "收据"],
            }
        };
        ALL_CHANNELS
            .iter()
            .copied()
            .find(|c| {
                c.code().eq_ignore_ascii_case(t)
                    || c.zh() == t
                    || alias(*c).iter().any(|a| a.eq_ignore_ascii_case(t))
            })
            .or_else(|| Channel::from_wording(t))
    }

    /// The channel named by a telling word inside a longer text, as the tax
    /// system's lists write them (`微信缴费`, `手机银行`, `山东省电子税务局`,
    /// `银行柜台`, `办税服务厅`). Order matters: 代缴 and 现金 before 代办,
    /// 银行 before 柜台. A cheque (支票) is none of them.
    fn from_wording(text: &str) -> Option<Channel> {
        let t: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if t.contains("支票") {
            return None;
        }
        by_word(
            &t,
            &[
                (&["代缴"][..], Channel::Proxy),
                (&["现金"], Channel::Cash),
                (&["微信"], Channel::Wechat),
                (&["支付宝"], Channel::Alipay),
                (&["爱山东"], Channel::Aishandong),
                (&["pos", "代办", "裕农通", "代收"], Channel::AgentPos),
                (
                    &["电子税务局", "网上税务局", "税务app", "掌上办税"],
                    Channel::Etax,
                ),
                (&["银行", "网银", "银联", "云闪付"], Channel::Bank),
                (
                    &["大厅", "窗口", "服务厅", "柜台", "柜面"],
                    Channel::TaxHall,
                ),
            ],
        )
    }

    /// Collected by a village agent (counts in the agent's daily remittance).
    pub fn is_agent(self) -> bool {
        matches!(self, Channel::AgentPos | Channel::Cash)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Insurance {
    Medical,
    Pension,
}

impl Insurance {
    pub fn code(self) -> &'static str {
        match self {
            Insurance::Medical => "medical",
            Insurance::Pension => "pension",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Insurance::Medical => "医疗保险",
            Insurance::Pension => "养老保险",
        }
    }

    pub fn parse(text: &str) -> Option<Insurance> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("medical") || t.contains("医疗") || t.contains("医保") {
            Some(Insurance::Medical)
        } else if t.eq_ignore_ascii_case("pension") || t.contains("养老") {
            Some(Insurance::Pension)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_parse() {
        for c in ALL_CHANNELS {
            assert_eq!(Channel::parse(c.code()), Some(c));
            assert_eq!(Channel::parse(c.zh()), Some(c));
        }
        for (text, channel) in [
            ("微信缴费", Some(Channel::Wechat)),
            ("支付宝生活号", Some(Channel::Alipay)),
            ("爱山东 APP", Some(Channel::Aishandong)),
            ("山东省电子税务局", Some(Channel::Etax)),
            ("手机银行", Some(Channel::Bank)),
            ("银行柜台", Some(Channel::Bank)),
            ("办税服务厅", Some(Channel::TaxHall)),
            ("村代办员POS机", Some(Channel::AgentPos)),
            ("代办员收现金", Some(Channel::Cash)),
            ("民政代缴", Some(Channel::Proxy)),
            ("现金支票", None),
            ("其他", None),
        ] {
            assert_eq!(Channel::parse(text), channel, "{text}");
        }
        assert_eq!(Channel::parse("裕农通"), Some(Channel::AgentPos));
        assert_eq!(
            Insurance::parse("城乡居民基本医疗保险"),
            Some(Insurance::Medical)
        );
    }
}
