//! Reference data owned by the project: countries (ISO 3166 codes, UN M49 regions,
//! World Bank FY2025 income groups), the need categories, the ENISA ECSF role
//! profiles and the skill taxonomy.
//!
//! The rows are seeded here, from files that are part of this migration
//! (`migration/data/countries.csv`, built by `make_countries.py`), so the meaning
//! of this migration never changes; later corrections come as new migrations.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Country {
    Table,
    Iso2,
    Iso3,
    Numeric,
    Name,
    Region,
    SubRegion,
    IntermediateRegion,
    IncomeGroup,
    Ldc,
    Lldc,
    Sids,
    Languages,
}

#[derive(DeriveIden)]
enum NeedCategory {
    Table,
    Id,
    Code,
    Name,
    RequiresAuthorisation,
    SortOrder,
    RetiredAt,
}

#[derive(DeriveIden)]
enum EcsfRole {
    Table,
    Id,
    Code,
    Name,
}

#[derive(DeriveIden)]
enum Skill {
    Table,
    Id,
    Code,
    Name,
    CategoryId,
    RetiredAt,
}

const COUNTRIES: &str = include_str!("../data/countries.csv");

/// (code, name, requires written authorisation)
const CATEGORIES: [(&str, &str, bool); 13] = [
    ("awareness", "Awareness and phishing training", false),
    ("email_security", "Email security (SPF, DKIM, DMARC)", false),
    ("access", "MFA and access management", false),
    ("endpoints", "Endpoint protection and patching", false),
    ("asset_inventory", "Asset inventory", false),
    ("backup_ransomware", "Backup and ransomware readiness", false),
    ("network", "Network and remote access hardening", false),
    (
        "vulnerability_assessment",
        "Vulnerability assessment and penetration testing",
        true,
    ),
    (
        "incident_response",
        "Incident response (plan or live incident)",
        false,
    ),
    ("medical_devices", "Medical device security", false),
    ("compliance", "Policy and compliance (HIPAA, GDPR)", false),
    ("data_protection", "Data protection", false),
    ("cloud", "Cloud configuration", false),
];

/// The twelve role profiles of the ENISA European Cybersecurity Skills Framework.
const ECSF_ROLES: [(&str, &str); 12] = [
    ("ciso", "Chief Information Security Officer (CISO)"),
    ("incident_responder", "Cyber Incident Responder"),
    ("legal_compliance", "Cyber Legal, Policy and Compliance Officer"),
    ("threat_intelligence", "Cyber Threat Intelligence Specialist"),
    ("architect", "Cybersecurity Architect"),
    ("auditor", "Cybersecurity Auditor"),
    ("educator", "Cybersecurity Educator"),
    ("implementer", "Cybersecurity Implementer"),
    ("researcher", "Cybersecurity Researcher"),
    ("risk_manager", "Cybersecurity Risk Manager"),
    ("forensics", "Digital Forensics Investigator"),
    ("penetration_tester", "Penetration Tester"),
];

/// (code, name, category code)
const SKILLS: [(&str, &str, &str); 56] = [
    (
        "phishing_simulation",
        "Phishing simulation campaigns",
        "awareness",
    ),
    (
        "awareness_training",
        "Security awareness training for clinical staff",
        "awareness",
    ),
    ("social_engineering", "Social engineering defence", "awareness"),
    ("dmarc", "SPF, DKIM and DMARC configuration", "email_security"),
    (
        "email_gateway",
        "Email gateway and spam filtering",
        "email_security",
    ),
    (
        "m365_email",
        "Microsoft 365 / Exchange Online protection",
        "email_security",
    ),
    ("google_workspace", "Google Workspace security", "email_security"),
    ("m365_mfa", "Microsoft 365 MFA rollout", "access"),
    (
        "identity",
        "Identity management (Active Directory, Entra ID)",
        "access",
    ),
    ("privileged_access", "Privileged access management", "access"),
    ("sso", "Single sign-on configuration", "access"),
    (
        "password_management",
        "Password policy and password managers",
        "access",
    ),
    (
        "windows_patching",
        "Windows patch management (WSUS, Intune)",
        "endpoints",
    ),
    (
        "linux_hardening",
        "Linux server hardening and patching",
        "endpoints",
    ),
    (
        "edr",
        "Endpoint detection and response (EDR) deployment",
        "endpoints",
    ),
    ("antimalware", "Anti-malware management", "endpoints"),
    ("mdm", "Mobile device management", "endpoints"),
    (
        "asset_discovery",
        "IT asset inventory and discovery",
        "asset_inventory",
    ),
    ("network_mapping", "Network mapping", "asset_inventory"),
    (
        "software_inventory",
        "Software inventory and end-of-life tracking",
        "asset_inventory",
    ),
    (
        "backup_design",
        "Backup design (3-2-1, offline, immutable)",
        "backup_ransomware",
    ),
    ("restore_testing", "Backup restore testing", "backup_ransomware"),
    (
        "ransomware_tabletop",
        "Ransomware tabletop exercise",
        "backup_ransomware",
    ),
    (
        "business_continuity",
        "Business continuity planning",
        "backup_ransomware",
    ),
    ("firewall", "Firewall configuration", "network"),
    ("vpn", "VPN and remote access hardening", "network"),
    ("segmentation", "Network segmentation", "network"),
    ("wifi_security", "Wi-Fi security", "network"),
    (
        "rdp_exposure",
        "Reducing exposed RDP and remote services",
        "network",
    ),
    (
        "external_scanning",
        "External vulnerability scanning",
        "vulnerability_assessment",
    ),
    (
        "internal_assessment",
        "Internal vulnerability assessment",
        "vulnerability_assessment",
    ),
    (
        "web_app_testing",
        "Web application security testing",
        "vulnerability_assessment",
    ),
    (
        "penetration_testing",
        "Penetration testing",
        "vulnerability_assessment",
    ),
    (
        "config_review",
        "Configuration review (CIS Benchmarks)",
        "vulnerability_assessment",
    ),
    ("ir_planning", "Incident response planning", "incident_response"),
    ("incident_handling", "Live incident handling", "incident_response"),
    ("digital_forensics", "Digital forensics", "incident_response"),
    ("malware_analysis", "Malware analysis", "incident_response"),
    ("siem", "Log analysis and SIEM", "incident_response"),
    ("threat_intel", "Threat intelligence", "incident_response"),
    (
        "medical_device_security",
        "Medical device security",
        "medical_devices",
    ),
    ("dicom_pacs", "DICOM / PACS security", "medical_devices"),
    ("hl7_fhir", "HL7 and FHIR interface security", "medical_devices"),
    (
        "iomt_isolation",
        "Isolating medical IoT networks",
        "medical_devices",
    ),
    ("hipaa", "HIPAA compliance", "compliance"),
    ("gdpr", "GDPR compliance", "compliance"),
    (
        "iso27001",
        "ISO/IEC 27001 information security management",
        "compliance",
    ),
    (
        "nist_csf",
        "NIST Cybersecurity Framework assessment",
        "compliance",
    ),
    ("policy_writing", "Security policy writing", "compliance"),
    ("risk_assessment", "Risk assessment", "compliance"),
    ("data_classification", "Data classification", "data_protection"),
    (
        "encryption",
        "Encryption at rest and in transit",
        "data_protection",
    ),
    ("database_security", "Database security", "data_protection"),
    (
        "azure_security",
        "Microsoft Azure security configuration",
        "cloud",
    ),
    ("aws_security", "AWS security configuration", "cloud"),
    ("saas_posture", "SaaS security posture review", "cloud"),
];

/// Splits one CSV line (fields may be double-quoted; the file has no escaped quotes).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    fields.push(current);
    fields
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Country::Table)
                    .col(char_len(Country::Iso2, 2).primary_key())
                    .col(char_len_uniq(Country::Iso3, 3))
                    .col(string_len(Country::Numeric, 3))
                    .col(string_len(Country::Name, 100))
                    .col(string_len(Country::Region, 40))
                    .col(string_len(Country::SubRegion, 60))
                    .col(string_len(Country::IntermediateRegion, 60))
                    .col(string_len(Country::IncomeGroup, 16).check(Expr::cust(
                        "income_group IN ('', 'low', 'lower_middle', 'upper_middle', 'high')",
                    )))
                    .col(boolean(Country::Ldc))
                    .col(boolean(Country::Lldc))
                    .col(boolean(Country::Sids))
                    .col(string_len(Country::Languages, 200))
                    .to_owned(),
            )
            .await?;
        let mut insert = Query::insert()
            .into_table(Country::Table)
            .columns([
                Country::Iso2,
                Country::Iso3,
                Country::Numeric,
                Country::Name,
                Country::Region,
                Country::SubRegion,
                Country::IntermediateRegion,
                Country::IncomeGroup,
                Country::Ldc,
                Country::Lldc,
                Country::Sids,
                Country::Languages,
            ])
            .to_owned();
        for line in COUNTRIES.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let f = csv_fields(line);
            if f.len() != 12 {
                return Err(DbErr::Migration(format!("malformed countries.csv line: {line}")));
            }
            insert
                .values([
                    f[0].clone().into(),
                    f[1].clone().into(),
                    f[2].clone().into(),
                    f[3].clone().into(),
                    f[4].clone().into(),
                    f[5].clone().into(),
                    f[6].clone().into(),
                    f[7].clone().into(),
                    (f[8] == "1").into(),
                    (f[9] == "1").into(),
                    (f[10] == "1").into(),
                    f[11].clone().into(),
                ])
                .map_err(|e| DbErr::Migration(e.to_string()))?;
        }
        manager.exec_stmt(insert).await?;

        manager
            .create_table(
                Table::create()
                    .table(NeedCategory::Table)
                    .col(big_pk_auto(NeedCategory::Id))
                    .col(string_len_uniq(NeedCategory::Code, 40))
                    .col(string_len(NeedCategory::Name, 100))
                    .col(boolean(NeedCategory::RequiresAuthorisation))
                    .col(integer(NeedCategory::SortOrder))
                    .col(timestamp_with_time_zone_null(NeedCategory::RetiredAt))
                    .to_owned(),
            )
            .await?;
        let mut insert = Query::insert()
            .into_table(NeedCategory::Table)
            .columns([
                NeedCategory::Code,
                NeedCategory::Name,
                NeedCategory::RequiresAuthorisation,
                NeedCategory::SortOrder,
            ])
            .to_owned();
        for (i, (code, name, authorisation)) in CATEGORIES.iter().enumerate() {
            let order = <i32 as TryFrom<usize>>::try_from(i).unwrap_or(i32::MAX) * 10;
            insert
                .values([
                    (*code).into(),
                    (*name).into(),
                    (*authorisation).into(),
                    order.into(),
                ])
                .map_err(|e| DbErr::Migration(e.to_string()))?;
        }
        manager.exec_stmt(insert).await?;

        manager
            .create_table(
                Table::create()
                    .table(EcsfRole::Table)
                    .col(big_pk_auto(EcsfRole::Id))
                    .col(string_len_uniq(EcsfRole::Code, 40))
                    .col(string_len(EcsfRole::Name, 100))
                    .to_owned(),
            )
            .await?;
        let mut insert = Query::insert()
            .into_table(EcsfRole::Table)
            .columns([EcsfRole::Code, EcsfRole::Name])
            .to_owned();
        for (code, name) in ECSF_ROLES {
            insert
                .values([code.into(), name.into()])
                .map_err(|e| DbErr::Migration(e.to_string()))?;
        }
        manager.exec_stmt(insert).await?;

        manager
            .create_table(
                Table::create()
                    .table(Skill::Table)
                    .col(big_pk_auto(Skill::Id))
                    .col(string_len_uniq(Skill::Code, 40))
                    .col(string_len(Skill::Name, 100))
                    .col(big_integer(Skill::CategoryId))
                    .col(timestamp_with_time_zone_null(Skill::RetiredAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Skill::Table, Skill::CategoryId)
                            .to(NeedCategory::Table, NeedCategory::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        for (code, name, category) in SKILLS {
            let category_id = Query::select()
                .column(NeedCategory::Id)
                .from(NeedCategory::Table)
                .and_where(Expr::col(NeedCategory::Code).eq(category))
                .to_owned();
            let insert = Query::insert()
                .into_table(Skill::Table)
                .columns([Skill::Code, Skill::Name, Skill::CategoryId])
                .select_from(
                    Query::select()
                        .expr(Expr::val(code))
                        .expr(Expr::val(name))
                        .expr(SimpleExpr::SubQuery(
                            None,
                            Box::new(category_id.into_sub_query_statement()),
                        ))
                        .to_owned(),
                )
                .map_err(|e| DbErr::Migration(e.to_string()))?
                .to_owned();
            manager.exec_stmt(insert).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Skill::Table.into_iden(),
            EcsfRole::Table.into_iden(),
            NeedCategory::Table.into_iden(),
            Country::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_country_table_parses() {
        let lines: Vec<Vec<String>> = COUNTRIES.lines().skip(1).map(csv_fields).collect();
        assert!(lines.len() > 240);
        assert!(lines.iter().all(|f| f.len() == 12));
        let france = lines.iter().find(|f| f[0] == "FR").map(|f| f[7].clone());
        assert_eq!(france.as_deref(), Some("high"));
        for group in ["low", "lower_middle", "upper_middle", "high"] {
            assert!(lines.iter().any(|f| f[7] == group), "{group}");
        }
    }

    #[test]
    fn every_skill_names_a_seeded_category() {
        for (_, _, category) in SKILLS {
            assert!(
                CATEGORIES.iter().any(|(code, _, _)| *code == category),
                "{category}"
            );
        }
        assert!((40..=60).contains(&SKILLS.len()));
    }
}
