//! The organisation form, for registering and for editing.

use crate::{
    components::{
        choices::LanguageChoice,
        form::{Check, Field, FormAlert, Kind, SelectField, Submit},
    },
    domain::{
        codes::{OrganisationKind, OrganisationSize},
        organisation::OrganisationInput,
        reference::Catalogue,
    },
    error::AppError,
    i18n::{t_string, use_i18n},
    validate,
};
use leptos::prelude::*;

/// The translated name of an organisation kind.
pub fn kind_name(kind: OrganisationKind) -> String {
    let i18n = use_i18n();
    match kind {
        OrganisationKind::Hospital => t_string!(i18n, org_kinds.hospital),
        OrganisationKind::Clinic => t_string!(i18n, org_kinds.clinic),
        OrganisationKind::Laboratory => t_string!(i18n, org_kinds.laboratory),
        OrganisationKind::HealthNgo => t_string!(i18n, org_kinds.health_ngo),
        OrganisationKind::Other => t_string!(i18n, org_kinds.other),
    }
    .to_string()
}

/// The translated name of a size band.
pub fn size_name(size: OrganisationSize) -> String {
    let i18n = use_i18n();
    match size {
        OrganisationSize::Under50 => t_string!(i18n, org_sizes.under_50),
        OrganisationSize::From50 => t_string!(i18n, org_sizes.from_50),
        OrganisationSize::From250 => t_string!(i18n, org_sizes.from_250),
        OrganisationSize::From1000 => t_string!(i18n, org_sizes.from_1000),
    }
    .to_string()
}

/// The fields of the organisation form (inside the caller's `ActionForm`).
#[component]
pub fn OrganisationFields(
    /// Countries and more.
    catalogue: Catalogue,
    /// Current values.
    input: OrganisationInput,
    /// The server's error.
    #[prop(into)]
    error: Signal<Option<AppError>>,
    /// The submit button's label.
    #[prop(into)]
    submit: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let countries = crate::names::country_options(catalogue.countries.iter().map(|c| c.iso2.as_str()));
    let kinds = OrganisationKind::ALL
        .iter()
        .map(|k| (k.code().to_owned(), kind_name(*k)))
        .collect();
    let sizes = OrganisationSize::ALL
        .iter()
        .map(|s| (s.code().to_owned(), size_name(*s)))
        .collect();
    let checked: Vec<String> = input.languages.keys().cloned().collect();
    view! {
        <FormAlert error />
        <Field name="name" prefix="input" label=t_string!(i18n, org.name).to_string() value=Some(input.name)
            required=true maxlength=200 server_error=error />
        <SelectField name="kind" prefix="input" label=t_string!(i18n, org.kind).to_string() options=kinds
            placeholder=t_string!(i18n, fields.choose).to_string() value=Some(input.kind) required=true server_error=error />
        <SelectField name="country" prefix="input" label=t_string!(i18n, org.country).to_string() options=countries
            placeholder=t_string!(i18n, fields.choose).to_string() value=Some(input.country) required=true server_error=error />
        <Field name="city" prefix="input" label=t_string!(i18n, org.city).to_string() value=Some(input.city)
            required=true maxlength=100 server_error=error />
        <SelectField name="size" prefix="input" label=t_string!(i18n, org.size).to_string() options=sizes
            placeholder=t_string!(i18n, fields.choose).to_string() value=Some(input.size) required=true server_error=error />
        <LanguageChoice prefix="input" legend=t_string!(i18n, org.languages).to_string() checked server_error=error />
        <Field name="website" prefix="input" label=t_string!(i18n, org.website).to_string() value=Some(input.website)
            maxlength=300 server_error=error validate=Check::Website />
        <Field name="contact_name" prefix="input" label=t_string!(i18n, org.contact_name).to_string()
            value=Some(input.contact_name) required=true maxlength=100 server_error=error />
        <Field name="contact_email" prefix="input" kind=Kind::Email label=t_string!(i18n, org.contact_email).to_string()
            value=Some(input.contact_email) required=true maxlength=validate::EMAIL_MAX server_error=error
            validate=Check::Email />
        <Field name="contact_phone" prefix="input" label=t_string!(i18n, org.contact_phone).to_string()
            value=Some(input.contact_phone) maxlength=40 server_error=error />
        <Submit label=submit />
    }
}
