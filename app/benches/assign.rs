//! The exact global assignment from profiles: 2 000 open needs against 20 000 volunteers
//! (index build excluded), and the benchmark-format solver `dimacs::solve` on a 2 000 × 20 000
//! instance generated in Rust with the shape of `shared/bench/gen.py` (parsing excluded).
//!
//! `cargo bench -p app --features ssr --bench assign` (add `-- --quick` for a short run).

use std::hint::black_box;

use app::matcher::{self, dimacs};
use criterion::{Criterion, criterion_group, criterion_main};

#[path = "support/synthetic.rs"]
mod synthetic;

#[path = "support/dimacs.rs"]
mod dimacs_gen;

fn assign(c: &mut Criterion) {
    let volunteers = synthetic::volunteers(20_000, 7);
    let needs = synthetic::needs(2_000, 20_000, 8);
    let index = matcher::VolunteerIndex::build(matcher::MatchConfig::default(), volunteers)
        .unwrap_or_else(|e| panic!("cannot build the index: {e}"));
    let mut group = c.benchmark_group("assign");
    group.sample_size(10);
    group.bench_function("2000_needs_20000_volunteers", |b| {
        b.iter(|| black_box(matcher::assign(&index, &needs)))
    });
    group.finish();

    let text = dimacs_gen::instance(2_000, 20_000, 7, 0);
    let instance = dimacs::parse(&text).unwrap_or_else(|e| panic!("generated instance: {e}"));
    let mut group = c.benchmark_group("dimacs");
    group.sample_size(10);
    group.bench_function(format!("solve_2000x20000_{}_pairs", instance.pairs()), |b| {
        b.iter(|| black_box(dimacs::solve(&instance)))
    });
    group.bench_function("parse_2000x20000", |b| b.iter(|| black_box(dimacs::parse(&text))));
    group.finish();
}

criterion_group!(benches, assign);
criterion_main!(benches);
