//! Exact maximum-utility bipartite b-matching: successive shortest augmenting paths with
//! node potentials (the primal–dual Hungarian method, in the sparse row-by-row form
//! Jonker and Volgenant made fast).
//!
//! # The network
//! Needs are sources of one unit each; every need has an arc to each of its candidate
//! volunteers (cost `−utility`, capacity 1) and a "stay unassigned" arc straight to the sink
//! (cost 0); each volunteer has an arc to the sink with its capacity. The minimum-cost flow
//! is the maximum-utility assignment. Arcs with a negative utility are dropped: the
//! stay-unassigned arc beats them, so no optimum uses them.
//!
//! # The algorithm and why it is exact
//! Needs are added one at a time. Before need `n0` is added, the flow of the needs already
//! added is a minimum-cost flow for them, certified by potentials `π` under which every
//! residual arc has a non-negative reduced cost `c(a,b) + π(a) − π(b)` (`π(sink) = 0`
//! throughout). Dijkstra from `n0` over reduced costs finds a shortest augmenting path to
//! the sink; augmenting along a shortest path keeps the flow minimum-cost, and adding
//! `d(x) − d(sink)` to the potential of every node settled before the sink keeps every
//! reduced cost non-negative (the standard successive-shortest-path argument; nodes not
//! settled keep their potential, which is the usual update shifted by the constant
//! `d(sink)`). Only the settled nodes are touched, so an easy need costs one scan of its
//! arcs. When every need is added the flow is optimal, and the potentials are a dual
//! certificate of it: [`Solver::potential_need`] and [`Solver::potential_volunteer`] expose
//! them so that a caller can prove that arcs it pruned away have non-negative reduced cost
//! (and so could not improve the optimum).
//!
//! Two facts keep the search small: a volunteer with spare capacity has potential 0 (its arc
//! to the sink has reduced cost `π(v) ≥ 0`, the reverse arc of a partly used one `−π(v) ≥ 0`,
//! and potentials never grow), so reaching one ends a path at no extra cost and it is never
//! queued; a full volunteer only leads on to the needs it serves.
//!
//! # Bounds (no overflow)
//! Let `U` be the largest utility. The invariants give `0 ≤ π(n) ≤ U` for an assigned need
//! (its stay-unassigned arc has reduced cost `π(n) ≥ 0`; the reverse of its assignment arc
//! `u + π(v) − π(n) ≥ 0`), `π(n) = 0` for an unassigned one, and `−U ≤ π(v) ≤ 0` for a
//! volunteer (`π(v) ≥ π(n) − u` for a need it serves). A new need's potential is at most
//! `U`, so the sink's distance is at most `U`; every reduced cost scanned is at most `2U`
//! and only labels below the sink's distance are extended, so every value computed lies in
//! `(−U, 3U]`. [`Graph::build`] rejects utilities above [`Cost::LIMIT`] `= MAX / 4`, which
//! makes plain `+`/`−` on costs exact.
//!
//! Volunteers with capacity 0 are dead ends (no arc leaves them); they are never queued, so
//! their potentials never drift.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt;
use std::ops::{Add, Sub};

/// Integer cost type of the solver (`i64` for the benchmark format, `i128` when urgency tiers
/// are encoded as a lexicographic big-M).
pub trait Cost: Copy + Ord + Default + fmt::Debug + Add<Output = Self> + Sub<Output = Self> {
    /// Zero.
    const ZERO: Self;
    /// Largest utility accepted: a quarter of the type's range (see the module's bounds).
    const LIMIT: Self;
}

impl Cost for i64 {
    const ZERO: Self = 0;
    const LIMIT: Self = i64::MAX / 4;
}

impl Cost for i128 {
    const ZERO: Self = 0;
    const LIMIT: Self = i128::MAX / 4;
}

/// A utility outside `0..=Cost::LIMIT`, or a graph too large for 32-bit indices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GraphError {
    /// An arc's utility exceeds [`Cost::LIMIT`].
    UtilityTooLarge {
        /// Need index of the arc.
        need: usize,
    },
    /// More needs, volunteers or arcs than 32-bit indices hold.
    TooLarge,
    /// An arc names a need or volunteer outside the graph.
    IndexOutOfRange,
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UtilityTooLarge { need } => write!(f, "need {need} has a utility above the solver's limit"),
            Self::TooLarge => f.write_str("too many needs, volunteers or arcs for 32-bit indices"),
            Self::IndexOutOfRange => f.write_str("an arc names a need or volunteer outside the graph"),
        }
    }
}

impl std::error::Error for GraphError {}

/// Marker for "no volunteer".
const NONE: u32 = u32::MAX;

/// A bipartite candidate graph in compressed rows: need `n`'s arcs are
/// `head[start[n]..start[n + 1]]` with utilities `utility[..]`, one arc per volunteer.
#[derive(Debug, Clone)]
pub struct Graph<C> {
    capacity: Vec<u32>,
    start: Vec<u32>,
    head: Vec<u32>,
    utility: Vec<C>,
}

impl<C: Cost> Graph<C> {
    /// Builds the graph from `(need, volunteer, utility)` arcs in any order. Parallel arcs keep
    /// the best utility; arcs with a negative utility or into a volunteer of capacity 0 are
    /// dropped (no optimum uses them). Capacities are kept as given (a volunteer's true
    /// capacity matters to the dual certificate even where few arcs reach it).
    ///
    /// # Errors
    /// [`GraphError`] when a utility exceeds [`Cost::LIMIT`], an index is out of range, or the
    /// sizes do not fit 32-bit indices.
    pub fn build(needs: usize, capacity: &[u32], arcs: &[(u32, u32, C)]) -> Result<Self, GraphError> {
        let volunteers = capacity.len();
        // Heap entries name needs as 0..N and volunteers as N..N+V in one u32.
        if needs.saturating_add(volunteers) >= NONE as usize || arcs.len() >= NONE as usize {
            return Err(GraphError::TooLarge);
        }
        // Counting sort by need.
        let mut count = vec![0_u32; needs + 1];
        for &(n, v, u) in arcs {
            let (ni, vi) = (n as usize, v as usize);
            if ni >= needs || vi >= volunteers {
                return Err(GraphError::IndexOutOfRange);
            }
            if u > C::LIMIT {
                return Err(GraphError::UtilityTooLarge { need: ni });
            }
            if u >= C::ZERO && capacity[vi] > 0 {
                // Bounded by arcs.len() < u32::MAX, checked above.
                count[ni + 1] += 1;
            }
        }
        for i in 0..needs {
            count[i + 1] += count[i];
        }
        let total = count[needs] as usize;
        let mut fill = count.clone();
        let mut head = vec![0_u32; total];
        let mut utility = vec![C::ZERO; total];
        for &(n, v, u) in arcs {
            if u >= C::ZERO && capacity[v as usize] > 0 {
                let slot = &mut fill[n as usize];
                head[*slot as usize] = v;
                utility[*slot as usize] = u;
                *slot += 1;
            }
        }
        // Sort each row by volunteer and keep the best of parallel arcs.
        let mut start = Vec::with_capacity(needs + 1);
        start.push(0_u32);
        let mut out = 0_usize;
        let mut row: Vec<(u32, C)> = Vec::new();
        for n in 0..needs {
            let (a, b) = (count[n] as usize, count[n + 1] as usize);
            row.clear();
            row.extend(head[a..b].iter().copied().zip(utility[a..b].iter().copied()));
            row.sort_unstable_by(|x, y| x.0.cmp(&y.0).then(y.1.cmp(&x.1)));
            row.dedup_by_key(|x| x.0);
            for &(v, u) in &row {
                head[out] = v;
                utility[out] = u;
                out += 1;
            }
            // out ≤ total < u32::MAX.
            start.push(u32::try_from(out).map_err(|_| GraphError::TooLarge)?);
        }
        head.truncate(out);
        utility.truncate(out);
        Ok(Self {
            capacity: capacity.to_vec(),
            start,
            head,
            utility,
        })
    }

    /// Number of needs.
    pub fn needs(&self) -> usize {
        self.start.len() - 1
    }

    /// Number of volunteers.
    pub fn volunteers(&self) -> usize {
        self.capacity.len()
    }

    /// Number of arcs kept.
    pub fn arcs(&self) -> usize {
        self.head.len()
    }

    /// The arcs of need `n` as `(volunteer, utility)`.
    pub fn arcs_of(&self, n: usize) -> impl Iterator<Item = (u32, C)> + '_ {
        let (a, b) = (self.start[n] as usize, self.start[n + 1] as usize);
        self.head[a..b]
            .iter()
            .copied()
            .zip(self.utility[a..b].iter().copied())
    }
}

/// Where a shortest augmenting path ends.
#[derive(Clone, Copy)]
enum End<C> {
    /// The need takes a volunteer with spare capacity.
    Free { need: u32, volunteer: u32, utility: C },
    /// The need gives up its volunteer and stays unassigned.
    Dummy { need: u32 },
}

/// The solver's state: the current assignment, the potentials and reusable scratch space.
#[derive(Debug, Clone)]
pub struct Solver<C> {
    graph: Graph<C>,
    cap: Vec<u32>,
    load: Vec<u32>,
    /// First need served by each volunteer; the rest follow `next_served`.
    first_served: Vec<u32>,
    next_served: Vec<u32>,
    prev_served: Vec<u32>,
    assigned: Vec<u32>,
    assigned_utility: Vec<C>,
    pending: Vec<u32>,
    pot_need: Vec<C>,
    pot_vol: Vec<C>,
    dist_need: Vec<C>,
    dist_vol: Vec<C>,
    seen_need: Vec<u32>,
    seen_vol: Vec<u32>,
    done_need: Vec<u32>,
    done_vol: Vec<u32>,
    pred_vol: Vec<(u32, C)>,
    settled_need: Vec<u32>,
    settled_vol: Vec<u32>,
    heap: BinaryHeap<Reverse<(C, u32)>>,
    epoch: u32,
}

impl<C: Cost> Solver<C> {
    /// A solver with every need pending (call [`Solver::solve`]).
    pub fn new(graph: Graph<C>) -> Self {
        let (needs, volunteers) = (graph.needs(), graph.volunteers());
        let cap = graph.capacity.clone();
        let pending = (0..needs as u32).rev().collect();
        Self {
            cap,
            load: vec![0; volunteers],
            first_served: vec![NONE; volunteers],
            next_served: vec![NONE; needs],
            prev_served: vec![NONE; needs],
            assigned: vec![NONE; needs],
            assigned_utility: vec![C::ZERO; needs],
            pending,
            pot_need: vec![C::ZERO; needs],
            pot_vol: vec![C::ZERO; volunteers],
            dist_need: vec![C::ZERO; needs],
            dist_vol: vec![C::ZERO; volunteers],
            seen_need: vec![0; needs],
            seen_vol: vec![0; volunteers],
            done_need: vec![0; needs],
            done_vol: vec![0; volunteers],
            pred_vol: vec![(NONE, C::ZERO); volunteers],
            settled_need: Vec::new(),
            settled_vol: Vec::new(),
            heap: BinaryHeap::new(),
            epoch: 0,
            graph,
        }
    }

    /// The graph being solved.
    pub fn graph(&self) -> &Graph<C> {
        &self.graph
    }

    /// Adds every pending need, leaving an optimal assignment.
    pub fn solve(&mut self) {
        while let Some(n) = self.pending.pop() {
            self.add_need(n);
        }
    }

    /// The volunteer assigned to need `n`, if any.
    pub fn assigned(&self, n: usize) -> Option<u32> {
        let v = self.assigned[n];
        (v != NONE).then_some(v)
    }

    /// The utility of need `n`'s assignment arc (zero when unassigned).
    pub fn assigned_utility(&self, n: usize) -> C {
        self.assigned_utility[n]
    }

    /// The needs volunteer `v` serves.
    pub fn served_by(&self, v: usize) -> impl Iterator<Item = u32> + '_ {
        let mut n = self.first_served[v];
        std::iter::from_fn(move || {
            let current = n;
            (current != NONE).then(|| {
                n = self.next_served[current as usize];
                current
            })
        })
    }

    /// How many needs volunteer `v` serves.
    pub fn load(&self, v: usize) -> u32 {
        self.load[v]
    }

    /// Adds need `n` to volunteer `v`'s list.
    fn link(&mut self, v: u32, n: u32) {
        let (vi, ni) = (v as usize, n as usize);
        let first = self.first_served[vi];
        self.next_served[ni] = first;
        self.prev_served[ni] = NONE;
        if first != NONE {
            self.prev_served[first as usize] = n;
        }
        self.first_served[vi] = n;
        self.load[vi] += 1;
    }

    /// Removes need `n` from volunteer `v`'s list (where it must be).
    fn unlink(&mut self, v: u32, n: u32) {
        let (vi, ni) = (v as usize, n as usize);
        let (prev, next) = (self.prev_served[ni], self.next_served[ni]);
        if prev == NONE {
            self.first_served[vi] = next;
        } else {
            self.next_served[prev as usize] = next;
        }
        if next != NONE {
            self.prev_served[next as usize] = prev;
        }
        self.next_served[ni] = NONE;
        self.prev_served[ni] = NONE;
        self.load[vi] -= 1;
    }

    /// Volunteer `v`'s current capacity.
    pub fn capacity(&self, v: usize) -> u32 {
        self.cap[v]
    }

    /// Need `n`'s potential (dual price); the sink's is 0.
    pub fn potential_need(&self, n: usize) -> C {
        self.pot_need[n]
    }

    /// Volunteer `v`'s potential (minus its dual price; 0 while it has spare capacity).
    pub fn potential_volunteer(&self, v: usize) -> C {
        self.pot_vol[v]
    }

    /// Lowers volunteer `v`'s capacity to one below its current load, sending need `drop`
    /// (which `v` must serve) back to pending. The rest of the assignment stays optimal for
    /// the smaller problem: `v` stays full, so its potential `≤ 0` still prices its reverse
    /// arc from the sink, and a pending need has no residual arc into it. Call
    /// [`Solver::solve`] afterwards. Returns `false` (and changes nothing) if `v` does not
    /// serve `drop`.
    pub fn shrink_capacity(&mut self, v: usize, drop: u32) -> bool {
        if self.assigned.get(drop as usize) != Some(&(v as u32)) {
            return false;
        }
        self.unlink(v as u32, drop);
        self.cap[v] = self.load[v];
        self.assigned[drop as usize] = NONE;
        self.assigned_utility[drop as usize] = C::ZERO;
        self.pot_need[drop as usize] = C::ZERO;
        self.pending.push(drop);
        true
    }

    fn next_epoch(&mut self) {
        if self.epoch == u32::MAX {
            self.seen_need.fill(0);
            self.seen_vol.fill(0);
            self.done_need.fill(0);
            self.done_vol.fill(0);
            self.epoch = 0;
        }
        self.epoch += 1;
    }

    /// One shortest augmenting path from the new need `n0` (see the module doc).
    fn add_need(&mut self, n0: u32) {
        self.next_epoch();
        let epoch = self.epoch;
        let needs = self.graph.needs() as u32;
        let n0u = n0 as usize;

        // A fresh need has no residual arc into it, so its potential is free: the smallest
        // value that makes its outgoing reduced costs non-negative.
        let mut p = C::ZERO;
        for (v, u) in self.graph.arcs_of(n0u) {
            if self.cap[v as usize] > 0 {
                p = p.max(u + self.pot_vol[v as usize]);
            }
        }
        self.pot_need[n0u] = p;
        let mut best = p;
        let mut end = End::Dummy { need: n0 };
        self.dist_need[n0u] = C::ZERO;
        self.seen_need[n0u] = epoch;
        self.heap.push(Reverse((C::ZERO, n0)));

        while let Some(Reverse((d, x))) = self.heap.pop() {
            if d >= best {
                break;
            }
            if x < needs {
                let n = x as usize;
                if self.done_need[n] == epoch || d > self.dist_need[n] {
                    continue;
                }
                self.done_need[n] = epoch;
                self.settled_need.push(x);
                let pn = self.pot_need[n];
                if x != n0 {
                    let nd = d + pn;
                    if nd < best {
                        best = nd;
                        end = End::Dummy { need: x };
                    }
                }
                let own = self.assigned[n];
                let (a, b) = (self.graph.start[n] as usize, self.graph.start[n + 1] as usize);
                for i in a..b {
                    let v = self.graph.head[i];
                    let vi = v as usize;
                    let c = self.cap[vi];
                    if v == own || c == 0 {
                        continue;
                    }
                    let u = self.graph.utility[i];
                    let nd = d + pn - u - self.pot_vol[vi];
                    if nd >= best {
                        continue;
                    }
                    if self.load[vi] < c {
                        best = nd;
                        end = End::Free {
                            need: x,
                            volunteer: v,
                            utility: u,
                        };
                    } else if self.done_vol[vi] != epoch
                        && (self.seen_vol[vi] != epoch || nd < self.dist_vol[vi])
                    {
                        self.seen_vol[vi] = epoch;
                        self.dist_vol[vi] = nd;
                        self.pred_vol[vi] = (x, u);
                        self.heap.push(Reverse((nd, needs + v)));
                    }
                }
            } else {
                let vi = (x - needs) as usize;
                if self.done_vol[vi] == epoch || d > self.dist_vol[vi] {
                    continue;
                }
                self.done_vol[vi] = epoch;
                self.settled_vol.push(x - needs);
                let pv = self.pot_vol[vi];
                let mut m = self.first_served[vi];
                while m != NONE {
                    let mi = m as usize;
                    let next = self.next_served[mi];
                    let nd = d + self.assigned_utility[mi] + pv - self.pot_need[mi];
                    if nd < best
                        && self.done_need[mi] != epoch
                        && (self.seen_need[mi] != epoch || nd < self.dist_need[mi])
                    {
                        self.seen_need[mi] = epoch;
                        self.dist_need[mi] = nd;
                        self.heap.push(Reverse((nd, m)));
                    }
                    m = next;
                }
            }
        }
        self.heap.clear();

        // Potentials of settled nodes: π += d − d(sink) (≤ 0 change; see the module doc).
        for &n in &self.settled_need {
            let n = n as usize;
            self.pot_need[n] = self.pot_need[n] + self.dist_need[n] - best;
        }
        for &v in &self.settled_vol {
            let v = v as usize;
            self.pot_vol[v] = self.pot_vol[v] + self.dist_vol[v] - best;
        }
        self.settled_need.clear();
        self.settled_vol.clear();

        // Augment: walk back from the end to n0, moving each need one volunteer along. Each
        // need is unlinked from its old volunteer before it is linked to the new one, and
        // the next need along is still linked where it was.
        let (mut n, mut v_new, mut u_new) = match end {
            End::Free {
                need,
                volunteer,
                utility,
            } => (need, volunteer, utility),
            End::Dummy { need } => (need, NONE, C::ZERO),
        };
        loop {
            let ni = n as usize;
            let v_old = self.assigned[ni];
            if v_old != NONE {
                self.unlink(v_old, n);
            }
            if v_new != NONE {
                self.link(v_new, n);
            }
            self.assigned[ni] = v_new;
            self.assigned_utility[ni] = u_new;
            if v_old == NONE {
                break;
            }
            // n was reached through its volunteer v_old, which was reached from pred_vol.
            let (m, um) = self.pred_vol[v_old as usize];
            n = m;
            v_new = v_old;
            u_new = um;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Best total utility by exhaustive search.
    fn brute(needs: usize, cap: &[u32], arcs: &[(u32, u32, i64)]) -> i64 {
        fn go(n: usize, needs: usize, left: &mut Vec<u32>, rows: &[Vec<(u32, i64)>]) -> i64 {
            if n == needs {
                return 0;
            }
            let mut best = go(n + 1, needs, left, rows);
            for &(v, u) in &rows[n] {
                if left[v as usize] > 0 && u >= 0 {
                    left[v as usize] -= 1;
                    best = best.max(u + go(n + 1, needs, left, rows));
                    left[v as usize] += 1;
                }
            }
            best
        }
        let mut rows = vec![Vec::new(); needs];
        for &(n, v, u) in arcs {
            rows[n as usize].push((v, u));
        }
        go(0, needs, &mut cap.to_vec(), &rows)
    }

    fn instance() -> impl Strategy<Value = (usize, Vec<u32>, Vec<(u32, u32, i64)>)> {
        (1_usize..7, 1_usize..5).prop_flat_map(|(n, v)| {
            (
                Just(n),
                proptest::collection::vec(0_u32..3, v),
                proptest::collection::vec((0..n as u32, 0..v as u32, -5_i64..40), 0..(n * v + 3)),
            )
        })
    }

    fn check(solver: &Solver<i64>, needs: usize, cap: &[u32]) -> Result<i64, TestCaseError> {
        let mut used = vec![0_u32; cap.len()];
        let mut total = 0;
        for n in 0..needs {
            if let Some(v) = solver.assigned(n) {
                used[v as usize] += 1;
                let u = solver.graph().arcs_of(n).find(|a| a.0 == v).map(|a| a.1);
                prop_assert_eq!(u, Some(solver.assigned_utility(n)));
                total += solver.assigned_utility(n);
            }
        }
        for (v, (&u, &c)) in used.iter().zip(cap).enumerate() {
            prop_assert!(u <= c, "volunteer {} over capacity", v);
            prop_assert_eq!(solver.served_by(v).count() as u32, u);
            prop_assert_eq!(solver.load(v), u);
            prop_assert!(
                solver
                    .served_by(v)
                    .all(|n| solver.assigned(n as usize) == Some(v as u32))
            );
        }
        Ok(total)
    }

    proptest! {
        #[test]
        fn optimum_equals_brute_force_and_respects_capacity((needs, cap, arcs) in instance()) {
            let graph = Graph::build(needs, &cap, &arcs).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let mut solver = Solver::new(graph);
            solver.solve();
            let total = check(&solver, needs, &cap)?;
            prop_assert_eq!(total, brute(needs, &cap, &arcs));
        }

        #[test]
        fn potentials_certify_optimality((needs, cap, arcs) in instance()) {
            let graph = Graph::build(needs, &cap, &arcs).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let mut solver = Solver::new(graph);
            solver.solve();
            for n in 0..needs {
                let pn = solver.potential_need(n);
                prop_assert!(pn >= 0 || solver.assigned(n).is_none());
                for (v, u) in solver.graph().arcs_of(n) {
                    let rc = -u + pn - solver.potential_volunteer(v as usize);
                    if solver.assigned(n) == Some(v) {
                        prop_assert!(rc <= 0);
                    } else {
                        prop_assert!(rc >= 0, "arc {}->{} has reduced cost {}", n, v, rc);
                    }
                }
            }
        }

        #[test]
        fn shrinking_capacity_and_resolving_is_optimal_for_the_smaller_capacities(
            (needs, cap, arcs) in instance(), pick in 0_usize..8,
        ) {
            let graph = Graph::build(needs, &cap, &arcs).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let mut solver = Solver::new(graph);
            solver.solve();
            let busy: Vec<usize> = (0..cap.len()).filter(|&v| solver.load(v) > 0).collect();
            if let Some(&v) = busy.get(pick % busy.len().max(1)) {
                let Some(drop) = solver.served_by(v).next() else { return Err(TestCaseError::fail("load")) };
                prop_assert!(solver.shrink_capacity(v, drop));
                solver.solve();
                let mut smaller = cap.clone();
                smaller[v] = solver.capacity(v);
                let total = check(&solver, needs, &smaller)?;
                prop_assert_eq!(total, brute(needs, &smaller, &arcs));
            }
        }
    }

    #[test]
    fn utilities_above_the_limit_are_rejected() {
        let arcs = [(0, 0, i64::LIMIT + 1)];
        assert_eq!(
            Graph::build(1, &[1], &arcs).err(),
            Some(GraphError::UtilityTooLarge { need: 0 })
        );
        assert_eq!(
            Graph::build(1, &[1], &[(1, 0, 3_i64)]).err(),
            Some(GraphError::IndexOutOfRange)
        );
    }

    #[test]
    fn i128_costs_work_beyond_i64() {
        let big = i128::from(i64::MAX) * 1000;
        let arcs = [(0, 0, big), (1, 0, big + 1), (1, 1, 5)];
        let graph = Graph::build(2, &[1, 1], &arcs).map_err(|e| e.to_string());
        let Ok(graph) = graph else { panic!("graph") };
        let mut solver = Solver::new(graph);
        solver.solve();
        assert_eq!(solver.assigned(0), Some(0));
        assert_eq!(solver.assigned(1), Some(1));
    }
}
