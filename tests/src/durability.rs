//! # Durability model: how likely is a file to be lost in a year?
//!
//! Each segment of a file is erasure coded (Reed–Solomon) into `n` shards, any `k` of which
//! rebuild it, and each shard lives on one storage node in one of two groups. Nodes fail,
//! not shards, so one stripe is modelled as a continuous-time Markov chain on
//! `(a, b, down_A, down_B)`: how many of the stripe's nodes in group A and in group B have
//! failed for good, and whether each group is in an outage. Per year:
//!
//! - each live node fails for good at rate `λ = 1 / mean node lifetime`, whether or not its
//!   group is in an outage;
//! - each group goes dark at rate `ω` and comes back at rate `1 / D` (exponential outages of
//!   mean duration `D`): nodes that chose each other by RTT share a region, so a regional
//!   network or power outage takes all of them at once, but their shards return with it;
//! - each group suffers a whole-group loss at rate `γ`: all its live nodes fail for good;
//! - each failed node is replaced and rebuilt at rate `μ = 1 / repair time`, where the
//!   repair time is the replacement wait plus reading `k` shards' worth of the whole slot,
//!   but only while at least `k` of the stripe's shards are available (alive, in a group
//!   that is up); otherwise repairs stall until an outage ends;
//! - the loss states, decided by the [`Layout`] from the failed nodes alone, are absorbing.
//!   An outage can make a file unavailable, never lost.
//!
//! [`annual_loss_probability`] is the exact probability of absorption within one year,
//! computed by uniformization with nonnegative arithmetic only, so values near `1e-20` keep
//! their digits. [`mean_time_to_data_loss`] solves for expected absorption times.
//! [`file_loss_probability`] turns a stripe into a file, and [`markdown_report`] compares the
//! candidate default layouts.

use std::fmt::Write as _;

/// Hours in the model's year (365.25 days).
pub const HOURS_PER_YEAR: f64 = 365.25 * 24.0;

/// Poisson tail mass below which a uniformization step stops adding jumps.
const POISSON_TAIL_TOLERANCE: f64 = 1e-30;

/// Largest expected number of uniformized jumps per step; keeps `e^{-Λh}` far from underflow.
const MAX_JUMPS_PER_STEP: f64 = 20.0;

/// How a segment's shards are coded and placed on the two groups of storage nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
	/// `total` shards on `total` nodes of one group; lost when more than `total - data` of
	/// those nodes are down.
	SingleGroup {
		/// Shards needed to rebuild a segment (`k`).
		data: usize,
		/// Shards per segment (`n`), one per node.
		total: usize,
	},
	/// The same RS(`data`, `per_group`) stripe stored in each of two groups, one shard per
	/// node; lost when both groups have more than `per_group - data` nodes down. Counting
	/// failures per group is conservative: a reader could sometimes combine distinct
	/// surviving shard indices from both groups.
	ReplicatedGroups {
		/// Shards needed to rebuild a segment (`k`).
		data: usize,
		/// Shards per segment in each group (`m`), one per node.
		per_group: usize,
	},
	/// One code with `total` distinct shards, half in each group (`total` even and
	/// `total / 2 >= data`, so either group alone can serve); lost when more than
	/// `total - data` nodes are down across both groups.
	SplitAcrossGroups {
		/// Shards needed to rebuild a segment (`k`).
		data: usize,
		/// Distinct shards per segment (`n`), one per node.
		total: usize,
	},
}

impl Layout {
	/// Shards needed to rebuild a segment (`k`).
	pub fn data_shards(&self) -> usize {
		match *self {
			Layout::SingleGroup { data, .. }
			| Layout::ReplicatedGroups { data, .. }
			| Layout::SplitAcrossGroups { data, .. } => data,
		}
	}

	/// Nodes of the stripe in group A and group B (B is empty for a single group).
	pub fn shards_per_group(&self) -> [usize; 2] {
		match *self {
			Layout::SingleGroup { total, .. } => [total, 0],
			Layout::ReplicatedGroups { per_group, .. } => [per_group, per_group],
			Layout::SplitAcrossGroups { total, .. } => [total / 2, total / 2],
		}
	}

	/// Groups the stripe uses (1 or 2).
	pub fn groups(&self) -> usize {
		self.shards_per_group().iter().filter(|&&shards| shards > 0).count()
	}

	/// Shards stored per segment, counting both copies of a replicated stripe.
	pub fn stored_shards(&self) -> usize {
		self.shards_per_group().iter().sum()
	}

	/// Stored bytes per byte of data.
	pub fn expansion(&self) -> f64 {
		self.stored_shards() as f64 / self.data_shards() as f64
	}

	/// Whether the stripe is lost with `failed` nodes failed for good in group A and group B.
	/// Given unavailable nodes instead (failed, or in a group in an outage), whether fewer than
	/// `k` shards can be read, so the stripe can be neither served nor repaired.
	pub fn is_lost(&self, failed: [usize; 2]) -> bool {
		match *self {
			Layout::SingleGroup { data, total } => failed[0] > total - data,
			Layout::ReplicatedGroups { data, per_group } => failed.iter().all(|&down| down > per_group - data),
			Layout::SplitAcrossGroups { data, total } => failed[0] + failed[1] > total - data,
		}
	}

	fn assert_valid(&self) {
		let [in_a, in_b] = self.shards_per_group();
		let data = self.data_shards();
		assert!(data >= 1 && in_a >= data, "{self:?}: a group must hold at least k shards");
		if let Layout::SplitAcrossGroups { total, .. } = *self {
			assert!(total % 2 == 0 && in_b >= data, "{self:?}: n must be even with n/2 >= k");
		}
	}
}

/// Rates and sizes the model depends on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Params {
	/// Mean time until a node fails for good, in years. Default: 1 year.
	pub mean_node_lifetime_years: f64,
	/// Time from a failure until a replacement starts rebuilding: detection by missed
	/// heartbeats plus the chain assigning a replacement. Default: 4 hours.
	pub replacement_wait_hours: f64,
	/// Bytes per second one replacement can read while rebuilding. Default: 125e6 (1 Gbit/s).
	pub repair_bandwidth_bytes_per_second: f64,
	/// Rate of whole-group outages (`ω`), per group per year: a region's network or power
	/// fails and all the group's nodes go dark together, losing nothing. Default: 1, a round
	/// pessimistic figure for regional incidents at one site or provider.
	pub group_outage_rate_per_year: f64,
	/// Mean duration of a group outage (`D`), in hours; durations are exponential. Default:
	/// 24 hours, longer than most regional incidents, so repairs stall for longer than usual.
	pub mean_outage_hours: f64,
	/// Rate of permanent whole-group losses (`γ`), per group per year: every live node of the
	/// group fails for good at once (a region destroyed or abandoned). Default: 0; the report
	/// shows it separately because how often it happens is unknown.
	pub group_loss_rate_per_year: f64,
	/// Bytes a node stores in its slot, all of which a replacement rebuilds. Default: 1e12.
	pub slot_bytes: f64,
}

impl Default for Params {
	fn default() -> Self {
		Params {
			mean_node_lifetime_years: 1.0,
			replacement_wait_hours: 4.0,
			repair_bandwidth_bytes_per_second: 125e6,
			group_outage_rate_per_year: 1.0,
			mean_outage_hours: 24.0,
			group_loss_rate_per_year: 0.0,
			slot_bytes: 1e12,
		}
	}
}

impl Params {
	/// Hours to replace a node: the wait, then reading `k` shards for every stripe on the slot.
	pub fn repair_time_hours(&self, layout: &Layout) -> f64 {
		let bytes_read = layout.data_shards() as f64 * self.slot_bytes;
		self.replacement_wait_hours + bytes_read / self.repair_bandwidth_bytes_per_second / 3600.0
	}

	fn node_failure_rate(&self) -> f64 {
		1.0 / self.mean_node_lifetime_years
	}

	fn repair_rate(&self, layout: &Layout) -> f64 {
		HOURS_PER_YEAR / self.repair_time_hours(layout)
	}

	fn outage_end_rate(&self) -> f64 {
		HOURS_PER_YEAR / self.mean_outage_hours
	}
}

/// A state of the stripe's chain: nodes failed for good in each group, and which groups are
/// in an outage.
type State = ([usize; 2], [bool; 2]);

/// The stripe's chain: `transitions[i]` lists `(target, rate per year)` out of transient state
/// `i`; index `transitions.len()` is the single absorbing loss state; index 0 is every node up.
struct Chain {
	transitions: Vec<Vec<(usize, f64)>>,
}

impl Chain {
	fn new(layout: &Layout, params: &Params) -> Chain {
		layout.assert_valid();
		let sizes = layout.shards_per_group();
		let (failure, repair) = (params.node_failure_rate(), params.repair_rate(layout));
		let (outage, outage_end) = (params.group_outage_rate_per_year, params.outage_end_rate());
		// Without outages the dark states are unreachable; leaving them out keeps the chain,
		// and so every result, bit for bit that of the model without outages.
		let can_go_dark = sizes.map(|size| size > 0 && outage > 0.0);
		let states: Vec<State> = (0..=sizes[0])
			.flat_map(|a| (0..=sizes[1]).map(move |b| [a, b]))
			.filter(|&failed| !layout.is_lost(failed))
			.flat_map(|failed| [[false, false], [false, true], [true, false], [true, true]].map(|dark| (failed, dark)))
			.filter(|&(_, dark)| (0..2).all(|group| can_go_dark[group] || !dark[group]))
			.collect();
		let index_of = |state| states.iter().position(|&known| known == state).unwrap_or(states.len());
		let transitions = states
			.iter()
			.map(|&(failed, dark)| {
				let unavailable = [0, 1].map(|group| if dark[group] { sizes[group] } else { failed[group] });
				// A replacement rebuilds from `k` readable shards; with fewer it must wait.
				let repair = if layout.is_lost(unavailable) { 0.0 } else { repair };
				let mut out = Vec::new();
				for group in 0..2 {
					let to = |down: usize, is_dark: bool| {
						let (mut next_failed, mut next_dark) = (failed, dark);
						next_failed[group] = down;
						next_dark[group] = is_dark;
						index_of((next_failed, next_dark))
					};
					let (size, down, is_dark) = (sizes[group], failed[group], dark[group]);
					if down < size {
						out.push((to(down + 1, is_dark), (size - down) as f64 * failure));
						out.push((to(size, is_dark), params.group_loss_rate_per_year));
					}
					if down > 0 {
						out.push((to(down - 1, is_dark), down as f64 * repair));
					}
					if can_go_dark[group] {
						out.push((to(down, !is_dark), if is_dark { outage_end } else { outage }));
					}
				}
				out.retain(|&(_, rate)| rate > 0.0);
				out
			})
			.collect();
		Chain { transitions }
	}

	fn exit_rates(&self) -> Vec<f64> {
		self.transitions
			.iter()
			.map(|out| out.iter().map(|&(_, rate)| rate).sum())
			.collect()
	}
}

/// Probability that a stripe starting with every node up is lost within one year.
pub fn annual_loss_probability(layout: &Layout, params: &Params) -> f64 {
	loss_probability_within(layout, params, 1.0)
}

/// Probability that a stripe starting with every node up is lost within `years`.
///
/// Uniformization with the loss state kept as a state: `P = I + Q/Λ` has only nonnegative
/// entries, so the lost mass is a sum of nonnegative terms and never `1 - survival`.
pub fn loss_probability_within(layout: &Layout, params: &Params, years: f64) -> f64 {
	let chain = Chain::new(layout, params);
	let exit_rates = chain.exit_rates();
	let uniform_rate = exit_rates.iter().copied().fold(0.0, f64::max);
	if uniform_rate == 0.0 || years <= 0.0 {
		return 0.0;
	}
	// Λt reaches thousands, where e^{-Λt} underflows, so walk in steps of at most 20 jumps.
	let steps = (uniform_rate * years / MAX_JUMPS_PER_STEP).ceil().max(1.0);
	let jumps_per_step = uniform_rate * years / steps;
	let mut probabilities = vec![0.0; chain.transitions.len() + 1];
	probabilities[0] = 1.0;
	for _ in 0..steps as usize {
		let mut term = probabilities.clone();
		let mut weight = (-jumps_per_step).exp();
		probabilities.iter_mut().for_each(|p| *p *= weight);
		for jumps in 1.. {
			term = uniformized_jump(&chain, &exit_rates, uniform_rate, &term);
			weight *= jumps_per_step / jumps as f64;
			probabilities.iter_mut().zip(&term).for_each(|(p, t)| *p += weight * t);
			// Beyond the mean the Poisson weights shrink geometrically, which bounds the tail.
			let ratio = jumps_per_step / (jumps + 2) as f64;
			let next_weight = weight * jumps_per_step / (jumps + 1) as f64;
			if ratio < 1.0 && next_weight / (1.0 - ratio) < POISSON_TAIL_TOLERANCE {
				break;
			}
		}
	}
	probabilities[chain.transitions.len()]
}

/// One jump of the uniformized chain: `probabilities · (I + Q/Λ)`.
fn uniformized_jump(chain: &Chain, exit_rates: &[f64], uniform_rate: f64, probabilities: &[f64]) -> Vec<f64> {
	let mut next: Vec<f64> = probabilities
		.iter()
		.zip(exit_rates.iter().chain([&0.0]))
		.map(|(p, exit)| p * (uniform_rate - exit) / uniform_rate)
		.collect();
	for (state, out) in chain.transitions.iter().enumerate() {
		for &(target, rate) in out {
			next[target] += probabilities[state] * rate / uniform_rate;
		}
	}
	next
}

/// Expected years until a stripe starting with every node up is lost.
///
/// Gaussian elimination in the subtraction-free (Grassmann–Taksar–Heyman) form: a pivot's
/// diagonal is rebuilt as the sum of its remaining exit rates, because `μ ≫ λ` makes the
/// usual diagonal update cancel almost to zero.
pub fn mean_time_to_data_loss(layout: &Layout, params: &Params) -> f64 {
	let chain = Chain::new(layout, params);
	let states = chain.transitions.len();
	if params.node_failure_rate() == 0.0 && params.group_loss_rate_per_year == 0.0 {
		return f64::INFINITY;
	}
	let mut rates = vec![vec![0.0; states]; states];
	let mut absorption_rates = vec![0.0; states];
	for (from, out) in chain.transitions.iter().enumerate() {
		for &(to, rate) in out {
			match rates.get_mut(from).and_then(|row| row.get_mut(to)) {
				Some(slot) => *slot += rate,
				None => absorption_rates[from] += rate,
			}
		}
	}
	let mut right_hand_side = vec![1.0; states];
	let mut pivot_exit_rates = vec![0.0; states];
	for pivot in 0..states {
		let exit: f64 = rates[pivot][pivot + 1..].iter().sum::<f64>() + absorption_rates[pivot];
		pivot_exit_rates[pivot] = exit;
		let pivot_row = rates[pivot].clone();
		for row in pivot + 1..states {
			let share = rates[row][pivot] / exit;
			if share == 0.0 {
				continue;
			}
			rates[row][pivot] = 0.0;
			// Column `row` collects a self-loop here; it is never read.
			for column in pivot + 1..states {
				rates[row][column] += share * pivot_row[column];
			}
			absorption_rates[row] += share * absorption_rates[pivot];
			right_hand_side[row] += share * right_hand_side[pivot];
		}
	}
	let mut expected_years = vec![0.0; states];
	for state in (0..states).rev() {
		let onward: f64 = (state + 1..states).map(|next| rates[state][next] * expected_years[next]).sum();
		expected_years[state] = (right_hand_side[state] + onward) / pivot_exit_rates[state];
	}
	expected_years[0]
}

/// Upper bound on the annual probability of losing a file of `file_bytes` stored in
/// `segment_bytes` segments whose shards are spread over groups of `group_size` slots.
pub fn file_loss_probability(
	layout: &Layout,
	params: &Params,
	file_bytes: u64,
	segment_bytes: u64,
	group_size: usize,
) -> f64 {
	let stripe_loss = annual_loss_probability(layout, params);
	file_loss_from_stripe_loss(layout, stripe_loss, file_bytes, segment_bytes, group_size)
}

/// [`file_loss_probability`] from an already computed stripe loss probability.
///
/// Union bound over the node sets the segments use: `min(1, min(segments, sets) × p)`, with
/// `sets = C(group_size, shards per group)^groups`. When each group is exactly as large as the
/// stripe's share of it there is one set, all segments fail together, and this is exact.
pub fn file_loss_from_stripe_loss(
	layout: &Layout,
	stripe_loss: f64,
	file_bytes: u64,
	segment_bytes: u64,
	group_size: usize,
) -> f64 {
	let per_group = layout.shards_per_group()[0];
	assert!(group_size >= per_group, "a group of {group_size} cannot hold {per_group} shards");
	let segments = file_bytes.div_ceil(segment_bytes) as f64;
	let node_sets_per_group = (0..per_group)
		.map(|chosen| (group_size - chosen) as f64 / (chosen + 1) as f64)
		.product::<f64>();
	let distinct_node_sets = node_sets_per_group.powi(layout.groups() as i32);
	(segments.min(distinct_node_sets) * stripe_loss).min(1.0)
}

/// Number of nines of durability: `-log10(p)`, infinite for `p = 0`.
pub fn nines(probability: f64) -> f64 {
	-probability.log10()
}

/// Candidate defaults: label, layout, and slots per group.
const CANDIDATES: [(&str, Layout, usize); 6] = [
	("RS(4,2) one group", Layout::SingleGroup { data: 4, total: 6 }, 6),
	("RS(4,2) ×2 groups (replicated)", Layout::ReplicatedGroups { data: 4, per_group: 6 }, 6),
	("RS(4,12) across 2 groups", Layout::SplitAcrossGroups { data: 4, total: 12 }, 6),
	("RS(8,24) across 2 groups", Layout::SplitAcrossGroups { data: 8, total: 24 }, 12),
	("RS(2,6) across 2 groups", Layout::SplitAcrossGroups { data: 2, total: 6 }, 3),
	("RS(4,12) across 2 groups, group size 12", Layout::SplitAcrossGroups { data: 4, total: 12 }, 12),
];

/// Parameter lines and two markdown tables. The first compares every candidate layout for
/// 1 TB and 10 TB slots at the default rates; the second adds permanent group losses of 0.001
/// and 0.01 per group per year to the two-group candidates with 1 TB slots, followed by the
/// group-loss rate at which `RS(4,12) across 2 groups` falls to 11 nines.
pub fn markdown_report() -> String {
	const SLOT_SIZES_TB: [f64; 2] = [1.0, 10.0];
	const GROUP_LOSS_RATES: [f64; 2] = [0.001, 0.01];
	const TABLE_HEADER: &str = "| layout | k | n | expansion | group size | slot | \
		 γ /group/yr | outages /group/yr | outage (h) | repair (h) | \
		 stripe loss/yr | nines | 1 GiB file loss/yr | nines |\n\
		 |---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
	let defaults = Params::default();
	let mut out = format!(
		"- mean node lifetime (years): {}\n- replacement wait (hours): {}\n\
		 - repair bandwidth per replacement (bytes/s): {:e}\n\
		 - group outages ω (per group per year): {}, mean outage D (hours): {}\n\
		 - slot sizes (TB, 1 TB = 1e12 bytes): {SLOT_SIZES_TB:?}\n\
		 - file (bytes): {FILE_BYTES} in segments of {SEGMENT_BYTES} ({} segments)\n\
		 - horizon (years): 1\n\n{TABLE_HEADER}",
		defaults.mean_node_lifetime_years,
		defaults.replacement_wait_hours,
		defaults.repair_bandwidth_bytes_per_second,
		defaults.group_outage_rate_per_year,
		defaults.mean_outage_hours,
		FILE_BYTES / SEGMENT_BYTES,
	);
	for &(label, layout, group_size) in &CANDIDATES {
		for slot_tb in SLOT_SIZES_TB {
			let params = Params { slot_bytes: slot_tb * 1e12, ..defaults };
			out.push_str(&table_row(label, &layout, group_size, &params));
		}
	}
	let _ = write!(
		out,
		"\nPermanent loss of whole groups (γ per group per year: {GROUP_LOSS_RATES:?}), \
		 1 TB slots, other rates at the defaults:\n\n{TABLE_HEADER}"
	);
	// The replicated and the two split candidates whose groups hold exactly one stripe's share.
	for &(label, layout, group_size) in &CANDIDATES[1..4] {
		for group_loss_rate in GROUP_LOSS_RATES {
			let params = Params { group_loss_rate_per_year: group_loss_rate, ..defaults };
			out.push_str(&table_row(label, &layout, group_size, &params));
		}
	}
	let (label, layout, _) = CANDIDATES[2];
	let repair_years = defaults.repair_time_hours(&layout) / HOURS_PER_YEAR;
	let reaching_11_nines = group_loss_rate_reaching(&layout, &defaults, 1e-11);
	let _ = writeln!(
		out,
		"\nWith two groups, losing both within one repair window puts the loss near \
		 2γ²·T_repair per year, which for {label} at 1 TB (T_repair = {:.1} h) reaches 11 nines \
		 at γ = {:.1e} per group per year; the model itself (bisection) reaches 11 nines at \
		 γ = {reaching_11_nines:.1e}, where 2γ²·T_repair is {:.0}% of the loss and the rest is mostly \
		 one group lost, then node failures in the other within its repair window.",
		repair_years * HOURS_PER_YEAR,
		(1e-11 / (2.0 * repair_years)).sqrt(),
		2.0 * reaching_11_nines.powi(2) * repair_years / 1e-11 * 100.0,
	);
	out
}

/// Bytes of the file the report's file columns describe.
const FILE_BYTES: u64 = 1 << 30;

/// Bytes per segment of that file.
const SEGMENT_BYTES: u64 = 16 << 20;

/// One row of the report's tables.
fn table_row(label: &str, layout: &Layout, group_size: usize, params: &Params) -> String {
	let probability = |p: f64| if p == 0.0 { "0".to_string() } else { format!("{p:.1e}") };
	let stripe = annual_loss_probability(layout, params);
	let file = file_loss_from_stripe_loss(layout, stripe, FILE_BYTES, SEGMENT_BYTES, group_size);
	let shards = match *layout {
		Layout::ReplicatedGroups { per_group, .. } => format!("2×{per_group}"),
		_ => layout.stored_shards().to_string(),
	};
	format!(
		"| {label} | {} | {shards} | {:.1}× | {group_size} | {} TB | {} | {} | {} | {:.1} | {} | \
		 {:.1} | {} | {:.1} |\n",
		layout.data_shards(),
		layout.expansion(),
		params.slot_bytes / 1e12,
		params.group_loss_rate_per_year,
		params.group_outage_rate_per_year,
		params.mean_outage_hours,
		params.repair_time_hours(layout),
		probability(stripe),
		nines(stripe),
		probability(file),
		nines(file),
	)
}

/// The group-loss rate `γ` at which a stripe's annual loss probability reaches `target`, to
/// four digits, by bisection on `log γ` (the loss only grows with `γ`).
fn group_loss_rate_reaching(layout: &Layout, params: &Params, target: f64) -> f64 {
	let loss = |rate| annual_loss_probability(layout, &Params { group_loss_rate_per_year: rate, ..*params });
	let (mut low, mut high) = (1e-12, 1.0);
	assert!(loss(low) < target && target < loss(high), "{target:e} is out of reach by γ");
	while high / low > 1.0 + 1e-4 {
		let middle = (low * high).sqrt();
		if loss(middle) < target {
			low = middle;
		} else {
			high = middle;
		}
	}
	(low * high).sqrt()
}

#[cfg(test)]
mod tests {
	use super::*;

	/// The model before outages were added (its group-loss rate then defaulted to 0.01).
	fn without_outages() -> Params {
		Params { group_outage_rate_per_year: 0.0, ..Params::default() }
	}

	fn assert_relative(actual: f64, expected: f64, tolerance: f64) {
		let error = ((actual - expected) / expected).abs();
		assert!(error <= tolerance, "{actual:e} vs {expected:e}: relative error {error:e}");
	}

	#[test]
	fn single_node_is_lost_at_its_failure_rate() {
		let layout = Layout::SingleGroup { data: 1, total: 1 };
		let loss = annual_loss_probability(&layout, &without_outages());
		assert_relative(loss, -(-1.0f64).exp_m1(), 1e-12);
	}

	#[test]
	fn two_way_mirror_matches_closed_form() {
		let (layout, params) = (Layout::SingleGroup { data: 1, total: 2 }, without_outages());
		let (failure, repair) = (params.node_failure_rate(), params.repair_rate(&layout));
		assert_relative(params.repair_time_hours(&layout), 4.0 + 1e12 / 125e6 / 3600.0, 1e-15);
		let mttdl = mean_time_to_data_loss(&layout, &params);
		assert_relative(mttdl, (3.0 * failure + repair) / (2.0 * failure * failure), 1e-9);
		let quasi_stationary = -(-1.0 / mttdl).exp_m1();
		assert_relative(annual_loss_probability(&layout, &params), quasi_stationary, 0.02);
	}

	#[test]
	fn tiny_probabilities_survive_and_are_monotone() {
		let split = Layout::SplitAcrossGroups { data: 4, total: 12 };
		let base = annual_loss_probability(&split, &without_outages());
		// A 60-digit matrix exponential (mpmath `expm`) of the same chain gives 4.22926e-20.
		assert_relative(base, 4.22926e-20, 1e-5);
		let slow_repair = Params { slot_bytes: 1e13, ..without_outages() };
		assert!(annual_loss_probability(&split, &slow_repair) > base);
		let group_losses = Params { group_loss_rate_per_year: 0.1, ..without_outages() };
		assert!(annual_loss_probability(&split, &group_losses) > base);
		let single = Layout::SingleGroup { data: 4, total: 6 };
		assert!(base < annual_loss_probability(&single, &without_outages()));
	}

	#[test]
	fn group_losses_alone_make_a_mirror() {
		let layout = Layout::SplitAcrossGroups { data: 1, total: 2 };
		let params =
			Params { mean_node_lifetime_years: f64::INFINITY, group_loss_rate_per_year: 0.01, ..without_outages() };
		let (group_loss, repair) = (params.group_loss_rate_per_year, params.repair_rate(&layout));
		let expected = (3.0 * group_loss + repair) / (2.0 * group_loss * group_loss);
		assert_relative(mean_time_to_data_loss(&layout, &params), expected, 1e-9);
		// With nodes immortal a single group dies only with its group, however many nodes.
		let single = Layout::SingleGroup { data: 4, total: 6 };
		let group_loss_within_a_year = -(-group_loss).exp_m1();
		assert_relative(annual_loss_probability(&single, &params), group_loss_within_a_year, 1e-12);
	}

	#[test]
	fn without_outages_the_previous_model_is_unchanged() {
		// Bit-exact outputs of the model before outages, the first being the mpmath case above.
		let split = Layout::SplitAcrossGroups { data: 4, total: 12 };
		let mirror = Layout::SingleGroup { data: 1, total: 2 };
		let replicated = Layout::ReplicatedGroups { data: 4, per_group: 6 };
		let cases = [
			(split, 1e12, 0.0, 4.2292648188605716e-20, 2.3550451096245146e19),
			(split, 1e13, 0.0, 2.6803383884745224e-13, 3624785337620.9985),
			(mirror, 1e12, 0.0, 0.0014146062765641142, 705.9107142857142),
			(replicated, 1e12, 0.01, 2.847644264074147e-7, 3508456.042512908),
		];
		for (layout, slot_bytes, group_loss_rate_per_year, loss, mttdl) in cases {
			let params = Params { slot_bytes, group_loss_rate_per_year, ..without_outages() };
			assert_eq!(annual_loss_probability(&layout, &params), loss, "{layout:?}");
			assert_eq!(mean_time_to_data_loss(&layout, &params), mttdl, "{layout:?}");
		}
	}

	#[test]
	fn outages_alone_never_lose_data() {
		let immortal = Params { mean_node_lifetime_years: f64::INFINITY, ..Params::default() };
		for layout in [
			Layout::SplitAcrossGroups { data: 4, total: 12 },
			Layout::SplitAcrossGroups { data: 2, total: 6 },
			Layout::ReplicatedGroups { data: 4, per_group: 6 },
		] {
			for outage_rate in [1.0, 100.0] {
				let params = Params { group_outage_rate_per_year: outage_rate, ..immortal };
				assert_eq!(annual_loss_probability(&layout, &params), 0.0, "{layout:?}");
			}
		}
	}

	#[test]
	fn outages_stall_repair() {
		let split = Layout::SplitAcrossGroups { data: 4, total: 12 };
		let params = Params { slot_bytes: 1e13, ..Params::default() };
		let stalled = annual_loss_probability(&split, &params);
		let without = Params { group_outage_rate_per_year: 0.0, ..params };
		assert!(stalled > annual_loss_probability(&split, &without));
		// A 60-digit matrix exponential (mpmath `expm`) of the chain with outages.
		assert_relative(stalled, 3.1056909e-13, 1e-6);
		// One group can never rebuild while it is dark.
		let single = Layout::SingleGroup { data: 4, total: 6 };
		let no_outages = annual_loss_probability(&single, &without_outages());
		assert!(annual_loss_probability(&single, &Params::default()) > no_outages);
	}

	#[test]
	fn single_node_is_lost_at_its_failure_rate_whatever_the_outages() {
		let layout = Layout::SingleGroup { data: 1, total: 1 };
		let params = Params { mean_node_lifetime_years: 0.5, ..Params::default() };
		for (outage_rate, mean_outage_hours) in [(0.0, 24.0), (1.0, 24.0), (50.0, 1000.0)] {
			let params = Params { group_outage_rate_per_year: outage_rate, mean_outage_hours, ..params };
			assert_relative(annual_loss_probability(&layout, &params), -(-2.0f64).exp_m1(), 1e-12);
		}
	}

	#[test]
	fn file_loss_is_stripe_loss_when_groups_hold_exactly_one_stripe() {
		let layout = Layout::SplitAcrossGroups { data: 4, total: 12 };
		let params = Params::default();
		let stripe = annual_loss_probability(&layout, &params);
		assert_eq!(file_loss_probability(&layout, &params, 1 << 30, 16 << 20, 6), stripe);
		let spread = file_loss_probability(&layout, &params, 1 << 30, 16 << 20, 12);
		assert_relative(spread, 64.0 * stripe, 1e-15);
	}
}
