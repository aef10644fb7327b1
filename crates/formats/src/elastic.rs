//! Elastic Cloud: deployment costs over a date range (SPEC 1.3), as the API sends them.

use std::borrow::Cow;

use serde::Deserialize;

use crate::num::{Num, Ts};

/// One deployment as the API sends it.
#[derive(Deserialize)]
#[serde(expecting = "a deployment object {deployment_id, costs}")]
#[allow(missing_docs, reason = "each is the key of the same name")]
pub struct Deployment<'a> {
    #[serde(borrow)]
    pub deployment_id: Cow<'a, str>,
    #[serde(borrow)]
    pub deployment_name: Option<Cow<'a, str>>,
    pub costs: Costs<'a>,
    pub period: Option<DeploymentPeriod>,
}

/// A deployment's `costs`.
#[derive(Deserialize)]
#[serde(expecting = "a costs object {total, dimensions}")]
pub struct Costs<'a> {
    /// `total`.
    pub total: Num,
    /// Missing, `null` and `[]` all mean "no dimensions": one `capacity` charge (SPEC 1.3).
    #[serde(default, borrow)]
    pub dimensions: Option<Vec<Dimension<'a>>>,
}

/// One entry of a deployment's `costs.dimensions`.
#[derive(Deserialize)]
#[serde(expecting = "a dimension object {type, cost}")]
pub struct Dimension<'a> {
    /// `type`.
    #[serde(rename = "type", borrow)]
    pub kind: Cow<'a, str>,
    /// `cost`.
    pub cost: Num,
}

/// A deployment's `period`.
#[derive(Deserialize)]
#[serde(expecting = "a period object {start, end}")]
#[allow(missing_docs, reason = "each is the key of the same name")]
pub struct DeploymentPeriod {
    pub start: Ts,
    pub end: Ts,
}

/// One entry of `errors[]`.
#[derive(Deserialize)]
#[serde(expecting = "an error object {code, message}")]
#[allow(missing_docs, reason = "each is the key of the same name")]
pub struct ElasticError<'a> {
    #[serde(borrow)]
    pub code: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub message: Option<Cow<'a, str>>,
}
