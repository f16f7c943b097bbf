//! Ranking one need against 100 000 synthetic volunteers (goal: ≤ 1 ms on one core), typical
//! needs and the worst case, plus explaining one exclusion and the volunteer's "needs that
//! fit you" over 2 000 open needs.
//!
//! `cargo bench -p app --features ssr --bench rank` (add `-- --quick` for a short run).

use std::hint::black_box;

use app::matcher;
use criterion::{Criterion, criterion_group, criterion_main};

#[path = "support/synthetic.rs"]
mod synthetic;

fn rank(c: &mut Criterion) {
    let volunteers = synthetic::volunteers(100_000, 1);
    let needs = synthetic::needs(512, 100_000, 2);
    let index = matcher::VolunteerIndex::build(matcher::MatchConfig::default(), volunteers)
        .unwrap_or_else(|e| panic!("cannot build the index: {e}"));
    // What a pool refresh costs after one volunteer changed: copy the profiles, build the index.
    let mut group = c.benchmark_group("index_100k");
    group.sample_size(10);
    group.bench_function("clone_profiles_and_build", |b| {
        b.iter(|| {
            let profiles = index.volunteers().to_vec();
            black_box(matcher::VolunteerIndex::build(
                matcher::MatchConfig::default(),
                profiles,
            ))
        })
    });
    group.bench_function("clone_profiles", |b| {
        b.iter(|| black_box(index.volunteers().to_vec()))
    });
    group.finish();

    let mut group = c.benchmark_group("rank_volunteers_100k");
    // Typical: cycle through 512 needs, each with at least one must-have skill.
    let mut i = 0;
    group.bench_function("top20_per_need", |b| {
        b.iter(|| {
            i = (i + 1) % needs.len();
            black_box(matcher::rank_volunteers(&index, &needs[i], 20))
        })
    });
    // Worst case: no must-have skill and a language every volunteer speaks, so the gates
    // exclude almost nobody and nearly every volunteer is scored.
    let mut open = needs[0].clone();
    open.skills.retain(|s| s.weight != matcher::SkillWeight::Must);
    open.languages = vec!["en".into()];
    group.bench_function("top20_no_must_skill_worst_case", |b| {
        b.iter(|| black_box(matcher::rank_volunteers(&index, &open, 20)))
    });
    group.bench_function("explain_one_volunteer", |b| {
        b.iter(|| black_box(matcher::explain_volunteer(&index, &needs[3], 4242)))
    });
    group.finish();

    let open_needs = synthetic::needs(2_000, 100_000, 3);
    // An approved volunteer with room, so that the gates pass often enough to score.
    let volunteer = index
        .volunteers()
        .iter()
        .find(|v| v.approved && v.free_slots() > 0 && v.free_hours() >= 8 && !v.remote_only)
        .unwrap_or_else(|| panic!("no approved volunteer with room in the synthetic population"));
    let config = matcher::MatchConfig::default();
    c.bench_function("rank_needs_2000_open", |b| {
        b.iter(|| black_box(matcher::rank_needs(&config, volunteer, &open_needs, 10)))
    });
}

criterion_group!(benches, rank);
criterion_main!(benches);
