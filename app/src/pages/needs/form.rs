//! The need form, for drafting and editing.

use crate::{
    components::{
        choices::{LanguageChoice, SkillRequirements},
        form::{Field, FormAlert, GroupError, Kind, SelectField, Submit, TextArea},
    },
    domain::{codes::Urgency, need::NeedInput, reference::Catalogue},
    error::AppError,
    i18n::{t, t_string, use_i18n},
    pages::needs::table::urgency_name,
};
use leptos::prelude::*;

/// The fields of the need form (inside the caller's `ActionForm`).
#[component]
pub fn NeedFields(
    /// Categories and skills.
    catalogue: Catalogue,
    /// Current values.
    input: NeedInput,
    /// The server's error.
    #[prop(into)]
    error: Signal<Option<AppError>>,
    /// The submit button's label.
    #[prop(into)]
    submit: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let current_category: i64 = input.category.parse().unwrap_or_default();
    let categories: Vec<(String, String)> = catalogue
        .categories
        .iter()
        .filter(|c| !c.retired || c.id == current_category)
        .map(|c| {
            let mut label = c.name.clone();
            if c.requires_authorisation {
                label.push_str(" *");
            }
            (c.id.to_string(), label)
        })
        .collect();
    let urgencies = Urgency::ALL
        .iter()
        .map(|u| (u.code().to_owned(), urgency_name(*u)))
        .collect();
    let modes = vec![
        ("remote".to_owned(), t_string!(i18n, needs.remote).to_string()),
        ("onsite".to_owned(), t_string!(i18n, needs.onsite).to_string()),
    ];
    let checked: Vec<String> = input.languages.keys().cloned().collect();
    view! {
        <FormAlert error />
        <Field name="title" prefix="input" label=t_string!(i18n, needs.title_field).to_string() value=Some(input.title)
            required=true maxlength=200 server_error=error />
        <SelectField name="category" prefix="input" label=t_string!(i18n, needs.category).to_string() options=categories
            placeholder=t_string!(i18n, fields.choose).to_string() value=Some(input.category) required=true server_error=error />
        <p class="field__hint">{t!(i18n, needs.authorisation_star)}</p>
        <SelectField name="urgency" prefix="input" label=t_string!(i18n, needs.urgency).to_string() options=urgencies
            placeholder=t_string!(i18n, fields.choose).to_string() value=Some(input.urgency) required=true server_error=error />
        <Field name="effort_hours" prefix="input" label=t_string!(i18n, needs.effort_field).to_string()
            value=Some(input.effort_hours) required=true maxlength=4 server_error=error />
        <Field name="deadline" prefix="input" kind=Kind::Date label=t_string!(i18n, needs.deadline).to_string()
            hint=t_string!(i18n, needs.date_hint).to_string() value=Some(input.deadline) maxlength=10 server_error=error />
        <SelectField name="mode" prefix="input" label=t_string!(i18n, needs.mode).to_string() options=modes
            value=Some(input.mode) server_error=error />
        <LanguageChoice prefix="input" legend=t_string!(i18n, needs.languages).to_string() checked server_error=error />
        <TextArea name="public_summary" prefix="input" label=t_string!(i18n, needs.public_summary).to_string()
            hint=t_string!(i18n, needs.public_summary_hint).to_string() value=Some(input.public_summary)
            required=true maxlength=4000 server_error=error />
        <TextArea name="confidential_details" prefix="input" label=t_string!(i18n, needs.confidential).to_string()
            hint=t_string!(i18n, needs.confidential_hint).to_string() value=Some(input.confidential_details)
            maxlength=20000 rows=8 server_error=error />
        <SkillRequirements prefix="input" catalogue levels=input.skill_level weights=input.skill_weight server_error=error />
        <fieldset class="authorisation">
            <legend>{t!(i18n, needs.authorisation)}</legend>
            <p class="field__hint">{t!(i18n, needs.authorisation_hint)}</p>
            <GroupError name="authorisation" server_error=error />
            <Field name="authorisation_name" prefix="input" label=t_string!(i18n, needs.authorisation_name).to_string()
                value=Some(input.authorisation_name) maxlength=100 server_error=error />
            <Field name="authorisation_role" prefix="input" label=t_string!(i18n, needs.authorisation_role).to_string()
                value=Some(input.authorisation_role) maxlength=100 server_error=error />
            <TextArea name="authorisation_scope" prefix="input" label=t_string!(i18n, needs.authorisation_scope).to_string()
                value=Some(input.authorisation_scope) maxlength=4000 rows=3 server_error=error />
            <Field name="authorisation_date" prefix="input" label=t_string!(i18n, needs.authorisation_date).to_string()
                hint=t_string!(i18n, needs.date_hint).to_string() value=Some(input.authorisation_date) maxlength=10 server_error=error />
        </fieldset>
        <Submit label=submit />
    }
}
