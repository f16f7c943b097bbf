//! The words of the demo: places, names, employers, needs' texts, messages.

/// (country, cities, main language) for organisations: every income group and region.
pub(super) const PLACES: [(&str, &[&str], &str); 36] = [
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
pub(super) const VOLUNTEER_COUNTRIES: [(&str, &str, u64); 24] = [
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

pub(super) const FIRST_NAMES: [&str; 40] = [
    "Amina", "Jean", "Chidi", "Fatou", "Lucía", "Mateus", "Priya", "Arjun", "Sofia", "Omar", "Lena", "Kwame",
    "Mei", "Hugo", "Ana", "Yusuf", "Grace", "Tomás", "Aïcha", "Ivan", "Nadia", "Samuel", "Elif", "Diego",
    "Zara", "Kofi", "Marta", "Ravi", "Hana", "Pierre", "Olga", "Emeka", "Laila", "João", "Sara", "Bilal",
    "Chloé", "Ngozi", "Felipe", "Anika",
];
pub(super) const LAST_NAMES: [&str; 40] = [
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
pub(super) const EMPLOYERS: [&str; 12] = [
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
pub(super) fn need_texts(category: &str) -> (&'static [&'static str], &'static str, &'static str) {
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
pub(super) fn utc_offset(country: &str) -> i16 {
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

/// An engagement's thread: what is said, and whether the volunteer says it.
pub(super) const MESSAGES: [(&str, bool); 6] = [
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
