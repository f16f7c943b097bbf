//! Organisations and their members, invitations, needs with their required
//! skills, and volunteer profiles with their skills.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Id,
    Name,
    Kind,
    CountryIso2,
    City,
    Size,
    Languages,
    Website,
    ContactName,
    ContactEmail,
    ContactPhone,
    Status,
    VettingNote,
    PriorityOverride,
    PriorityOverrideReason,
    CreatedAt,
    UpdatedAt,
    ApprovedAt,
}

#[derive(DeriveIden)]
enum OrganisationMember {
    Table,
    AccountId,
    OrganisationId,
    IsAdmin,
    JoinedAt,
}

#[derive(DeriveIden)]
enum Invitation {
    Table,
    Id,
    OrganisationId,
    TokenHash,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    UsedAt,
    UsedBy,
}

#[derive(DeriveIden)]
enum Need {
    Table,
    Id,
    OrganisationId,
    Title,
    CategoryId,
    Urgency,
    EffortHours,
    Deadline,
    Languages,
    Onsite,
    PublicSummary,
    ConfidentialDetails,
    Status,
    AuthorisationName,
    AuthorisationRole,
    AuthorisationScope,
    AuthorisationDate,
    TriageNote,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    SubmittedAt,
    OpenedAt,
}

#[derive(DeriveIden)]
enum NeedSkill {
    Table,
    NeedId,
    SkillId,
    MinLevel,
    Weight,
}

#[derive(DeriveIden)]
enum Volunteer {
    Table,
    AccountId,
    EcsfRoleId,
    CountryIso2,
    UtcOffsetMinutes,
    HoursPerWeek,
    MaxConcurrent,
    OnsiteScope,
    Languages,
    Certifications,
    Employer,
    Bio,
    Status,
    VettingNote,
    CocVersion,
    CocAcceptedAt,
    ActiveEngagements,
    CommittedHours,
    CreatedAt,
    UpdatedAt,
    ApprovedAt,
}

#[derive(DeriveIden)]
enum VolunteerSkill {
    Table,
    AccountId,
    SkillId,
    Level,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Country {
    Table,
    Iso2,
}

#[derive(DeriveIden)]
enum NeedCategory {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Skill {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum EcsfRole {
    Table,
    Id,
}

const VETTING: &str = "'pending', 'approved', 'rejected', 'suspended'";

fn check(column: &str, allowed: &str) -> SimpleExpr {
    Expr::cust(format!("{column} IN ({allowed})"))
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
                    .table(Organisation::Table)
                    .col(big_pk_auto(Organisation::Id))
                    .col(string_len(Organisation::Name, 200))
                    .col(string_len(Organisation::Kind, 24).check(check(
                        "kind",
                        "'hospital', 'clinic', 'laboratory', 'health_ngo', 'other'",
                    )))
                    .col(char_len(Organisation::CountryIso2, 2))
                    .col(string_len(Organisation::City, 100))
                    .col(
                        string_len(Organisation::Size, 16)
                            .check(check("size", "'under_50', 'from_50', 'from_250', 'from_1000'")),
                    )
                    .col(string_len(Organisation::Languages, 200))
                    .col(string_len(Organisation::Website, 300))
                    .col(string_len(Organisation::ContactName, 100))
                    .col(string_len(Organisation::ContactEmail, 254))
                    .col(string_len(Organisation::ContactPhone, 40))
                    .col(string_len(Organisation::Status, 16).check(check("status", VETTING)))
                    .col(text(Organisation::VettingNote))
                    .col(
                        small_integer_null(Organisation::PriorityOverride)
                            .check(Expr::cust("priority_override BETWEEN 0 AND 3")),
                    )
                    .col(text_null(Organisation::PriorityOverrideReason))
                    .col(timestamp_with_time_zone(Organisation::CreatedAt))
                    .col(timestamp_with_time_zone(Organisation::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Organisation::ApprovedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Organisation::Table, Organisation::CountryIso2)
                            .to(Country::Table, Country::Iso2)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(OrganisationMember::Table)
                    .col(big_integer(OrganisationMember::AccountId).primary_key())
                    .col(big_integer(OrganisationMember::OrganisationId))
                    .col(boolean(OrganisationMember::IsAdmin))
                    .col(timestamp_with_time_zone(OrganisationMember::JoinedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OrganisationMember::Table, OrganisationMember::AccountId)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(OrganisationMember::Table, OrganisationMember::OrganisationId)
                            .to(Organisation::Table, Organisation::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Invitation::Table)
                    .col(big_pk_auto(Invitation::Id))
                    .col(big_integer(Invitation::OrganisationId))
                    .col(string_len_uniq(Invitation::TokenHash, 64))
                    .col(big_integer(Invitation::CreatedBy))
                    .col(timestamp_with_time_zone(Invitation::CreatedAt))
                    .col(timestamp_with_time_zone(Invitation::ExpiresAt))
                    .col(timestamp_with_time_zone_null(Invitation::UsedAt))
                    .col(big_integer_null(Invitation::UsedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Invitation::Table, Invitation::OrganisationId)
                            .to(Organisation::Table, Organisation::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Invitation::Table, Invitation::CreatedBy)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Need::Table)
                    .col(big_pk_auto(Need::Id))
                    .col(big_integer(Need::OrganisationId))
                    .col(string_len(Need::Title, 200))
                    .col(big_integer(Need::CategoryId))
                    .col(
                        string_len(Need::Urgency, 16)
                            .check(check("urgency", "'critical', 'high', 'normal', 'low'")),
                    )
                    .col(integer(Need::EffortHours).check(Expr::cust("effort_hours BETWEEN 1 AND 2000")))
                    .col(date_null(Need::Deadline))
                    .col(string_len(Need::Languages, 200))
                    .col(boolean(Need::Onsite))
                    .col(text(Need::PublicSummary))
                    .col(text(Need::ConfidentialDetails))
                    .col(string_len(Need::Status, 16).check(check(
                        "status",
                        "'draft', 'submitted', 'open', 'matched', 'in_progress', 'resolved', 'closed', 'cancelled'",
                    )))
                    .col(string_len(Need::AuthorisationName, 100))
                    .col(string_len(Need::AuthorisationRole, 100))
                    .col(text(Need::AuthorisationScope))
                    .col(date_null(Need::AuthorisationDate))
                    .col(text(Need::TriageNote))
                    .col(big_integer(Need::CreatedBy))
                    .col(timestamp_with_time_zone(Need::CreatedAt))
                    .col(timestamp_with_time_zone(Need::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Need::SubmittedAt))
                    .col(timestamp_with_time_zone_null(Need::OpenedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Need::Table, Need::OrganisationId)
                            .to(Organisation::Table, Organisation::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Need::Table, Need::CategoryId)
                            .to(NeedCategory::Table, NeedCategory::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Need::Table, Need::CreatedBy)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(NeedSkill::Table)
                    .col(big_integer(NeedSkill::NeedId))
                    .col(big_integer(NeedSkill::SkillId))
                    .col(small_integer(NeedSkill::MinLevel).check(Expr::cust("min_level BETWEEN 1 AND 4")))
                    .col(string_len(NeedSkill::Weight, 8).check(check("weight", "'must', 'should', 'nice'")))
                    .primary_key(Index::create().col(NeedSkill::NeedId).col(NeedSkill::SkillId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(NeedSkill::Table, NeedSkill::NeedId)
                            .to(Need::Table, Need::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(NeedSkill::Table, NeedSkill::SkillId)
                            .to(Skill::Table, Skill::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Volunteer::Table)
                    .col(big_integer(Volunteer::AccountId).primary_key())
                    .col(big_integer_null(Volunteer::EcsfRoleId))
                    .col(char_len(Volunteer::CountryIso2, 2))
                    .col(
                        small_integer(Volunteer::UtcOffsetMinutes)
                            .check(Expr::cust("utc_offset_minutes BETWEEN -720 AND 840")),
                    )
                    .col(
                        small_integer(Volunteer::HoursPerWeek)
                            .check(Expr::cust("hours_per_week BETWEEN 1 AND 60")),
                    )
                    .col(
                        small_integer(Volunteer::MaxConcurrent)
                            .check(Expr::cust("max_concurrent BETWEEN 1 AND 10")),
                    )
                    .col(string_len(Volunteer::OnsiteScope, 16).check(check(
                        "onsite_scope",
                        "'remote_only', 'own_country', 'sub_region', 'region'",
                    )))
                    .col(string_len(Volunteer::Languages, 200))
                    .col(text(Volunteer::Certifications))
                    .col(string_len(Volunteer::Employer, 200))
                    .col(text(Volunteer::Bio))
                    .col(string_len(Volunteer::Status, 16).check(check("status", VETTING)))
                    .col(text(Volunteer::VettingNote))
                    .col(integer(Volunteer::CocVersion))
                    .col(timestamp_with_time_zone_null(Volunteer::CocAcceptedAt))
                    .col(small_integer(Volunteer::ActiveEngagements).default(0))
                    .col(small_integer(Volunteer::CommittedHours).default(0))
                    .col(timestamp_with_time_zone(Volunteer::CreatedAt))
                    .col(timestamp_with_time_zone(Volunteer::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Volunteer::ApprovedAt))
                    // Capacity can never be overbooked, whatever the code does.
                    .check(Expr::cust(
                        "active_engagements >= 0 AND active_engagements <= max_concurrent \
                         AND committed_hours >= 0 AND committed_hours <= hours_per_week",
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Volunteer::Table, Volunteer::AccountId)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Volunteer::Table, Volunteer::CountryIso2)
                            .to(Country::Table, Country::Iso2)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Volunteer::Table, Volunteer::EcsfRoleId)
                            .to(EcsfRole::Table, EcsfRole::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(VolunteerSkill::Table)
                    .col(big_integer(VolunteerSkill::AccountId))
                    .col(big_integer(VolunteerSkill::SkillId))
                    .col(small_integer(VolunteerSkill::Level).check(Expr::cust("level BETWEEN 1 AND 4")))
                    .primary_key(
                        Index::create()
                            .col(VolunteerSkill::AccountId)
                            .col(VolunteerSkill::SkillId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(VolunteerSkill::Table, VolunteerSkill::AccountId)
                            .to(Volunteer::Table, Volunteer::AccountId)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(VolunteerSkill::Table, VolunteerSkill::SkillId)
                            .to(Skill::Table, Skill::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;

        for (name, table, columns) in [
            (
                "organisation_status_idx",
                Organisation::Table.into_iden(),
                vec![Organisation::Status.into_iden()],
            ),
            (
                "organisation_country_idx",
                Organisation::Table.into_iden(),
                vec![Organisation::CountryIso2.into_iden()],
            ),
            (
                "organisation_member_org_idx",
                OrganisationMember::Table.into_iden(),
                vec![OrganisationMember::OrganisationId.into_iden()],
            ),
            (
                "need_status_idx",
                Need::Table.into_iden(),
                vec![Need::Status.into_iden()],
            ),
            (
                "need_organisation_idx",
                Need::Table.into_iden(),
                vec![Need::OrganisationId.into_iden(), Need::Status.into_iden()],
            ),
            (
                "need_skill_skill_idx",
                NeedSkill::Table.into_iden(),
                vec![NeedSkill::SkillId.into_iden()],
            ),
            (
                "volunteer_status_idx",
                Volunteer::Table.into_iden(),
                vec![Volunteer::Status.into_iden()],
            ),
            (
                "volunteer_skill_skill_idx",
                VolunteerSkill::Table.into_iden(),
                vec![
                    VolunteerSkill::SkillId.into_iden(),
                    VolunteerSkill::Level.into_iden(),
                ],
            ),
        ] {
            let mut index = Index::create().name(name).table(table).to_owned();
            for column in columns {
                index.col(column);
            }
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            VolunteerSkill::Table.into_iden(),
            Volunteer::Table.into_iden(),
            NeedSkill::Table.into_iden(),
            Need::Table.into_iden(),
            Invitation::Table.into_iden(),
            OrganisationMember::Table.into_iden(),
            Organisation::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
