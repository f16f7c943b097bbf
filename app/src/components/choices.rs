//! Multi-choice form parts: languages, a volunteer's skill levels, a need's
//! required skills. Plain inputs, so they work without JavaScript; the names use
//! brackets (`input[languages][fr]`) so they arrive as maps.

use crate::{
    components::form::{GroupError, input_name},
    domain::reference::Catalogue,
    error::AppError,
    i18n::{t, t_string, use_i18n},
};
use leptos::prelude::*;
use std::collections::BTreeMap;

/// Checkboxes for the languages someone works in.
#[component]
pub fn LanguageChoice(
    /// Struct argument name.
    prefix: &'static str,
    /// The legend.
    #[prop(into)]
    legend: String,
    /// Checked codes.
    checked: Vec<String>,
    /// The server's error.
    #[prop(into)]
    server_error: Signal<Option<AppError>>,
) -> impl IntoView {
    let group = input_name(Some(prefix), "languages");
    view! {
        <fieldset class="choices" id="field-languages">
            <legend>{legend}</legend>
            <GroupError name="languages" server_error />
            <div class="choices__grid">
                {crate::names::language_options()
                    .into_iter()
                    .map(|(code, name)| {
                        let is_checked = checked.contains(&code);
                        view! {
                            <label class="choices__option">
                                <input type="checkbox" name=format!("{group}[{code}]") value="on" checked=is_checked />
                                <span>{name}</span>
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
        </fieldset>
    }
}

/// The level labels, 0 = none.
fn level_options(none: String) -> Vec<(u8, String)> {
    let i18n = use_i18n();
    vec![
        (0, none),
        (1, t_string!(i18n, levels.aware).to_string()),
        (2, t_string!(i18n, levels.practitioner).to_string()),
        (3, t_string!(i18n, levels.expert).to_string()),
        (4, t_string!(i18n, levels.leader).to_string()),
    ]
}

/// A volunteer's level in each skill, grouped by category.
#[component]
pub fn SkillLevels(
    /// Struct argument name.
    prefix: &'static str,
    /// The catalogue.
    catalogue: Catalogue,
    /// Current levels by skill id.
    levels: BTreeMap<String, String>,
    /// The server's error.
    #[prop(into)]
    server_error: Signal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let group = input_name(Some(prefix), "skill_level");
    let options = level_options(t_string!(i18n, levels.none).to_string());
    view! {
        <fieldset class="skills" id="field-skills">
            <legend>{t!(i18n, fields.skills)}</legend>
            <p class="field__hint">{t!(i18n, fields.skills_hint)}</p>
            <GroupError name="skills" server_error />
            {catalogue
                .categories
                .iter()
                .filter(|c| !c.retired)
                .map(|category| {
                    let skills: Vec<_> = catalogue
                        .skills
                        .iter()
                        .filter(|s| s.category_id == category.id && (!s.retired || levels.contains_key(&s.id.to_string())))
                        .cloned()
                        .collect();
                    let open = skills.iter().any(|s| levels.get(&s.id.to_string()).is_some_and(|l| l != "0"));
                    view! {
                        <details class="skills__category" open=open data-category=category.code.clone()>
                            <summary>{category.name.clone()}</summary>
                            <div class="skills__rows">
                                {skills
                                    .into_iter()
                                    .map(|skill| {
                                        let current = levels.get(&skill.id.to_string()).cloned().unwrap_or_else(|| "0".into());
                                        let id = format!("skill-{}", skill.id);
                                        view! {
                                            <div class="skills__row">
                                                <label for=id.clone()>{skill.name.clone()}</label>
                                                <select id=id name=format!("{group}[{}]", skill.id)>
                                                    {options
                                                        .iter()
                                                        .map(|(v, l)| view! {
                                                            <option value=v.to_string() selected=current == v.to_string()>{l.clone()}</option>
                                                        })
                                                        .collect_view()}
                                                </select>
                                            </div>
                                        }
                                    })
                                    .collect_view()}
                            </div>
                        </details>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

/// A need's required skills: a minimum level and a weight for each.
#[component]
pub fn SkillRequirements(
    /// Struct argument name.
    prefix: &'static str,
    /// The catalogue.
    catalogue: Catalogue,
    /// Minimum levels by skill id.
    levels: BTreeMap<String, String>,
    /// Weights by skill id.
    weights: BTreeMap<String, String>,
    /// The server's error.
    #[prop(into)]
    server_error: Signal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let level_group = input_name(Some(prefix), "skill_level");
    let weight_group = input_name(Some(prefix), "skill_weight");
    let options = level_options(t_string!(i18n, levels.not_needed).to_string());
    let weights_offered = [
        ("must", t_string!(i18n, weights.must).to_string()),
        ("should", t_string!(i18n, weights.should).to_string()),
        ("nice", t_string!(i18n, weights.nice).to_string()),
    ];
    view! {
        <fieldset class="skills" id="field-skills">
            <legend>{t!(i18n, fields.required_skills)}</legend>
            <p class="field__hint">{t!(i18n, fields.required_skills_hint)}</p>
            <GroupError name="skills" server_error />
            {catalogue
                .categories
                .iter()
                .filter(|c| !c.retired)
                .map(|category| {
                    let skills: Vec<_> = catalogue
                        .skills
                        .iter()
                        .filter(|s| s.category_id == category.id && (!s.retired || levels.contains_key(&s.id.to_string())))
                        .cloned()
                        .collect();
                    let open = skills.iter().any(|s| levels.get(&s.id.to_string()).is_some_and(|l| l != "0"));
                    view! {
                        <details class="skills__category" open=open data-category=category.code.clone()>
                            <summary>{category.name.clone()}</summary>
                            <div class="skills__rows">
                                {skills
                                    .into_iter()
                                    .map(|skill| {
                                        let key = skill.id.to_string();
                                        let level = levels.get(&key).cloned().unwrap_or_else(|| "0".into());
                                        let weight = weights.get(&key).cloned().unwrap_or_else(|| "should".into());
                                        let id = format!("skill-{}", skill.id);
                                        view! {
                                            <div class="skills__row">
                                                <label for=id.clone()>{skill.name.clone()}</label>
                                                <select id=id name=format!("{level_group}[{key}]")>
                                                    {options
                                                        .iter()
                                                        .map(|(v, l)| view! {
                                                            <option value=v.to_string() selected=level == v.to_string()>{l.clone()}</option>
                                                        })
                                                        .collect_view()}
                                                </select>
                                                <select name=format!("{weight_group}[{key}]") aria-label=skill.name.clone()>
                                                    {weights_offered
                                                        .iter()
                                                        .map(|(v, l)| view! {
                                                            <option value=*v selected=weight == *v>{l.clone()}</option>
                                                        })
                                                        .collect_view()}
                                                </select>
                                            </div>
                                        }
                                    })
                                    .collect_view()}
                            </div>
                        </details>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}
