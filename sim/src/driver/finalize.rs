//! Finalization: the contract's scores against the model's, wrong rankings and totals refused,
//! then the model's ranking accepted and the aggregates compared.

use alloy_primitives::U256;

use super::{Driven, SESSION_ID, mismatch};
use crate::bindings::GradPay::{self, GradPayErrors};
use crate::deployment::{COORDINATOR, Revert};
use crate::error::SimError;
use crate::scenario::FinalizationFault;
use gradpay_model::{FinalizationTotals, Finalized};

/// `clipCap` as stored when clipping is off.
const NO_CAP: u128 = (1 << 72) - 1;
/// Scores read per `getScores` call.
const SCORE_PAGE: u32 = 256;
/// `SessionState.Finalized`.
const FINALIZED: u8 = 3;

/// What the coordinator claims and lists in one finalization attempt.
#[derive(Clone, Debug)]
struct Attempt {
    count: u32,
    sum: U256,
    squares: U256,
    ranking: Vec<u32>,
}

impl Driven<'_> {
    pub(crate) fn finalize(&mut self) -> Result<Finalized, SimError> {
        let finalized = self.ledger.finalize(self.clip_k())?;
        self.compare_scores(&finalized)?;
        let honest = Attempt {
            count: finalized.totals.eligible_count,
            sum: finalized.totals.sum_score,
            squares: finalized.totals.sum_score_squared,
            ranking: finalized.ranking.clone(),
        };
        for &fault in &self.plan.finalization_faults {
            match spoil_attempt(&honest, fault, &finalized) {
                Some(wrong) => self.expect_refused(&wrong, fault)?,
                None => self.report.finalization_faults_skipped += 1,
            }
        }
        let failure = self.attempt(&honest)?;
        if let Some(revert) = failure {
            return Err(mismatch(format!("honest finalization refused: {revert:?}")));
        }
        self.compare_basis(&finalized)?;
        self.report.eligible = finalized.eligible_count();
        Ok(finalized)
    }

    /// Every node's scores, and the finalization totals summed over the same pages, against the
    /// model's.
    fn compare_scores(&mut self, finalized: &Finalized) -> Result<(), SimError> {
        let mut totals = FinalizationTotals::default();
        let mut from = 0u32;
        while from < self.plan.node_count {
            let count = SCORE_PAGE.min(self.plan.node_count - from);
            let range = GradPay::getFinalizationTotalsCall { sessionId: SESSION_ID, from, count };
            let part = self.dep.view(&range)?;
            totals.eligible_count += part.eligibleCount;
            totals.sum_score += part.sumScore;
            totals.sum_score_squared += part.sumScoreSquared;
            let page = self.dep.view(&GradPay::getScoresCall { sessionId: SESSION_ID, from, count })?;
            for (offset, got) in page.iter().enumerate() {
                let index = from + offset as u32;
                let want = finalized.scores.get(index as usize).copied().unwrap_or_default();
                let got_fields = [
                    got.acceptance,
                    got.consistency,
                    got.success,
                    got.quality,
                    got.participation,
                    got.network,
                    got.uptime,
                    got.reliability,
                ]
                .map(u64::from);
                let want_fields = [
                    want.acceptance,
                    want.consistency,
                    want.success,
                    want.quality,
                    want.participation,
                    want.network,
                    want.uptime,
                    want.reliability,
                ];
                if got.index != index
                    || got.eligible != want.eligible
                    || got_fields != want_fields
                    || got.score != want.score
                {
                    return Err(mismatch(format!("node {index} scores: contract {got:?}, model {want:?}")));
                }
            }
            self.report.scores_compared += count;
            from += count;
        }
        if totals != finalized.totals {
            return Err(mismatch(format!(
                "getFinalizationTotals over pages of {SCORE_PAGE}: contract {totals:?}, model {:?}",
                finalized.totals
            )));
        }
        Ok(())
    }

    /// Runs one attempt; `None` when every call succeeded and the session is Finalized.
    fn attempt(&mut self, attempt: &Attempt) -> Result<Option<Revert>, SimError> {
        let start = GradPay::startFinalizationCall {
            sessionId: SESSION_ID,
            eligibleCount: attempt.count,
            sumScore: attempt.sum,
            sumScoreSquared: attempt.squares,
        };
        self.probe(COORDINATOR, &start, "startFinalization")?;
        if let Err(revert) = self.dep.send(COORDINATOR, &start, U256::ZERO)?.result {
            return Ok(Some(revert));
        }
        let chunk = self.plan.ranking_chunk.max(1) as usize;
        let mut chunks: Vec<&[u32]> = attempt.ranking.chunks(chunk).collect();
        if chunks.is_empty() && attempt.count > 0 {
            // A coordinator that lost every node still has to say it is done.
            chunks.push(&[]);
        }
        for (i, indices) in chunks.iter().enumerate() {
            let submit = GradPay::submitRankingCall {
                sessionId: SESSION_ID,
                rankedIndices: indices.to_vec(),
                lastChunk: i + 1 == chunks.len(),
            };
            if i == 0 {
                self.probe(COORDINATOR, &submit, "submitRanking")?;
            }
            if let Err(revert) = self.dep.send(COORDINATOR, &submit, U256::ZERO)?.result {
                return Ok(Some(revert));
            }
        }
        let state = self.dep.view(&GradPay::getSessionCall { sessionId: SESSION_ID })?.state;
        if state != FINALIZED {
            return Err(mismatch(format!(
                "every finalization call succeeded but the session is in state {state:?}"
            )));
        }
        Ok(None)
    }

    fn expect_refused(&mut self, wrong: &Attempt, fault: FinalizationFault) -> Result<(), SimError> {
        let Some(revert) = self.attempt(wrong)? else {
            return Err(mismatch(format!("finalization with fault {fault:?} was accepted")));
        };
        let expected = match (&revert, fault) {
            (Revert::GradPay(GradPayErrors::RankingOutOfOrder(_)), FinalizationFault::Swapped(_)) => true,
            (
                Revert::GradPay(GradPayErrors::RankingIncomplete(_) | GradPayErrors::ClaimedTotalTooHigh(_)),
                FinalizationFault::Missing(_),
            ) => true,
            (
                Revert::GradPay(
                    GradPayErrors::RankingOutOfOrder(_)
                    | GradPayErrors::RankingTooLong(_)
                    | GradPayErrors::ClaimedTotalTooLow(_),
                ),
                FinalizationFault::Duplicated(_),
            ) => true,
            // An extra node makes the list one too long; a chunk that checks length first says so.
            (
                Revert::GradPay(GradPayErrors::RankedNodeNotEligible(_) | GradPayErrors::RankingTooLong(_)),
                FinalizationFault::IneligibleListed,
            ) => true,
            (
                Revert::GradPay(
                    GradPayErrors::ClaimedTotalTooLow(_)
                    | GradPayErrors::ClaimedTotalTooHigh(_)
                    | GradPayErrors::ClaimedTotalOutOfRange(_),
                ),
                FinalizationFault::SumOff(_) | FinalizationFault::SquaresOff(_),
            ) => true,
            (Revert::GradPay(GradPayErrors::EligibleCountMismatch(_)), FinalizationFault::CountOff) => true,
            _ => false,
        };
        if !expected {
            return Err(mismatch(format!(
                "finalization fault {fault:?} refused with an unexpected error {revert:?}"
            )));
        }
        let state = self.dep.view(&GradPay::getSessionCall { sessionId: SESSION_ID })?.state;
        if state == FINALIZED {
            return Err(mismatch(format!(
                "finalization fault {fault:?} was refused, but only after finalizing"
            )));
        }
        self.report.finalizations_rejected += 1;
        Ok(())
    }

    fn compare_basis(&mut self, finalized: &Finalized) -> Result<(), SimError> {
        let basis = self.dep.view(&GradPay::getRewardBasisCall { sessionId: SESSION_ID })?;
        let cap = finalized.clip_cap.unwrap_or(U256::from(NO_CAP));
        let got = (
            basis.eligibleCount,
            basis.clipCap,
            basis.sumEffectiveScore,
            basis.sumTierWeighted,
            basis.sumQuality,
            basis.sumReliability,
        );
        let want = (
            finalized.eligible_count(),
            cap,
            finalized.sum_effective,
            finalized.sum_tier_weighted,
            finalized.sum_quality,
            finalized.sum_reliability,
        );
        let comparable = finalized.eligible_count() > 0;
        if comparable && got != want {
            return Err(mismatch(format!(
                "reward basis (n, cap, S', W, QS, RS): contract {got:?}, model {want:?}"
            )));
        }
        if basis.eligibleCount != finalized.eligible_count() {
            return Err(mismatch(format!(
                "eligible count: contract {}, model {}",
                basis.eligibleCount,
                finalized.eligible_count()
            )));
        }
        Ok(())
    }
}

/// The honest attempt with `fault` applied, or `None` when the session is too small for it.
fn spoil_attempt(honest: &Attempt, fault: FinalizationFault, finalized: &Finalized) -> Option<Attempt> {
    let mut wrong = honest.clone();
    let n = honest.ranking.len();
    let offset = |delta: i8, value: U256| {
        let magnitude = U256::from(delta.unsigned_abs());
        if delta > 0 { value.wrapping_add(magnitude) } else { value.wrapping_sub(magnitude) }
    };
    match fault {
        FinalizationFault::Swapped(at) if n >= 2 => {
            wrong.ranking.swap(at as usize % (n - 1), at as usize % (n - 1) + 1)
        }
        FinalizationFault::Missing(at) if n >= 1 => {
            wrong.ranking.remove(at as usize % n);
        }
        // Before the last node: a chunk ending on the last node completes the ranking, so a
        // duplicate after it would only hit an already finalized session.
        FinalizationFault::Duplicated(at) if n >= 2 => {
            let k = at as usize % (n - 1);
            wrong.ranking.insert(k + 1, honest.ranking[k]);
        }
        FinalizationFault::IneligibleListed if n >= 1 => {
            let outsider = finalized.scores.iter().position(|s| !s.eligible)?;
            wrong.ranking.insert(n / 2, u32::try_from(outsider).ok()?);
        }
        FinalizationFault::SumOff(delta) if n >= 1 => wrong.sum = offset(delta, honest.sum),
        FinalizationFault::SquaresOff(delta) if n >= 1 => wrong.squares = offset(delta, honest.squares),
        FinalizationFault::CountOff => wrong.count = honest.count.wrapping_add(1),
        _ => return None,
    }
    Some(wrong)
}
