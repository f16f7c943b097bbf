//! The benchmark format: a bipartite b-matching written as a DIMACS minimum-cost-flow
//! problem (`p min`), as `shared/bench/README.md` describes, and a solver for it.
//!
//! ```text
//! c comment
//! p min NODES ARCS
//! n ID SUPPLY                    needs: nodes 1..N, supply 1; the sink: last node, supply -N
//! a NEED VOLUNTEER 0 1 -UTILITY  a feasible pair; utility is a non-negative integer
//! a VOLUNTEER SINK 0 CAPACITY 0  how many needs the volunteer can take
//! a NEED SINK 0 1 0              "stay unassigned"
//! ```
//!
//! [`parse`] accepts exactly that shape (volunteers are nodes `N+1..NODES-1`) and rejects
//! anything else with a [`ParseError`] naming the line; it never panics. Every need must have
//! its stay-unassigned arc. Parallel need→volunteer arcs keep the cheapest; a volunteer's
//! sink arcs add up. A need→volunteer arc with a positive cost (negative utility) is kept in
//! the count but never used, since staying unassigned is cheaper. Utilities are limited to
//! [`MAX_UTILITY`] so that the solver's arithmetic provably cannot overflow.
//!
//! [`solve`] runs the exact successive-shortest-path solver of the matcher (module
//! `flow`) and returns the minimum cost (minus the best total utility) and the number of
//! needs assigned; it equals any other exact solver's cost.

use std::fmt;

use super::flow::{Graph, GraphError, Solver};

/// Largest utility (negated arc cost) accepted: 2⁶⁰, far inside the solver's `i64::MAX / 4`.
pub const MAX_UTILITY: i64 = 1 << 60;

/// A parsed bipartite instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    needs: u32,
    volunteers: u32,
    capacity: Vec<u32>,
    /// `(need index, volunteer index, utility)`, zero-based.
    arcs: Vec<(u32, u32, i64)>,
}

impl Instance {
    /// Number of needs (nodes `1..=N`).
    pub fn needs(&self) -> usize {
        self.needs as usize
    }

    /// Number of volunteers (nodes `N+1..NODES-1`).
    pub fn volunteers(&self) -> usize {
        self.volunteers as usize
    }

    /// Number of need→volunteer arcs.
    pub fn pairs(&self) -> usize {
        self.arcs.len()
    }
}

/// What [`solve`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Solution {
    /// Minimum cost: minus the best total utility.
    pub cost: i128,
    /// Number of needs assigned to a volunteer.
    pub assigned: usize,
    /// For each need (index `i` is node `i + 1`), the node id of its volunteer, if any.
    pub assignment: Vec<Option<u64>>,
}

/// Why an instance was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line number (0 for a problem with the file as a whole).
    pub line: usize,
    /// What is wrong.
    pub kind: ParseErrorKind,
}

/// The kinds of [`ParseError`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// No `p min NODES ARCS` line before the first `n` or `a` line.
    MissingProblemLine,
    /// A second `p` line.
    DuplicateProblemLine,
    /// A `p` line that is not `p min NODES ARCS`.
    BadProblemLine,
    /// A line that does not start with `c`, `p`, `n` or `a`.
    UnknownLine,
    /// Wrong number of fields on an `n` or `a` line.
    WrongFieldCount,
    /// A field that is not an integer in range.
    BadNumber,
    /// A node id outside `1..=NODES`.
    NodeOutOfRange,
    /// A node given a supply twice.
    DuplicateSupply,
    /// Supplies not of the form: needs `1..N` supply 1, sink (last node) supply `-N`.
    BadSupplies,
    /// An arc with a non-zero lower bound.
    NonZeroLowerBound,
    /// An arc that is none of need→volunteer, volunteer→sink, need→sink.
    UnsupportedArc,
    /// A volunteer→sink or need→sink arc with a non-zero cost.
    NonZeroSinkCost,
    /// A utility above [`MAX_UTILITY`].
    UtilityOutOfRange,
    /// A need→sink arc with capacity other than 1.
    BadUnassignedArc,
    /// A need without its "stay unassigned" arc.
    MissingUnassignedArc {
        /// The need's node id.
        need: u64,
    },
    /// The number of `a` lines differs from the `p` line's count.
    ArcCountMismatch {
        /// Count on the `p` line.
        declared: u64,
        /// `a` lines found.
        found: u64,
    },
    /// More nodes or arcs than this solver indexes (32 bits).
    TooLarge,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "line {}: ", self.line)?;
        }
        match &self.kind {
            ParseErrorKind::MissingProblemLine => f.write_str("expected `p min NODES ARCS` first"),
            ParseErrorKind::DuplicateProblemLine => f.write_str("second `p` line"),
            ParseErrorKind::BadProblemLine => f.write_str("expected `p min NODES ARCS`"),
            ParseErrorKind::UnknownLine => f.write_str("line does not start with c, p, n or a"),
            ParseErrorKind::WrongFieldCount => f.write_str("wrong number of fields"),
            ParseErrorKind::BadNumber => f.write_str("field is not an integer in range"),
            ParseErrorKind::NodeOutOfRange => f.write_str("node id outside 1..=NODES"),
            ParseErrorKind::DuplicateSupply => f.write_str("node given a supply twice"),
            ParseErrorKind::BadSupplies => {
                f.write_str("supplies must be 1 for needs 1..N and -N for the sink (the last node)")
            }
            ParseErrorKind::NonZeroLowerBound => f.write_str("arc lower bound must be 0"),
            ParseErrorKind::UnsupportedArc => {
                f.write_str("arc is none of need->volunteer, volunteer->sink, need->sink")
            }
            ParseErrorKind::NonZeroSinkCost => f.write_str("arcs into the sink must cost 0"),
            ParseErrorKind::UtilityOutOfRange => write!(f, "utility outside 0..={MAX_UTILITY}"),
            ParseErrorKind::BadUnassignedArc => f.write_str("need->sink arc must have capacity 1"),
            ParseErrorKind::MissingUnassignedArc { need } => {
                write!(f, "need {need} has no stay-unassigned arc to the sink")
            }
            ParseErrorKind::ArcCountMismatch { declared, found } => {
                write!(f, "p line declares {declared} arcs, found {found}")
            }
            ParseErrorKind::TooLarge => f.write_str("too many nodes or arcs (32-bit indices)"),
        }
    }
}

impl std::error::Error for ParseError {}

fn err(line: usize, kind: ParseErrorKind) -> ParseError {
    ParseError { line, kind }
}

fn num<T: std::str::FromStr>(field: &str, line: usize) -> Result<T, ParseError> {
    field.parse().map_err(|_| err(line, ParseErrorKind::BadNumber))
}

/// Fields of one line, at most `N` of them; more is an error.
fn fields<'a, const N: usize>(
    rest: &mut std::str::SplitAsciiWhitespace<'a>,
    line: usize,
) -> Result<[&'a str; N], ParseError> {
    let mut out = [""; N];
    for slot in &mut out {
        *slot = rest.next().ok_or(err(line, ParseErrorKind::WrongFieldCount))?;
    }
    if rest.next().is_some() {
        return Err(err(line, ParseErrorKind::WrongFieldCount));
    }
    Ok(out)
}

/// Raw arc before classification.
struct RawArc {
    line: usize,
    tail: u64,
    head: u64,
    cap: u64,
    cost: i64,
}

/// Parses the `p min` form described in the module doc.
///
/// # Errors
/// A [`ParseError`] with the first offending line for any input that is not exactly that
/// shape (see [`ParseErrorKind`]).
pub fn parse(text: &str) -> Result<Instance, ParseError> {
    let mut problem: Option<(u64, u64)> = None;
    let mut supplies: Vec<(usize, u64, i64)> = Vec::new();
    let mut raw: Vec<RawArc> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let ln = i + 1;
        let mut it = line.split_ascii_whitespace();
        let Some(tag) = it.next() else { continue };
        match tag {
            "c" => continue,
            "p" => {
                if problem.is_some() {
                    return Err(err(ln, ParseErrorKind::DuplicateProblemLine));
                }
                let [kind, nodes, arcs] =
                    fields::<3>(&mut it, ln).map_err(|_| err(ln, ParseErrorKind::BadProblemLine))?;
                if kind != "min" {
                    return Err(err(ln, ParseErrorKind::BadProblemLine));
                }
                let nodes: u64 = num(nodes, ln)?;
                let arcs: u64 = num(arcs, ln)?;
                if nodes == 0 {
                    return Err(err(ln, ParseErrorKind::BadProblemLine));
                }
                if nodes >= u64::from(u32::MAX) || arcs >= u64::from(u32::MAX) {
                    return Err(err(ln, ParseErrorKind::TooLarge));
                }
                problem = Some((nodes, arcs));
                raw.reserve(usize::try_from(arcs).unwrap_or(0).min(1 << 24));
            }
            "n" => {
                let (nodes, _) = problem.ok_or(err(ln, ParseErrorKind::MissingProblemLine))?;
                let [id, supply] = fields::<2>(&mut it, ln)?;
                let id: u64 = num(id, ln)?;
                let supply: i64 = num(supply, ln)?;
                if id == 0 || id > nodes {
                    return Err(err(ln, ParseErrorKind::NodeOutOfRange));
                }
                supplies.push((ln, id, supply));
            }
            "a" => {
                let (nodes, _) = problem.ok_or(err(ln, ParseErrorKind::MissingProblemLine))?;
                let [tail, head, low, cap, cost] = fields::<5>(&mut it, ln)?;
                let tail: u64 = num(tail, ln)?;
                let head: u64 = num(head, ln)?;
                let low: i64 = num(low, ln)?;
                let cap: u64 = num(cap, ln)?;
                let cost: i64 = num(cost, ln)?;
                if tail == 0 || tail > nodes || head == 0 || head > nodes {
                    return Err(err(ln, ParseErrorKind::NodeOutOfRange));
                }
                if low != 0 {
                    return Err(err(ln, ParseErrorKind::NonZeroLowerBound));
                }
                raw.push(RawArc {
                    line: ln,
                    tail,
                    head,
                    cap,
                    cost,
                });
            }
            _ => return Err(err(ln, ParseErrorKind::UnknownLine)),
        }
    }
    let (nodes, declared) = problem.ok_or(err(0, ParseErrorKind::MissingProblemLine))?;
    let found = raw.len() as u64;
    if found != declared {
        return Err(err(0, ParseErrorKind::ArcCountMismatch { declared, found }));
    }

    // Supplies: needs 1..N with 1, sink NODES with -N, any other node 0.
    let mut supply = vec![0_i64; usize::try_from(nodes).map_err(|_| err(0, ParseErrorKind::TooLarge))? + 1];
    let mut given = vec![false; supply.len()];
    for &(ln, id, s) in &supplies {
        let id = id as usize; // id ≤ nodes < u32::MAX
        if given[id] {
            return Err(err(ln, ParseErrorKind::DuplicateSupply));
        }
        given[id] = true;
        supply[id] = s;
    }
    let sink = nodes as usize;
    let needs = supply[1..sink].iter().take_while(|&&s| s == 1).count();
    let bad = supply[needs + 1..sink].iter().any(|&s| s != 0)
        || i64::try_from(needs).map_or(true, |n| supply[sink] != -n)
        || needs + 1 > sink;
    if bad {
        let ln = supplies.first().map_or(0, |s| s.0);
        return Err(err(ln, ParseErrorKind::BadSupplies));
    }
    let volunteers = sink - needs - 1;
    let is_need = |id: u64| id >= 1 && id <= needs as u64;
    let is_vol = |id: u64| id > needs as u64 && id < nodes;

    let mut capacity = vec![0_u32; volunteers];
    let mut has_dummy = vec![false; needs];
    let mut arcs = Vec::with_capacity(raw.len().saturating_sub(volunteers + needs));
    for a in &raw {
        if is_need(a.tail) && is_vol(a.head) {
            if a.cost > 0 || a.cap == 0 {
                continue; // never used by an optimum: staying unassigned costs 0
            }
            let utility = a.cost.checked_neg().filter(|&u| u <= MAX_UTILITY);
            let utility = utility.ok_or(err(a.line, ParseErrorKind::UtilityOutOfRange))?;
            // Indices are < nodes < u32::MAX (checked on the p line).
            arcs.push(((a.tail - 1) as u32, (a.head - needs as u64 - 1) as u32, utility));
        } else if is_vol(a.tail) && a.head == nodes {
            if a.cost != 0 {
                return Err(err(a.line, ParseErrorKind::NonZeroSinkCost));
            }
            let c = &mut capacity[(a.tail - needs as u64 - 1) as usize];
            *c = c.saturating_add(u32::try_from(a.cap).unwrap_or(u32::MAX));
        } else if is_need(a.tail) && a.head == nodes {
            if a.cost != 0 {
                return Err(err(a.line, ParseErrorKind::NonZeroSinkCost));
            }
            if a.cap != 1 {
                return Err(err(a.line, ParseErrorKind::BadUnassignedArc));
            }
            has_dummy[(a.tail - 1) as usize] = true;
        } else {
            return Err(err(a.line, ParseErrorKind::UnsupportedArc));
        }
    }
    if let Some(missing) = has_dummy.iter().position(|&d| !d) {
        return Err(err(
            0,
            ParseErrorKind::MissingUnassignedArc {
                need: missing as u64 + 1,
            },
        ));
    }
    let to_u32 = |x: usize| u32::try_from(x).map_err(|_| err(0, ParseErrorKind::TooLarge));
    Ok(Instance {
        needs: to_u32(needs)?,
        volunteers: to_u32(volunteers)?,
        capacity,
        arcs,
    })
}

/// Solves a parsed instance exactly (graph construction included, parsing not).
///
/// # Errors
/// [`GraphError`] only if the instance breaks the bounds [`parse`] checks, which cannot
/// happen for an [`Instance`] it returned.
pub fn solve(instance: &Instance) -> Result<Solution, GraphError> {
    let graph = Graph::build(instance.needs(), &instance.capacity, &instance.arcs)?;
    let mut solver = Solver::new(graph);
    solver.solve();
    let first_volunteer = u64::from(instance.needs) + 1;
    let mut total: i128 = 0;
    let mut assigned = 0;
    let assignment = (0..instance.needs())
        .map(|n| {
            solver.assigned(n).map(|v| {
                total += i128::from(solver.assigned_utility(n));
                assigned += 1;
                first_volunteer + u64::from(v)
            })
        })
        .collect();
    Ok(Solution {
        cost: -total,
        assigned,
        assignment,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SMALL: &str = "c two needs, two volunteers\n\
        p min 5 7\n\
        n 1 1\n\
        n 2 1\n\
        n 5 -2\n\
        a 1 3 0 1 -10\n\
        a 2 3 0 1 -8\n\
        a 2 4 0 1 -3\n\
        a 3 5 0 1 0\n\
        a 4 5 0 1 0\n\
        a 1 5 0 1 0\n\
        a 2 5 0 1 0\n";

    fn kind(text: &str) -> Option<ParseErrorKind> {
        parse(text).err().map(|e| e.kind)
    }

    #[test]
    fn a_small_instance_parses_and_solves() {
        let Ok(instance) = parse(SMALL) else {
            panic!("parse failed")
        };
        assert_eq!(
            (instance.needs(), instance.volunteers(), instance.pairs()),
            (2, 2, 3)
        );
        let Ok(solution) = solve(&instance) else {
            panic!("solve failed")
        };
        assert_eq!(solution.cost, -13);
        assert_eq!(solution.assigned, 2);
        assert_eq!(solution.assignment, vec![Some(3), Some(4)]);
    }

    #[test]
    fn malformed_inputs_are_rejected_with_a_reason() {
        assert_eq!(kind(""), Some(ParseErrorKind::MissingProblemLine));
        assert_eq!(kind("n 1 1\n"), Some(ParseErrorKind::MissingProblemLine));
        assert_eq!(kind("p max 3 0\n"), Some(ParseErrorKind::BadProblemLine));
        assert_eq!(kind("p min 3\n"), Some(ParseErrorKind::BadProblemLine));
        assert_eq!(
            kind(&SMALL.replace("p min 5 7", "p min 5 7\np min 5 7")),
            Some(ParseErrorKind::DuplicateProblemLine)
        );
        assert_eq!(
            kind(&SMALL.replace("p min 5 7", "p min 5 8")),
            Some(ParseErrorKind::ArcCountMismatch {
                declared: 8,
                found: 7
            })
        );
        assert_eq!(
            kind(&SMALL.replace("n 2 1", "n 2 2")),
            Some(ParseErrorKind::BadSupplies)
        );
        assert_eq!(
            kind(&SMALL.replace("n 5 -2", "n 5 -1")),
            Some(ParseErrorKind::BadSupplies)
        );
        assert_eq!(
            kind(&SMALL.replace("n 2 1", "n 1 1")),
            Some(ParseErrorKind::DuplicateSupply)
        );
        assert_eq!(
            kind(&SMALL.replace("a 1 3 0 1 -10", "a 1 3 0 1 -1x")),
            Some(ParseErrorKind::BadNumber)
        );
        assert_eq!(
            kind(&SMALL.replace("a 1 3 0 1 -10", "a 1 3 0 1")),
            Some(ParseErrorKind::WrongFieldCount)
        );
        assert_eq!(
            kind(&SMALL.replace("a 1 3 0 1 -10", "a 1 3 0 1 -10 9")),
            Some(ParseErrorKind::WrongFieldCount)
        );
        assert_eq!(
            kind(&SMALL.replace("a 1 3 0 1 -10", "a 1 9 0 1 -10")),
            Some(ParseErrorKind::NodeOutOfRange)
        );
        assert_eq!(
            kind(&SMALL.replace("a 1 3 0 1 -10", "a 1 3 1 1 -10")),
            Some(ParseErrorKind::NonZeroLowerBound)
        );
        assert_eq!(
            kind(&SMALL.replace("a 1 3 0 1 -10", "a 3 4 0 1 -10")),
            Some(ParseErrorKind::UnsupportedArc)
        );
        assert_eq!(
            kind(&SMALL.replace("a 3 5 0 1 0", "a 3 5 0 1 4")),
            Some(ParseErrorKind::NonZeroSinkCost)
        );
        assert_eq!(
            kind(&SMALL.replace("a 1 5 0 1 0", "a 1 5 0 2 0")),
            Some(ParseErrorKind::BadUnassignedArc)
        );
        assert_eq!(
            kind(&SMALL.replace("a 1 5 0 1 0", "a 3 5 0 1 0")),
            Some(ParseErrorKind::MissingUnassignedArc { need: 1 })
        );
        assert_eq!(
            kind(&SMALL.replace("a 1 3 0 1 -10", "a 1 3 0 1 -9999999999999999999")),
            Some(ParseErrorKind::BadNumber)
        );
        assert_eq!(
            kind(&SMALL.replace("a 1 3 0 1 -10", &format!("a 1 3 0 1 -{}", MAX_UTILITY + 1))),
            Some(ParseErrorKind::UtilityOutOfRange)
        );
        assert_eq!(
            kind(&SMALL.replace("c two", "x two")),
            Some(ParseErrorKind::UnknownLine)
        );
    }

    #[test]
    fn positive_cost_pairs_are_never_used() {
        let Ok(instance) = parse(&SMALL.replace("a 2 4 0 1 -3", "a 2 4 0 1 3")) else {
            panic!("parse")
        };
        let Ok(solution) = solve(&instance) else {
            panic!("solve")
        };
        assert_eq!((solution.cost, solution.assigned), (-10, 1));
    }

    /// Solves a small `gen.py` instance and compares with `anchors.py` (OR-Tools and scipy).
    /// Needs the benchmark scripts and their Python environment (made by
    /// `shared/bench/setup`, never by this test), so it is ignored by the suite and
    /// run by `.ci/bench-matcher`, which prepares both; run by hand without them, it
    /// fails and says what is missing.
    #[test]
    #[ignore = "needs the anchors' Python environment (shared/bench/setup): run by .ci/bench-matcher"]
    #[cfg(not(target_arch = "wasm32"))]
    fn agrees_with_the_anchor_solvers_on_a_generated_instance() {
        use std::path::PathBuf;
        use std::process::Command;

        let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
        let venv = std::env::var_os("FRONTLINE_BENCH_VENV")
            .map(PathBuf::from)
            .unwrap_or_else(|| home.join(".cache/frontline-bench-venv"));
        let python = venv.join("bin/python");
        let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let bench = std::env::var_os("FRONTLINE_BENCH_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                [
                    manifest.join("../shared/bench"),
                    manifest.join("../../shared/bench"),
                ]
                .into_iter()
                .find(|d| d.join("gen.py").is_file())
                .unwrap_or_default()
            });
        let ready = python.is_file()
            && bench.join("gen.py").is_file()
            && Command::new(&python)
                .args(["-c", "import numpy, scipy, ortools"])
                .output()
                .is_ok_and(|o| o.status.success());
        assert!(
            ready,
            "no benchmark venv with numpy, scipy and ortools at {} (FRONTLINE_BENCH_VENV), or no gen.py \
             under {} (FRONTLINE_BENCH_DIR): run .ci/bench-matcher, which prepares them",
            venv.display(),
            bench.display()
        );
        let Ok(generated) = Command::new(&python)
            .arg(bench.join("gen.py"))
            .args(["300", "2000", "--seed", "3"])
            .output()
        else {
            panic!("gen.py did not run")
        };
        assert!(generated.status.success(), "gen.py failed");
        let path = std::env::temp_dir().join(format!("frontline-anchor-{}.min", std::process::id()));
        assert!(std::fs::write(&path, &generated.stdout).is_ok());
        let anchors = Command::new(&python)
            .arg(bench.join("anchors.py"))
            .arg(&path)
            .output();
        let _ = std::fs::remove_file(&path);
        let Ok(anchors) = anchors else {
            panic!("anchors.py did not run")
        };
        let report = String::from_utf8_lossy(&anchors.stdout);

        let Ok(text) = String::from_utf8(generated.stdout) else {
            panic!("gen.py output is not UTF-8")
        };
        let Ok(instance) = parse(&text) else {
            panic!("gen.py output did not parse")
        };
        let Ok(ours) = solve(&instance) else {
            panic!("solve failed")
        };
        let mut compared = 0;
        for line in report
            .lines()
            .filter(|l| l.starts_with("solver=") && l.contains(" cost="))
        {
            let field = |name: &str| {
                line.split_whitespace()
                    .find_map(|f| f.strip_prefix(name))
                    .and_then(|v| v.parse::<i128>().ok())
            };
            assert_eq!(field("cost="), Some(ours.cost), "{line} vs ours {}", ours.cost);
            eprintln!("{line} | frontline cost={} assigned={}", ours.cost, ours.assigned);
            compared += 1;
        }
        assert_eq!(compared, 2, "expected OR-Tools and scipy lines, got:\n{report}");
    }

    proptest! {
        #[test]
        fn any_mangled_input_is_an_error_or_a_valid_instance_never_a_panic(
            cut in 0_usize..400, pos in 0_usize..400, byte in proptest::char::range(' ', '~'),
        ) {
            let mut text: Vec<char> = SMALL.chars().collect();
            let p = pos % text.len();
            text[p] = byte;
            text.truncate(cut.max(p + 1));
            let text: String = text.into_iter().collect();
            if let Ok(instance) = parse(&text) {
                prop_assert!(solve(&instance).is_ok());
            }
        }
    }
}
