//! Compute-unit credits of a workflow platform (SPEC 1.4), as its API sends them.

use std::borrow::Cow;

use serde::Deserialize;

use crate::num::{Num, Ts};

/// `data` of a success body.
#[derive(Deserialize)]
#[serde(expecting = "a usage object {yearMonth, daily, summary}")]
pub struct CuData<'a> {
    /// `yearMonth`, `YYYY-MM`.
    #[serde(rename = "yearMonth", borrow)]
    pub year_month: Option<Cow<'a, str>>,
    /// `daily`.
    #[serde(default, borrow)]
    pub daily: Vec<CuDay<'a>>,
    /// `summary`.
    pub summary: CuSummary,
}

/// One entry of `data.daily`.
#[derive(Deserialize)]
#[serde(expecting = "a day object {date, used, breakdown}")]
#[allow(missing_docs, reason = "each is the key of the same name")]
pub struct CuDay<'a> {
    pub date: Ts,
    pub used: Num,
    #[serde(default, borrow)]
    pub breakdown: Vec<CuRow<'a>>,
}

/// One entry of a day's `breakdown`.
#[derive(Deserialize)]
#[serde(expecting = "a breakdown object {count, cu, nodeType, type}")]
pub struct CuRow<'a> {
    /// `count`: the executions.
    pub count: Option<u64>,
    /// `cu`.
    pub cu: Num,
    /// `nodeType`.
    #[serde(rename = "nodeType", borrow)]
    pub node_type: Cow<'a, str>,
    /// `type`: the charge class.
    #[serde(rename = "type", borrow)]
    pub class: Cow<'a, str>,
}

/// `data.summary`.
#[derive(Deserialize)]
#[serde(expecting = "a summary object {deposited, granted, used}")]
#[allow(missing_docs, reason = "each is the key of the same name")]
pub struct CuSummary {
    pub deposited: Num,
    pub granted: Num,
    pub used: Num,
}
