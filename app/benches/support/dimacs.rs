//! A DIMACS `p min` instance shaped like `shared/bench/gen.py`, generated in Rust so the
//! solver bench needs no Python: volunteers hold 4–10 of 64 skills drawn with a skew, needs
//! ask for 2–4 skills drawn flatter, a pair is feasible when the volunteer holds every skill
//! the need asks for, and utility = fit (0..1000) + urgency tier bonus + emerging bonus.
//! Same shape as `gen.py`, not the same numbers (SplitMix64 rather than numpy's generator).

use std::fmt::Write as _;

use super::synthetic::Rng;

const SKILLS: usize = 64;
const TIER_BONUS: [i64; 4] = [3000, 2000, 1000, 0];

fn skewed(rng: &mut Rng, power: f64) -> usize {
    ((SKILLS as f64 * rng.unit().powf(power)) as usize) % SKILLS
}

/// Writes the instance; `top` > 0 keeps each need's `top` best feasible volunteers.
pub fn instance(needs: usize, volunteers: usize, seed: u64, top: usize) -> String {
    let mut rng = Rng::new(seed);
    let mut level = vec![[0_u8; SKILLS]; volunteers];
    let mut capacity = Vec::with_capacity(volunteers);
    let mut timezone = Vec::with_capacity(volunteers);
    let mut languages = Vec::with_capacity(volunteers);
    for levels in &mut level {
        for _ in 0..rng.range(4, 10) {
            levels[skewed(&mut rng, 2.5)] = rng.range(1, 4) as u8;
        }
        capacity.push(rng.range(1, 3));
        timezone.push(i64::from(rng.range(0, 22)) - 10);
        languages.push(1_u16 | (1 << rng.range(1, 11)));
    }

    let mut arcs: Vec<Vec<(usize, i64)>> = Vec::with_capacity(needs);
    for _ in 0..needs {
        let tier = match rng.unit() {
            r if r < 0.1 => 0,
            r if r < 0.3 => 1,
            r if r < 0.8 => 2,
            _ => 3,
        };
        let emerging = rng.unit() < 0.4;
        let need_timezone = i64::from(rng.range(0, 22)) - 10;
        let need_language = 1_u16 << rng.range(0, 11);
        let mut skills: Vec<(usize, f64, f64)> = Vec::new();
        for _ in 0..rng.range(2, 4) {
            let skill = skewed(&mut rng, 1.2);
            let min_level = f64::from(rng.range(1, 4));
            let weight = f64::from(rng.range(1, 3));
            if !skills.iter().any(|s| s.0 == skill) {
                skills.push((skill, min_level, weight));
            }
        }
        let total_weight: f64 = skills.iter().map(|s| s.2).sum();
        let bonus = TIER_BONUS[tier] + if emerging { 300 } else { 0 };
        let mut feasible: Vec<(usize, i64)> = Vec::new();
        for (v, levels) in level.iter().enumerate() {
            if skills.iter().any(|&(skill, _, _)| levels[skill] == 0) {
                continue;
            }
            let cover = skills
                .iter()
                .map(|&(skill, min_level, weight)| (f64::from(levels[skill]) / min_level).min(1.0) * weight)
                .sum::<f64>()
                / total_weight;
            let language = if languages[v] & need_language != 0 {
                1.0
            } else {
                0.0
            };
            let d = (timezone[v] - need_timezone).abs();
            let d = d.min(24 - d) as f64;
            let fit = (1000.0 * (0.7 * cover + 0.2 * language + 0.1 * (1.0 - d / 12.0))).round() as i64;
            feasible.push((v, fit + bonus));
        }
        if top > 0 && feasible.len() > top {
            // Best utility first; ties keep the lower volunteer index, like a stable sort.
            feasible.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            feasible.truncate(top);
        }
        arcs.push(feasible);
    }

    let sink = needs + volunteers + 1;
    let pairs: usize = arcs.iter().map(Vec::len).sum();
    let mut out = String::with_capacity(24 * (pairs + needs + volunteers));
    // Writing to a String cannot fail.
    let _ = writeln!(
        out,
        "c synthetic: {needs} needs, {volunteers} volunteers, seed {seed}, top {top}"
    );
    let _ = writeln!(out, "p min {sink} {}", pairs + volunteers + needs);
    for n in 1..=needs {
        let _ = writeln!(out, "n {n} 1");
    }
    let _ = writeln!(out, "n {sink} -{needs}");
    for (n, feasible) in arcs.iter().enumerate() {
        for &(v, utility) in feasible {
            let _ = writeln!(out, "a {} {} 0 1 {}", n + 1, needs + 1 + v, -utility);
        }
    }
    for (v, cap) in capacity.iter().enumerate() {
        let _ = writeln!(out, "a {} {sink} 0 {cap} 0", needs + 1 + v);
    }
    for n in 1..=needs {
        let _ = writeln!(out, "a {n} {sink} 0 1 0");
    }
    out
}
