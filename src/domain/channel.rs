//! Payment channels (征缴方式) and insurances.

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
        ALL_CHANNELS.iter().copied().find(|c| {
            c.code().eq_ignore_ascii_case(t)
                || c.zh() == t
                || alias(*c).iter().any(|a| a.eq_ignore_ascii_case(t))
        })
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
        assert_eq!(Channel::parse("裕农通"), Some(Channel::AgentPos));
        assert_eq!(
            Insurance::parse("城乡居民基本医疗保险"),
            Some(Insurance::Medical)
        );
    }
}
