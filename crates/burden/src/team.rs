//! A team's spread of sleep interruptions: who is carrying the nights.

use serde::{Deserialize, Serialize};

use crate::burden::Burden;

/// How a team's sleep interruptions are spread over its members.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamSpread<K> {
    /// The median of the members' sleep interruption counts (the mean of the middle two for an even
    /// number of members; 0 for no members). The median rather than the mean, so that one overloaded
    /// person does not raise the bar they are compared against.
    pub median_sleep: f64,
    /// The team's sleep interruptions in all.
    pub total_sleep: u32,
    /// Every member, most sleep interruptions first (ties: more disrupted nights first, then input order).
    pub members: Vec<MemberShare<K>>,
}

/// One member's part of the team's nights.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberShare<K> {
    /// The member, as the caller identifies them.
    pub member: K,
    /// Their sleep interruptions.
    pub sleep: u32,
    /// Their disrupted nights.
    pub disrupted_nights: u32,
    /// Their longest run of consecutive disrupted nights.
    pub longest_disrupted_streak: u32,
    /// `sleep / median_sleep`: 3.0 means three times the typical member's load. `None` when the median
    /// is 0, where any ratio would be infinite or undefined.
    pub ratio_to_median: Option<f64>,
    /// `sleep / total_sleep`, between 0 and 1; 0 when the team had no sleep interruptions at all.
    pub share_of_team_sleep: f64,
}

/// The spread of sleep interruptions over a team's members: each member's count, its ratio to the team
/// median and its share of the team's total, sorted so the member carrying the most nights comes first.
pub fn team_spread<K: Clone>(members: &[(K, &Burden)]) -> TeamSpread<K> {
    let mut counts: Vec<u32> = members.iter().map(|(_, b)| b.interruptions.sleep).collect();
    counts.sort_unstable();
    let median_sleep = match counts.len() {
        0 => 0.0,
        n if n % 2 == 1 => f64::from(counts[n / 2]),
        n => (f64::from(counts[n / 2 - 1]) + f64::from(counts[n / 2])) / 2.0,
    };
    let total: u64 = counts.iter().map(|&c| u64::from(c)).sum();
    let mut shares: Vec<MemberShare<K>> = members
        .iter()
        .map(|(member, b)| {
            let sleep = b.interruptions.sleep;
            MemberShare {
                member: member.clone(),
                sleep,
                disrupted_nights: b.disrupted_nights,
                longest_disrupted_streak: b.longest_disrupted_streak,
                ratio_to_median: (median_sleep > 0.0).then(|| f64::from(sleep) / median_sleep),
                share_of_team_sleep: if total == 0 {
                    0.0
                } else {
                    f64::from(sleep) / total as f64
                },
            }
        })
        .collect();
    // Stable, so equal members keep the caller's order.
    shares.sort_by(|a, b| {
        b.sleep
            .cmp(&a.sleep)
            .then(b.disrupted_nights.cmp(&a.disrupted_nights))
    });
    TeamSpread {
        median_sleep,
        total_sleep: u32::try_from(total).unwrap_or(u32::MAX),
        members: shares,
    }
}
