//! A deterministic synthetic population for the matcher benchmarks, shaped like
//! `shared/bench/gen.py`: volunteers hold 4–10 of 64 skills drawn with a skew (common skills
//! are common), needs ask for 2–4 skills drawn flatter (rare skills are in demand), one
//! language per need, 1–3 engagement slots per volunteer. No randomness crate: SplitMix64.

use app::matcher::{NeedProfile, RequiredSkill, SkillWeight, Urgency, VolunteerProfile};

const SKILLS: f64 = 64.0;
const LANGUAGES: [&str; 12] = [
    "en", "fr", "es", "ar", "pt", "ru", "sw", "hi", "zh", "de", "it", "tr",
];
const COUNTRIES: u32 = 60;

/// SplitMix64.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1_u64 << 53) as f64
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + (self.next_u64() % u64::from(hi - lo + 1)) as u32
    }

    fn skewed_skill(&mut self, power: f64) -> u32 {
        ((SKILLS * self.unit().powf(power)) as u32) % SKILLS as u32
    }
}

fn country(i: u32) -> [u8; 2] {
    [b'A' + (i / 26) as u8, b'A' + (i % 26) as u8]
}

/// `n` volunteers with ids `1..=n`.
pub fn volunteers(n: usize, seed: u64) -> Vec<VolunteerProfile> {
    let mut rng = Rng::new(seed);
    (1..=n as i64)
        .map(|id| {
            let k = rng.range(4, 10);
            let skills = (0..k)
                .map(|_| (rng.skewed_skill(2.5), rng.range(1, 4) as u8))
                .collect();
            let c = rng.range(0, COUNTRIES - 1);
            let hours = rng.range(2, 20) as u16;
            let max = rng.range(1, 3) as u8;
            let count = rng.range(0, 10);
            VolunteerProfile {
                id,
                approved: rng.unit() < 0.9,
                skills,
                languages: vec!["en".into(), LANGUAGES[rng.range(1, 11) as usize].into()],
                country: country(c),
                sub_region: (c / 4 + 1) as u16,
                region: (c / 12 + 1) as u16,
                utc_offset_minutes: (rng.range(0, 22) as i16 - 10) * 60,
                hours_per_week: hours,
                committed_hours: rng.range(0, u32::from(hours / 2)) as u16,
                max_concurrent: max,
                active_engagements: rng.range(0, u32::from(max)) as u8,
                remote_only: rng.unit() < 0.6,
                onsite_countries: (0..rng.range(0, 2))
                    .map(|_| country(rng.range(0, COUNTRIES - 1)))
                    .collect(),
                conflicted_orgs: if rng.unit() < 0.05 {
                    vec![i64::from(rng.range(0, 1999))]
                } else {
                    vec![]
                },
                completed_engagements: count,
                rating_sum: count * rng.range(3, 5),
                rating_count: count,
            }
        })
        .collect()
}

/// `n` needs with ids `1..=n`; lowered pairs name volunteers `1..=volunteers`.
pub fn needs(n: usize, volunteers: usize, seed: u64) -> Vec<NeedProfile> {
    let mut rng = Rng::new(seed ^ 0x5EED);
    (1..=n as i64)
        .map(|id| {
            let k = rng.range(2, 4);
            let mut skills: Vec<RequiredSkill> = Vec::new();
            for i in 0..k {
                let skill = rng.skewed_skill(1.2);
                if skills.iter().any(|s| s.skill == skill) {
                    continue;
                }
                let roll = rng.unit();
                let weight = if i == 0 || roll < 0.2 {
                    SkillWeight::Must
                } else if roll < 0.6 {
                    SkillWeight::Should
                } else {
                    SkillWeight::Nice
                };
                skills.push(RequiredSkill {
                    skill,
                    min_level: rng.range(1, 4) as u8,
                    weight,
                });
            }
            let tier = rng.unit();
            let urgency = if tier < 0.1 {
                Urgency::Critical
            } else if tier < 0.3 {
                Urgency::High
            } else if tier < 0.8 {
                Urgency::Normal
            } else {
                Urgency::Low
            };
            let c = rng.range(0, COUNTRIES - 1);
            let lowered = if rng.unit() < 0.02 {
                vec![(i64::from(rng.range(1, volunteers.max(1) as u32)), 0.5)]
            } else {
                vec![]
            };
            NeedProfile {
                id,
                org_id: i64::from(rng.range(0, 1999)),
                skills,
                languages: vec![LANGUAGES[rng.range(0, 11) as usize].into()],
                urgency,
                weekly_hours: rng.range(1, 8) as u16,
                remote: rng.unit() < 0.85,
                country: country(c),
                sub_region: (c / 4 + 1) as u16,
                region: (c / 12 + 1) as u16,
                utc_offset_minutes: (rng.range(0, 22) as i16 - 10) * 60,
                emerging_priority: rng.range(0, 3) as u8,
                waiting_since: 1_700_000_000 + i64::from(rng.range(0, 10_000_000)),
                lowered_pairs: lowered,
            }
        })
        .collect()
}
