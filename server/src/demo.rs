//! `frontline demo`: a deterministic, realistic demo data set.
//!
//! Organisations across many countries and every income group, their members,
//! needs in every category and urgency, and volunteers with believable skill
//! mixes (common skills common, rare skills rare), sized by flags. The same seed
//! gives the same data. Every demo account shares one password, drawn at random
//! for each load and printed once: the demo has no default credentials.
//!
//! Some needs are under way: proposals waiting for an answer, active
//! engagements with messages and logged hours, completed ones with ratings;
//! volunteers' held capacity matches their live engagements.
//!
//! Rows go in with multi-row inserts in large transactions, so the large set
//! (100 000 volunteers, 20 000 needs) loads in minutes.

use anyhow::Context as _;
use app::services::passwords::Passwords;
use entity::{
    account, country, ecsf_role, engagement, hours_log, message, need, need_category, need_skill,
    organisation, organisation_member, skill, vetting::VettingStatus, volunteer, volunteer_skill,
};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait as _, PaginatorTrait as _,
    QueryOrder as _, TransactionTrait as _,
};
use std::collections::HashMap;
use time::{Duration, OffsetDateTime};

/// How much demo data to load.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    /// Organisations.
    pub organisations: usize,
    /// Volunteers.
    pub volunteers: usize,
    /// Needs (spread over the organisations).
    pub needs: usize,
    /// The random seed.
    pub seed: u64,
}

/// SplitMix64: small, fast and stable across versions (unlike a library's RNG).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n.max(1)).unwrap_or(1)).unwrap_or(0)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Skewed towards the start of `0..n`: index = n · u^power.
    fn skewed(&mut self, n: usize, power: f64) -> usize {
        #[expect(clippy::cast_precision_loss, reason = "a random fraction")]
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss,
            reason = "an index below n"
        )]
        let i = (u.powf(power) * n as f64) as usize;
        i.min(n.saturating_sub(1))
    }
}

/// (country, cities, main language) for organisations: every income group and region.
const PLACES: [(&str, &[&str], &str); 36] = [
    ("CD", &["Kinshasa", "Lubumbashi", "Goma"], "fr"),
    ("HT", &["Port-au-Prince", "Cap-Haïtien"], "fr"),
    ("ML", &["Bamako", "Sikasso"], "fr"),
    ("SN", &["Dakar", "Saint-Louis"], "fr"),
    ("CM", &["Yaoundé", "Douala"], "fr"),
    ("NG", &["Lagos", "Abuja", "Kano"], "en"),
    ("KE", &["Nairobi", "Mombasa", "Kisumu"], "en"),
    ("UG", &["Kampala", "Gulu"], "en"),
    ("ET", &["Addis Ababa", "Mekelle"], "am"),
    ("GH", &["Accra", "Kumasi"], "en"),
    ("TZ", &["Dar es Salaam", "Arusha"], "sw"),
    ("MZ", &["Maputo", "Beira"], "pt"),
    ("AO", &["Luanda", "Huambo"], "pt"),
    ("ZA", &["Johannesburg", "Cape Town", "Durban"], "en"),
    ("EG", &["Cairo", "Alexandria"], "ar"),
    ("MA", &["Casablanca", "Rabat"], "ar"),
    ("JO", &["Amman", "Irbid"], "ar"),
    ("LB", &["Beirut", "Tripoli"], "ar"),
    ("IN", &["Mumbai", "Chennai", "Lucknow"], "en"),
    ("BD", &["Dhaka", "Chittagong"], "bn"),
    ("PK", &["Karachi", "Lahore"], "ur"),
    ("NP", &["Kathmandu", "Pokhara"], "ne"),
    ("ID", &["Jakarta", "Surabaya"], "id"),
    ("PH", &["Manila", "Cebu"], "tl"),
    ("VN", &["Hanoi", "Ho Chi Minh City"], "vi"),
    ("UA", &["Kyiv", "Kharkiv", "Lviv"], "uk"),
    ("BR", &["São Paulo", "Recife", "Manaus"], "pt"),
    ("PE", &["Lima", "Cusco"], "es"),
    ("CO", &["Bogotá", "Medellín"], "es"),
    ("GT", &["Guatemala City", "Quetzaltenango"], "es"),
    ("MX", &["Mexico City", "Oaxaca"], "es"),
    ("FJ", &["Suva"], "en"),
    ("PG", &["Port Moresby"], "en"),
    ("FR", &["Lyon", "Marseille"], "fr"),
    ("ES", &["Sevilla", "Valencia"], "es"),
    ("US", &["Detroit", "El Paso"], "en"),
];

/// Where volunteers live (weights: more from where security professionals are).
const VOLUNTEER_COUNTRIES: [(&str, &str, u64); 24] = [
    ("US", "en", 14),
    ("GB", "en", 9),
    ("FR", "fr", 8),
    ("DE", "de", 7),
    ("IN", "en", 8),
    ("CA", "en", 4),
    ("ES", "es", 4),
    ("IT", "it", 3),
    ("NL", "nl", 3),
    ("CH", "fr", 3),
    ("BE", "fr", 2),
    ("PT", "pt", 2),
    ("BR", "pt", 4),
    ("MX", "es", 2),
    ("NG", "en", 3),
    ("KE", "en", 3),
    ("ZA", "en", 2),
    ("EG", "ar", 2),
    ("MA", "ar", 1),
    ("SN", "fr", 1),
    ("PH", "tl", 2),
    ("ID", "id", 2),
    ("AU", "en", 2),
    ("JP", "ja", 1),
];

const FIRST_NAMES: [&str; 40] = [
    "Amina", "Jean", "Chidi", "Fatou", "Lucía", "Mateus", "Priya", "Arjun", "Sofia", "Omar", "Lena", "Kwame",
    "Mei", "Hugo", "Ana", "Yusuf", "Grace", "Tomás", "Aïcha", "Ivan", "Nadia", "Samuel", "Elif", "Diego",
    "Zara", "Kofi", "Marta", "Ravi", "Hana", "Pierre", "Olga", "Emeka", "Laila", "João", "Sara", "Bilal",
    "Chloé", "Ngozi", "Felipe", "Anika",
];
const LAST_NAMES: [&str; 40] = [
    "Diallo",
    "Okafor",
    "Martin",
    "García",
    "Silva",
    "Sharma",
    "Müller",
    "Haddad",
    "Kamau",
    "Nguyen",
    "Rossi",
    "Mensah",
    "Dubois",
    "Kowalski",
    "Ahmed",
    "Santos",
    "Patel",
    "Ibrahim",
    "Fernández",
    "Schmidt",
    "Owusu",
    "Lefèvre",
    "Costa",
    "Tanaka",
    "Hassan",
    "Moreau",
    "Adeyemi",
    "López",
    "Novak",
    "Bakker",
    "Mwangi",
    "Petit",
    "Singh",
    "Romero",
    "Yilmaz",
    "Ferreira",
    "Osei",
    "Laurent",
    "Kim",
    "Mbeki",
];
const EMPLOYERS: [&str; 12] = [
    "",
    "",
    "",
    "Independent consultant",
    "Northwind Security",
    "Contoso Bank",
    "Fabrikam Health IT",
    "University research lab",
    "National CERT",
    "Adatum Cloud",
    "Tailspin Telecom",
    "Litware Software",
];

/// (category code, need titles, summaries, confidential details)
fn need_texts(category: &str) -> (&'static [&'static str], &'static str, &'static str) {
    match category {
        "awareness" => (
            &[
                "Phishing awareness for nurses and reception staff",
                "Run a phishing simulation for our clinics",
            ],
            "Staff keep clicking on fake invoices and delivery notices. We want short sessions adapted to shift work, in our language.",
            "About 300 staff; email on Microsoft 365; two phishing incidents last quarter.",
        ),
        "email_security" => (
            &[
                "Set up SPF, DKIM and DMARC for our domain",
                "Stop spoofed emails in our name",
            ],
            "Attackers send emails that look like they come from us. We need email authentication configured and monitored.",
            "Domain hosted at a local registrar; mail through Google Workspace; no DMARC record.",
        ),
        "access" => (
            &[
                "Roll out MFA for all staff accounts",
                "Clean up administrator accounts",
            ],
            "We want every account protected by a second factor without stopping clinical work.",
            "Entra ID tenant with 40 global administrators, several shared accounts.",
        ),
        "endpoints" => (
            &[
                "Patch our Windows workstations",
                "Deploy endpoint protection on clinic laptops",
            ],
            "Many computers miss months of updates. We need a patching routine our two-person IT team can keep up.",
            "About 150 Windows 10 machines, some Windows 7 in the laboratory.",
        ),
        "asset_inventory" => (
            &[
                "Build an inventory of our devices and software",
                "Map what is connected to our network",
            ],
            "We do not know exactly what runs on our network. We need a first inventory and a way to keep it current.",
            "Three sites linked by VPN; no central list of devices.",
        ),
        "backup_ransomware" => (
            &[
                "Review our backups before ransomware hits",
                "Ransomware tabletop exercise for management",
            ],
            "We want backups we can restore from, kept offline, and a rehearsed plan for a ransomware attack.",
            "Nightly backups to a NAS on the same network; restores never tested.",
        ),
        "network" => (
            &[
                "Harden remote access to our hospital",
                "Segment the medical devices network",
            ],
            "Remote access was opened in a hurry during the pandemic. We want it reviewed and made safe.",
            "RDP exposed on two servers; VPN appliance with outdated firmware.",
        ),
        "vulnerability_assessment" => (
            &[
                "External vulnerability scan of our public services",
                "Penetration test of the patient portal",
            ],
            "We want to know how our public services look to an attacker, within a written scope.",
            "Patient portal on a vendor platform; public IP range of 16 addresses.",
        ),
        "incident_response" => (
            &[
                "Help us handle a live ransomware incident",
                "Write our incident response plan",
            ],
            "Systems are encrypted and clinical teams are on paper. We need help to contain and recover.",
            "Encryption started at night; ransom note on file servers; backups partly affected.",
        ),
        "medical_devices" => (
            &[
                "Secure our PACS and imaging devices",
                "Isolate infusion pumps from the main network",
            ],
            "Imaging and monitoring devices share the network with office computers. We need a safe layout.",
            "PACS server on Windows Server 2012; 20 modalities; vendor remote access always on.",
        ),
        "compliance" => (
            &[
                "Prepare for a data protection audit",
                "Write our information security policy",
            ],
            "We must show that patient data is protected and need policies staff can follow.",
            "No written policies yet; audit by the health ministry in three months.",
        ),
        "data_protection" => (
            &["Encrypt patient records at rest", "Classify the data we hold"],
            "Patient records are copied across shared drives. We want to know where they are and protect them.",
            "File server shares open to all staff; laptops not encrypted.",
        ),
        _ => (
            &[
                "Review our cloud configuration",
                "Secure our Microsoft 365 tenant",
            ],
            "We moved to the cloud quickly and want the configuration checked against good practice.",
            "Microsoft 365 tenant and an AWS account for the laboratory system.",
        ),
    }
}

/// The UTC offset (minutes) for a country: a representative value.
fn utc_offset(country: &str) -> i16 {
    match country {
        "US" | "CA" => -300,
        "MX" | "GT" => -360,
        "BR" => -180,
        "PE" | "CO" => -300,
        "HT" => -300,
        "GB" | "PT" | "SN" | "ML" | "GH" | "MA" => 0,
        "FR" | "DE" | "ES" | "IT" | "NL" | "CH" | "BE" | "NG" | "CD" | "CM" | "AO" => 60,
        "ZA" | "EG" | "MZ" | "UA" | "LB" | "JO" => 120,
        "KE" | "UG" | "ET" | "TZ" => 180,
        "PK" => 300,
        "IN" => 330,
        "NP" => 345,
        "BD" => 360,
        "ID" | "VN" => 420,
        "PH" => 480,
        "JP" => 540,
        "AU" | "PG" => 600,
        "FJ" => 720,
        _ => 0,
    }
}

async fn insert_chunks<A, C>(db: &C, rows: Vec<A>, chunk: usize) -> anyhow::Result<()>
where
    A: sea_orm::ActiveModelTrait + Send,
    C: ConnectionTrait,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<A> = rows.by_ref().take(chunk).collect();
        <A::Entity as sea_orm::EntityTrait>::insert_many(batch)
            .exec_without_returning(db)
            .await
            .context("bulk insert failed")?;
    }
    Ok(())
}

/// Whether the database already holds organisations or volunteers.
///
/// # Errors
/// Database errors.
pub async fn has_data(db: &DatabaseConnection) -> anyhow::Result<bool> {
    Ok(organisation::Entity::find().count(db).await? > 0 || volunteer::Entity::find().count(db).await? > 0)
}

/// What was loaded, for the summary line.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Coordinators.
    pub coordinators: usize,
    /// Organisations.
    pub organisations: usize,
    /// Organisation members.
    pub members: usize,
    /// Volunteers.
    pub volunteers: usize,
    /// Needs.
    pub needs: usize,
    /// Engagements.
    pub engagements: usize,
    /// The shared password of the demo accounts.
    pub password: String,
}

/// Loads the demo data set.
///
/// # Errors
/// Database errors; a database that already holds data.
#[expect(clippy::too_many_lines, reason = "one generator, read top to bottom")]
pub async fn load(db: &DatabaseConnection, size: Size) -> anyhow::Result<Loaded> {
    anyhow::ensure!(
        !has_data(db).await?,
        "the database already holds data; demo data goes into an empty database"
    );
    let mut rng = Rng(size.seed);
    let now = app::clock::to_micros(OffsetDateTime::now_utc());
    let password = format!(
        "demo-{}",
        app::services::tokens::random_token()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(16)
            .collect::<String>()
    );
    let hash = Passwords::new(1)
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .hash(password.clone().into())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;

    let categories = need_category::Entity::find()
        .order_by_asc(need_category::Column::SortOrder)
        .all(db)
        .await?;
    let skills = skill::Entity::find()
        .order_by_asc(skill::Column::Id)
        .all(db)
        .await?;
    let roles = ecsf_role::Entity::find().all(db).await?;
    let countries: HashMap<String, country::Model> = country::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.iso2.clone(), c))
        .collect();
    anyhow::ensure!(
        !categories.is_empty() && !skills.is_empty(),
        "reference data missing: run the migrations first"
    );
    let mut loaded = Loaded {
        password: password.clone(),
        ..Loaded::default()
    };

    let account = |id: i64, email: String, name: String, role: account::Role| account::ActiveModel {
        id: Set(id),
        email: Set(email),
        display_name: Set(name),
        role: Set(role),
        status: Set(account::Status::Active),
        password_hash: Set(hash.clone()),
        password_changed_at: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };

    // Explicit ids (sequences are moved past them at the end, on PostgreSQL).
    let mut next_account: i64 = account::Entity::find()
        .order_by_desc(account::Column::Id)
        .one(db)
        .await?
        .map_or(0, |a| a.id)
        + 1;
    let mut take_id = || {
        let id = next_account;
        next_account += 1;
        id
    };
    let txn = db.begin().await?;
    // Coordinators (they enrol their second factor at first sign-in).
    let coordinators = vec![
        account(
            take_id(),
            "coordinator@demo.frontline.example".into(),
            "Camille Coordinator".into(),
            account::Role::Coordinator,
        ),
        account(
            take_id(),
            "coordinator2@demo.frontline.example".into(),
            "Idris Coordinator".into(),
            account::Role::Coordinator,
        ),
    ];
    loaded.coordinators = coordinators.len();
    insert_chunks(&txn, coordinators, 100).await?;

    // Organisations and their members.
    let mut orgs = Vec::new();
    let mut members = Vec::new();
    let mut org_places = Vec::new();
    let mut member_accounts = Vec::new();
    for i in 0..size.organisations {
        let (country, cities, lang) = *rng.pick(&PLACES);
        let city = *rng.pick(cities);
        let (kind, name) = match (rng.below(5), lang) {
            (0, "fr") => (organisation::Kind::Hospital, format!("Hôpital général de {city}")),
            (0, "es") => (
                organisation::Kind::Hospital,
                format!("Hospital General de {city}"),
            ),
            (0, "pt") => (organisation::Kind::Hospital, format!("Hospital Geral de {city}")),
            (0, _) => (organisation::Kind::Hospital, format!("{city} General Hospital")),
            (1, "fr") => (
                organisation::Kind::Clinic,
                format!("Centre de santé {}", rng.pick(&LAST_NAMES)),
            ),
            (1, "es" | "pt") => (
                organisation::Kind::Clinic,
                format!("Clínica {}", rng.pick(&LAST_NAMES)),
            ),
            (1, _) => (
                organisation::Kind::Clinic,
                format!("{} Community Clinic", rng.pick(&LAST_NAMES)),
            ),
            (2, _) => (
                organisation::Kind::Laboratory,
                format!("{city} Medical Laboratory"),
            ),
            (3, _) => (organisation::Kind::HealthNgo, format!("Health for All {city}")),
            _ => (
                organisation::Kind::Hospital,
                format!("{city} Children's Hospital"),
            ),
        };
        let name = format!("{name} #{}", i + 1);
        let status = match rng.below(100) {
            0..=77 => VettingStatus::Approved,
            78..=93 => VettingStatus::Pending,
            94..=97 => VettingStatus::Rejected,
            _ => VettingStatus::Suspended,
        };
        // The first organisation (member1.1's, whom the README names) is approved.
        let status = if i == 0 { VettingStatus::Approved } else { status };
        let created = now - Duration::days(i64::try_from(rng.below(400)).unwrap_or(0) + 5);
        let languages = if lang == "en" {
            "en".to_owned()
        } else {
            format!("{lang},en")
        };
        orgs.push(organisation::ActiveModel {
            id: Set(i64::try_from(i).unwrap_or(0) + 1),
            name: Set(name),
            kind: Set(kind),
            country_iso2: Set(country.to_owned()),
            city: Set(city.to_owned()),
            size: Set(*rng.pick(&[
                organisation::Size::Under50,
                organisation::Size::From50,
                organisation::Size::From250,
                organisation::Size::From1000,
            ])),
            languages: Set(languages),
            website: Set(format!("https://org{}.demo.frontline.example", i + 1)),
            contact_name: Set(format!("{} {}", rng.pick(&FIRST_NAMES), rng.pick(&LAST_NAMES))),
            contact_email: Set(format!("it@org{}.demo.frontline.example", i + 1)),
            contact_phone: Set(String::new()),
            status: Set(status),
            vetting_note: Set(String::new()),
            priority_override: Set(None),
            priority_override_reason: Set(None),
            created_at: Set(created),
            updated_at: Set(created),
            approved_at: Set((status == VettingStatus::Approved).then_some(created + Duration::days(2))),
        });
        org_places.push((status, lang));
        let count = 1 + rng.below(3);
        for m in 0..count {
            let first = *rng.pick(&FIRST_NAMES);
            let last = *rng.pick(&LAST_NAMES);
            let id = take_id();
            member_accounts.push(account(
                id,
                format!("member{}.{}@demo.frontline.example", i + 1, m + 1),
                format!("{first} {last}"),
                account::Role::OrganisationMember,
            ));
            members.push((i, id, m == 0));
        }
    }
    loaded.organisations = orgs.len();
    insert_chunks(&txn, orgs, 500).await?;
    insert_chunks(&txn, member_accounts, 500).await?;
    let first_member: HashMap<usize, i64> = members
        .iter()
        .filter(|(_, _, admin)| *admin)
        .map(|(org, id, _)| (*org, *id))
        .collect();
    let member_rows: Vec<organisation_member::ActiveModel> = members
        .iter()
        .map(|(org, id, admin)| organisation_member::ActiveModel {
            account_id: Set(*id),
            organisation_id: Set(i64::try_from(*org).unwrap_or(0) + 1),
            is_admin: Set(*admin),
            joined_at: Set(now),
        })
        .collect();
    loaded.members = member_rows.len();
    insert_chunks(&txn, member_rows, 1000).await?;

    // Needs: in every category and urgency; open ones belong to approved organisations.
    let mut need_rows = Vec::new();
    let mut need_skill_rows = Vec::new();
    let mut demo_needs = Vec::new();
    for n in 0..size.needs {
        let org = rng.below(size.organisations.max(1));
        let (org_status, lang) = org_places[org];
        let category = &categories[n % categories.len()];
        let (titles, summary, confidential) = need_texts(&category.code);
        let urgency = match rng.below(100) {
            0..=9 => need::Urgency::Critical,
            10..=29 => need::Urgency::High,
            30..=79 => need::Urgency::Normal,
            _ => need::Urgency::Low,
        };
        let status = if org_status == VettingStatus::Approved {
            match rng.below(100) {
                0..=59 => need::Status::Open,
                60..=63 => need::Status::Matched,
                64..=69 => need::Status::InProgress,
                70..=77 => need::Status::Submitted,
                78..=85 => need::Status::Draft,
                86..=93 => need::Status::Resolved,
                _ => need::Status::Cancelled,
            }
        } else {
            need::Status::Draft
        };
        let created = now - Duration::days(i64::try_from(rng.below(120)).unwrap_or(0) + 1);
        let authorised = category.requires_authorisation;
        let id = i64::try_from(n).unwrap_or(0) + 1;
        let effort = i32::try_from(4 + rng.below(60)).unwrap_or(8);
        demo_needs.push(DemoNeed {
            id,
            organisation: org,
            status,
            effort,
            created,
        });
        need_rows.push(need::ActiveModel {
            id: Set(id),
            organisation_id: Set(i64::try_from(org).unwrap_or(0) + 1),
            title: Set(rng.pick(titles).to_string()),
            category_id: Set(category.id),
            urgency: Set(urgency),
            effort_hours: Set(effort),
            deadline: Set(None),
            languages: Set(if lang == "en" || rng.chance(40) {
                "en".to_owned()
            } else {
                format!("{lang},en")
            }),
            onsite: Set(rng.chance(15)),
            public_summary: Set(summary.to_owned()),
            confidential_details: Set(confidential.to_owned()),
            status: Set(status),
            authorisation_name: Set(if authorised {
                "Dr. A. Director".into()
            } else {
                String::new()
            }),
            authorisation_role: Set(if authorised {
                "Hospital director".into()
            } else {
                String::new()
            }),
            authorisation_scope: Set(if authorised {
                "Public IP range and patient portal; no denial of service.".into()
            } else {
                String::new()
            }),
            authorisation_date: Set(authorised.then(|| created.date())),
            triage_note: Set(String::new()),
            created_by: Set(*first_member.get(&org).unwrap_or(&1)),
            created_at: Set(created),
            updated_at: Set(created),
            submitted_at: Set((status != need::Status::Draft).then_some(created)),
            opened_at: Set(matches!(
                status,
                need::Status::Open
                    | need::Status::Matched
                    | need::Status::InProgress
                    | need::Status::Resolved
            )
            .then_some(created + Duration::hours(6))),
        });
        // Two to four skills: mostly from the category, sometimes another.
        let own: Vec<&skill::Model> = skills.iter().filter(|s| s.category_id == category.id).collect();
        let mut chosen: Vec<i64> = Vec::new();
        for k in 0..2 + rng.below(3) {
            let s = if k > 0 && rng.chance(25) || own.is_empty() {
                rng.pick(&skills).id
            } else {
                rng.pick(&own).id
            };
            if !chosen.contains(&s) {
                chosen.push(s);
                need_skill_rows.push(need_skill::ActiveModel {
                    need_id: Set(id),
                    skill_id: Set(s),
                    min_level: Set(i16::try_from(1 + rng.below(3)).unwrap_or(2)),
                    weight: Set(match (k, rng.below(3)) {
                        (0, _) | (_, 0) => need_skill::Weight::Must,
                        (_, 1) => need_skill::Weight::Should,
                        _ => need_skill::Weight::Nice,
                    }),
                });
            }
        }
    }
    loaded.needs = need_rows.len();
    insert_chunks(&txn, need_rows, 500).await?;
    insert_chunks(&txn, need_skill_rows, 2000).await?;
    txn.commit().await?;

    // Volunteers, in batches of their own transactions.
    let total_weight: u64 = VOLUNTEER_COUNTRIES.iter().map(|c| c.2).sum();
    let batch = 10_000;
    let mut v = 0;
    let mut approved = Vec::new();
    while v < size.volunteers {
        let end = (v + batch).min(size.volunteers);
        let txn = db.begin().await?;
        let mut accounts = Vec::new();
        let mut profiles = Vec::new();
        let mut vskills = Vec::new();
        for i in v..end {
            let mut roll = rng.next() % total_weight;
            let (country, lang, _) = *VOLUNTEER_COUNTRIES
                .iter()
                .find(|c| {
                    if roll < c.2 {
                        true
                    } else {
                        roll -= c.2;
                        false
                    }
                })
                .unwrap_or(&VOLUNTEER_COUNTRIES[0]);
            let first = *rng.pick(&FIRST_NAMES);
            let last = *rng.pick(&LAST_NAMES);
            let id = take_id();
            accounts.push(account(
                id,
                format!("volunteer{}@demo.frontline.example", i + 1),
                format!("{first} {last}"),
                account::Role::Volunteer,
            ));
            let mut languages = vec![lang.to_owned()];
            if lang != "en" && rng.chance(80) {
                languages.push("en".into());
            }
            if rng.chance(20) {
                let extra = *rng.pick(&["fr", "es", "pt", "ar", "sw"]);
                if !languages.iter().any(|l| l == extra) {
                    languages.push(extra.into());
                }
            }
            let status = match rng.below(100) {
                0..=84 => VettingStatus::Approved,
                85..=95 => VettingStatus::Pending,
                96..=97 => VettingStatus::Rejected,
                _ => VettingStatus::Suspended,
            };
            // The accounts the README names are approved, speak English and
            // French, and hold every skill (added below), so a newcomer signed in
            // as one of them sees open needs and needs that fit. The draws above
            // still happen: the rest of the data set stays as the seed makes it.
            let showcase = i < SHOWCASE_VOLUNTEERS;
            let status = if showcase { VettingStatus::Approved } else { status };
            if showcase {
                for lang in ["en", "fr"] {
                    if !languages.iter().any(|l| l == lang) {
                        languages.push(lang.into());
                    }
                }
            }
            let created = now - Duration::days(i64::try_from(rng.below(500)).unwrap_or(0) + 1);
            let region_known = countries.contains_key(country);
            let hours_per_week = i16::try_from(2 + rng.skewed(12, 1.8)).unwrap_or(4);
            let max_concurrent = i16::try_from(1 + rng.skewed(3, 2.0)).unwrap_or(1);
            if status == VettingStatus::Approved {
                approved.push(Capacity {
                    id,
                    slots: max_concurrent,
                    hours: hours_per_week,
                });
            }
            profiles.push(volunteer::ActiveModel {
                account_id: Set(id),
                ecsf_role_id: Set(roles.get(rng.below(roles.len() + 3)).map(|r| r.id)),
                country_iso2: Set(if region_known {
                    country.to_owned()
                } else {
                    "FR".to_owned()
                }),
                utc_offset_minutes: Set(utc_offset(country)),
                hours_per_week: Set(hours_per_week),
                max_concurrent: Set(max_concurrent),
                onsite_scope: Set((*rng.pick(&[
                    "remote_only",
                    "remote_only",
                    "own_country",
                    "sub_region",
                    "region",
                ]))
                .to_owned()),
                languages: Set(languages.join(",")),
                certifications: Set((*rng.pick(&[
                    "",
                    "",
                    "CISSP",
                    "OSCP",
                    "CISM",
                    "GCIH",
                    "ISO 27001 Lead Auditor",
                    "CEH",
                ]))
                .to_owned()),
                employer: Set((*rng.pick(&EMPLOYERS)).to_owned()),
                bio: Set(String::new()),
                status: Set(status),
                vetting_note: Set(String::new()),
                coc_version: Set(app::domain::volunteer::CODE_OF_CONDUCT_VERSION),
                coc_accepted_at: Set(Some(created)),
                active_engagements: Set(0),
                committed_hours: Set(0),
                created_at: Set(created),
                updated_at: Set(created),
                approved_at: Set((status == VettingStatus::Approved).then_some(created + Duration::days(1))),
            });
            // 4–10 skills, common ones common (skewed towards the start of the list).
            let mut held: Vec<i64> = Vec::new();
            for _ in 0..4 + rng.below(7) {
                let s = skills[rng.skewed(skills.len(), 2.2)].id;
                if !held.contains(&s) {
                    held.push(s);
                    vskills.push(volunteer_skill::ActiveModel {
                        account_id: Set(id),
                        skill_id: Set(s),
                        level: Set(i16::try_from(1 + rng.skewed(4, 1.3)).unwrap_or(2)),
                    });
                }
            }
            if showcase {
                for s in &skills {
                    if !held.contains(&s.id) {
                        vskills.push(volunteer_skill::ActiveModel {
                            account_id: Set(id),
                            skill_id: Set(s.id),
                            level: Set(3),
                        });
                    }
                }
            }
        }
        insert_chunks(&txn, accounts, 1000).await?;
        insert_chunks(&txn, profiles, 1000).await?;
        insert_chunks(&txn, vskills, 5000).await?;
        txn.commit().await?;
        loaded.volunteers += end - v;
        v = end;
    }
    loaded.engagements = engagements(db, &mut rng, now, &demo_needs, &first_member, &mut approved).await?;
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        for table in [
            "account",
            "organisation",
            "need",
            "engagement",
            "message",
            "hours_log",
        ] {
            db.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            ))
            .await?;
        }
    }
    Ok(loaded)
}

/// `volunteer1` and `volunteer2`, whom the README names: approved, with every skill.
const SHOWCASE_VOLUNTEERS: usize = 2;

/// A need as the engagement generator needs it.
struct DemoNeed {
    id: i64,
    organisation: usize,
    status: need::Status,
    effort: i32,
    created: OffsetDateTime,
}

/// An approved volunteer's capacity left.
struct Capacity {
    id: i64,
    slots: i16,
    hours: i16,
}

const MESSAGES: [(&str, bool); 6] = [
    (
        "Hello! Thank you for taking this on. When could we have a first call?",
        false,
    ),
    (
        "Hello, happy to help. Tuesday or Wednesday afternoon (UTC) works for me.",
        true,
    ),
    ("Wednesday 14:00 UTC then. Our IT lead will join.", false),
    (
        "I have reviewed what you sent. First findings and next steps are below.",
        true,
    ),
    (
        "Thank you, this is very clear. We will apply the changes this week.",
        false,
    ),
    ("Great. I will check again once the changes are in.", true),
];

/// Engagements for the needs under way, with messages and hours; proposals for
/// some open needs. Volunteers' held capacity is set from the live ones.
async fn engagements(
    db: &DatabaseConnection,
    rng: &mut Rng,
    now: OffsetDateTime,
    needs: &[DemoNeed],
    members: &HashMap<usize, i64>,
    volunteers: &mut [Capacity],
) -> anyhow::Result<usize> {
    if volunteers.is_empty() {
        return Ok(0);
    }
    let mut rows = Vec::new();
    let mut messages = Vec::new();
    let mut hours = Vec::new();
    let mut next_id: i64 = 1;
    for n in needs {
        let (status, holds) = match n.status {
            need::Status::Matched | need::Status::InProgress => (engagement::Status::Active, true),
            need::Status::Resolved => (engagement::Status::Completed, false),
            need::Status::Open if rng.chance(30) => (engagement::Status::Proposed, false),
            _ => continue,
        };
        let weekly = app::domain::engagement::weekly_hours(n.effort, None);
        // A volunteer with room left (a few tries; else the need stays as it is).
        let mut chosen = None;
        for _ in 0..20 {
            let i = rng.below(volunteers.len());
            let v = &volunteers[i];
            if !holds || (v.slots > 0 && v.hours >= weekly) {
                chosen = Some(i);
                break;
            }
        }
        let Some(i) = chosen else { continue };
        if holds {
            volunteers[i].slots -= 1;
            volunteers[i].hours -= weekly;
        }
        let volunteer = volunteers[i].id;
        let id = next_id;
        next_id += 1;
        let started = n.created + Duration::days(2);
        let finished = status == engagement::Status::Completed;
        rows.push(engagement::ActiveModel {
            id: Set(id),
            need_id: Set(n.id),
            volunteer_id: Set(volunteer),
            status: Set(status),
            proposed_by: Set(Some(1)),
            proposer_kind: Set(engagement::ProposerKind::Coordinator),
            reason: Set("Skills and languages match; available this month.".into()),
            weekly_hours: Set(weekly),
            holds_capacity: Set(holds),
            expires_at: Set((status == engagement::Status::Proposed).then_some(now + Duration::hours(48))),
            organisation_rating: Set(finished.then(|| i16::try_from(3 + rng.below(3)).unwrap_or(5))),
            organisation_comment: Set(finished.then(|| "Clear advice, patient with our team.".to_owned())),
            volunteer_rating: Set(finished.then(|| i16::try_from(3 + rng.below(3)).unwrap_or(5))),
            volunteer_comment: Set(finished.then(|| "Well-prepared team, quick to act.".to_owned())),
            created_at: Set(n.created + Duration::days(1)),
            updated_at: Set(if finished {
                started + Duration::days(20)
            } else {
                started
            }),
            accepted_at: Set((status != engagement::Status::Proposed).then_some(started)),
            confirmed_at: Set((status != engagement::Status::Proposed).then_some(started)),
            finished_at: Set(finished.then_some(started + Duration::days(20))),
            ..Default::default()
        });
        if status == engagement::Status::Proposed || n.status == need::Status::Matched {
            continue;
        }
        let author = *members.get(&n.organisation).unwrap_or(&1);
        let count = if finished {
            MESSAGES.len()
        } else {
            2 + rng.below(3)
        };
        for (k, (body, by_volunteer)) in MESSAGES.iter().take(count).enumerate() {
            let k = i64::try_from(k).unwrap_or(0);
            messages.push(message::ActiveModel {
                engagement_id: Set(id),
                author_id: Set(if *by_volunteer { volunteer } else { author }),
                body: Set((*body).to_owned()),
                created_at: Set(started + Duration::hours(5 * k + 1)),
                ..Default::default()
            });
        }
        for d in 0..1 + rng.below(4) {
            let d = i64::try_from(d).unwrap_or(0);
            hours.push(hours_log::ActiveModel {
                engagement_id: Set(id),
                logged_on: Set((started + Duration::days(2 * d + 1)).date()),
                minutes: Set(i32::try_from(30 * (1 + rng.below(6))).unwrap_or(60)),
                note: Set(String::new()),
                created_at: Set(started + Duration::days(2 * d + 1)),
                ..Default::default()
            });
        }
    }
    let count = rows.len();
    let txn = db.begin().await?;
    insert_chunks(&txn, rows, 1000).await?;
    insert_chunks(&txn, messages, 2000).await?;
    insert_chunks(&txn, hours, 2000).await?;
    txn.execute_unprepared(
        "UPDATE volunteer SET \
         active_engagements = (SELECT COUNT(*) FROM engagement e \
             WHERE e.volunteer_id = volunteer.account_id AND e.holds_capacity), \
         committed_hours = (SELECT COALESCE(SUM(e.weekly_hours), 0) FROM engagement e \
             WHERE e.volunteer_id = volunteer.account_id AND e.holds_capacity) \
         WHERE account_id IN (SELECT volunteer_id FROM engagement WHERE holds_capacity)",
    )
    .await?;
    txn.commit().await?;
    Ok(count)
}
