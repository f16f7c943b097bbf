//! Threat advisories: `/advisories` (a member's, those sent to their
//! organisation), `/advisories/:id` (one: read, acknowledge, ask for help,
//! export the indicators; for coordinators also its reach, publish and
//! withdraw), and the coordinators' `/coordinator/advisories`,
//! `/coordinator/advisories/new` and `/coordinator/advisories/:id` (edit a
//! draft). Every page works without JavaScript.

use crate::dates::When;
use crate::names::Country;
use crate::{
    api::advisories::{
        AcknowledgeAdvisory, AdvisoryInput, AdvisorySummary, PublishAdvisory, SaveAdvisory, WithdrawAdvisory,
        fetch_advisory, fetch_advisory_form, fetch_all_advisories, fetch_my_advisories,
    },
    components::{
        form::{
            Field, FormAlert, GroupError, SelectField, Submit, TextArea, action_error, kept_input,
            use_form_memory,
        },
        guard::page_error,
    },
    domain::{
        advisory::{ACTIONS_MAX, INCOME_GROUPS, REGIONS, SUMMARY_MAX, TITLE_MAX},
        codes::{Acknowledgement, AdvisoryStatus, OrganisationKind, Severity},
        guidance::BODY_MAX,
    },
    i18n::{t, t_string, use_i18n},
    pages::organisation::form::kind_name,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_params_map};
use std::collections::BTreeMap;

/// A severity's name.
pub fn severity_name(s: Severity) -> String {
    let i18n = use_i18n();
    match s {
        Severity::Critical => t_string!(i18n, advisories.severities.critical),
        Severity::High => t_string!(i18n, advisories.severities.high),
        Severity::Medium => t_string!(i18n, advisories.severities.medium),
        Severity::Information => t_string!(i18n, advisories.severities.information),
    }
    .to_string()
}

/// A status's name.
pub fn status_name(s: AdvisoryStatus) -> String {
    let i18n = use_i18n();
    match s {
        AdvisoryStatus::Draft => t_string!(i18n, advisories.statuses.draft),
        AdvisoryStatus::Published => t_string!(i18n, advisories.statuses.published),
        AdvisoryStatus::Withdrawn => t_string!(i18n, advisories.statuses.withdrawn),
        AdvisoryStatus::Superseded => t_string!(i18n, advisories.statuses.superseded),
    }
    .to_string()
}

/// An acknowledgement's name.
pub fn acknowledgement_name(a: Option<Acknowledgement>) -> String {
    let i18n = use_i18n();
    match a {
        Some(Acknowledgement::Read) => t_string!(i18n, advisories.read),
        Some(Acknowledgement::Acted) => t_string!(i18n, advisories.acted),
        None => t_string!(i18n, advisories.not_acknowledged),
    }
    .to_string()
}

/// An income group's name.
fn income_group_name(code: &str) -> String {
    let i18n = use_i18n();
    match code {
        "low" => t_string!(i18n, advisories.income.low),
        "lower_middle" => t_string!(i18n, advisories.income.lower_middle),
        "upper_middle" => t_string!(i18n, advisories.income.upper_middle),
        _ => t_string!(i18n, advisories.income.high),
    }
    .to_string()
}

/// A severity badge.
#[component]
fn SeverityBadge(severity: Severity) -> impl IntoView {
    view! { <span class=format!("severity severity--{}", severity.code()) data-severity=severity.code()>{severity_name(severity)}</span> }
}

/// Advisories in a list: the newest and most severe first (as given).
#[component]
pub fn AdvisoryList(advisories: Vec<AdvisorySummary>, #[prop(optional)] coordinator: bool) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="advisory-list">
            {advisories.into_iter().map(|a| {
                let ended = matches!(a.status, AdvisoryStatus::Withdrawn | AdvisoryStatus::Superseded);
                view! {
                    <li data-advisory=a.id.to_string() class:advisory-list__ended=ended>
                        <p>
                            <SeverityBadge severity=a.severity />
                            " " <A href=format!("/advisories/{}", a.id)>{a.title.clone()}</A>
                            {(a.status != AdvisoryStatus::Published).then(|| view! { " " <span class="tag">{status_name(a.status)}</span> })}
                        </p>
                        <p>{a.summary.clone()}</p>
                        <p class="muted">
                            {(!a.published.is_empty()).then(|| view! { <When at=a.published.clone() /> " · " })}
                            {if coordinator {
                                a.reach.map(|(told, acknowledged)| t_string!(i18n, advisories.reach_line, told = told, acknowledged = acknowledged).to_string()).unwrap_or_default()
                            } else {
                                acknowledgement_name(a.acknowledged)
                            }}
                        </p>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// A member's advisories (those sent to their organisation).
#[component]
pub fn AdvisoriesPage() -> impl IntoView {
    let i18n = use_i18n();
    let list = Resource::new(|| (), |()| fetch_my_advisories());
    view! {
        <Title text=t_string!(i18n, advisories.title).to_string() />
        <h1>{t!(i18n, advisories.title)}</h1>
        <p class="lead">{t!(i18n, advisories.lead)}</p>
        <Suspense>
            {move || Suspend::new(async move {
                let list = match list.await {
                    Ok(list) => list,
                    Err(e) => return page_error(e),
                };
                if list.is_empty() {
                    view! { <p class="muted" data-none="">{t!(i18n, advisories.none)}</p> }.into_any()
                } else {
                    view! { <AdvisoryList advisories=list /> }.into_any()
                }
            })}
        </Suspense>
    }
}

/// The advisories box of an organisation's home page (nothing when there are none).
#[component]
pub fn OrganisationAdvisories() -> impl IntoView {
    let i18n = use_i18n();
    let list = Resource::new(|| (), |()| fetch_my_advisories());
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                let list = list.await.unwrap_or_default();
                (!list.is_empty()).then(|| {
                    let waiting = list.iter().filter(|a| a.status == AdvisoryStatus::Published && a.acknowledged.is_none()).count();
                    view! {
                        <section class="advisories-box" aria-labelledby="advisories-title" data-advisories="">
                            <h2 id="advisories-title">{t!(i18n, advisories.title)}</h2>
                            {(waiting > 0).then(|| view! { <p class="alert alert--warn">{t!(i18n, advisories.waiting, count = crate::count(waiting))}</p> })}
                            <AdvisoryList advisories=list.into_iter().take(5).collect() />
                            <p><A href="/advisories">{t!(i18n, advisories.all)}</A></p>
                        </section>
                    }
                })
            })}
        </Suspense>
    }
}

/// Every advisory (coordinators).
#[component]
pub fn CoordinatorAdvisoriesPage() -> impl IntoView {
    let i18n = use_i18n();
    let list = Resource::new(|| (), |()| fetch_all_advisories());
    view! {
        <Title text=t_string!(i18n, advisories.title).to_string() />
        <h1>{t!(i18n, advisories.title)}</h1>
        <p><A href="/coordinator/advisories/new" attr:class="button">{t!(i18n, advisories.new)}</A></p>
        <Suspense>
            {move || Suspend::new(async move {
                let list = match list.await {
                    Ok(list) => list,
                    Err(e) => return page_error(e),
                };
                if list.is_empty() {
                    view! { <p class="muted" data-none="">{t!(i18n, advisories.none_written)}</p> }.into_any()
                } else {
                    view! { <AdvisoryList advisories=list coordinator=true /> }.into_any()
                }
            })}
        </Suspense>
    }
}

/// One advisory.
#[component]
pub fn AdvisoryPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or_default()
    };
    let acknowledge = ServerAction::<AcknowledgeAdvisory>::new();
    let publish = ServerAction::<PublishAdvisory>::new();
    let withdraw = ServerAction::<WithdrawAdvisory>::new();
    let advisory = Resource::new(
        move || {
            (
                id(),
                acknowledge.version().get(),
                publish.version().get(),
                withdraw.version().get(),
            )
        },
        |(id, ..)| fetch_advisory(id),
    );
    let kept = use_form_memory::<AcknowledgeAdvisory>();
    let ack_error = action_error(acknowledge);
    let publish_error = action_error(publish);
    let withdraw_error = action_error(withdraw);
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                let a = match advisory.await {
                    Ok(a) => a,
                    Err(e) => return page_error(e),
                };
                let kept = kept.await;
                let s = a.summary.clone();
                let id = s.id;
                let coordinator = a.reach.is_some() || a.editable;
                let back = if coordinator { "/coordinator/advisories" } else { "/advisories" };
                view! {
                    <Title text=s.title.clone() />
                    <p><A href=back>{t!(i18n, advisories.back)}</A></p>
                    <article class="advisory" data-advisory-status=s.status.code()>
                        <h1>{s.title.clone()}</h1>
                        <p>
                            <SeverityBadge severity=s.severity />
                            " " <span class="tag">{status_name(s.status)}</span>
                            {(!s.published.is_empty()).then(|| view! { " · " <When at=s.published.clone() /> })}
                        </p>
                        {a.superseded_by.map(|n| view! {
                            <p class="alert alert--warn">{t!(i18n, advisories.superseded_by)} " " <A href=format!("/advisories/{n}")>{t!(i18n, advisories.newer)}</A></p>
                        })}
                        {(s.status == AdvisoryStatus::Withdrawn).then(|| view! { <p class="alert alert--warn">{t!(i18n, advisories.withdrawn_note)}</p> })}
                        <p class="lead" data-summary="">{s.summary.clone()}</p>
                        // Rendered from Markdown and sanitised on the server (services::guidance::render).
                        <div class="article__body" data-body="" inner_html=a.body_html.clone()></div>
                        {(!a.actions_html.is_empty()).then(|| view! {
                            <section class="advisory__actions" aria-labelledby="actions-title">
                                <h2 id="actions-title">{t!(i18n, advisories.actions)}</h2>
                                <div class="article__body" data-actions="" inner_html=a.actions_html.clone()></div>
                            </section>
                        })}
                        {(!a.guidance.is_empty()).then(|| { let guidance = a.guidance.clone(); view! {
                            <section aria-labelledby="guidance-title">
                                <h2 id="guidance-title">{t!(i18n, advisories.guidance)}</h2>
                                <ul>
                                    {guidance.into_iter().map(|g| view! {
                                        <li><A href=format!("/guidance/{}", g.slug)>{g.title}</A></li>
                                    }).collect_view()}
                                </ul>
                            </section>
                        }})}
                        {(!a.indicators.is_empty()).then(|| { let indicators = a.indicators.clone(); view! {
                            <section aria-labelledby="indicators-title">
                                <h2 id="indicators-title">{t!(i18n, advisories.indicators)}</h2>
                                <table class="table table--dense" data-indicators="">
                                    <thead><tr>
                                        <th scope="col">{t!(i18n, advisories.indicator_kind)}</th>
                                        <th scope="col">{t!(i18n, advisories.indicator_value)}</th>
                                    </tr></thead>
                                    <tbody>
                                        {indicators.into_iter().map(|i| view! {
                                            <tr><td>{i.kind.code()}</td><td><code class="indicator">{i.value}</code></td></tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                <p class="actions">
                                    <a class="button button--secondary" href=format!("/advisories/{id}/indicators.stix.json") download="" rel="external">{t!(i18n, advisories.export_stix)}</a>
                                    <a class="button button--secondary" href=format!("/advisories/{id}/indicators.csv") download="" rel="external">{t!(i18n, advisories.export_csv)}</a>
                                </p>
                            </section>
                        }})}
                    </article>
                    {(!coordinator && s.status == AdvisoryStatus::Published).then(|| {
                        let current = s.acknowledged;
                        let note = kept.get("note").cloned().unwrap_or_else(|| a.note.clone());
                        view! {
                            <section class="acknowledge" aria-labelledby="ack-title">
                                <h2 id="ack-title">{t!(i18n, advisories.acknowledge)}</h2>
                                <p data-acknowledged=current.map(|c| c.code()).unwrap_or("none")>
                                    {t!(i18n, advisories.your_answer)} " " <strong>{acknowledgement_name(current)}</strong>
                                </p>
                                {a.acknowledgeable.then(|| view! {
                                    <ActionForm action=acknowledge attr:class="form" attr:data-form="acknowledge">
                                        <FormAlert error=ack_error />
                                        <input type="hidden" name="id" value=id.to_string() />
                                        <TextArea name="note" label=t_string!(i18n, advisories.note).to_string() rows=2 maxlength=2000
                                            value=Some(note) server_error=ack_error />
                                        <div class="actions">
                                            <button type="submit" name="acknowledgement" value="read" class="button button--secondary">{t!(i18n, advisories.mark_read)}</button>
                                            <button type="submit" name="acknowledgement" value="acted" class="button">{t!(i18n, advisories.mark_acted)}</button>
                                        </div>
                                    </ActionForm>
                                    <p>
                                        <A href=format!("/needs/new?advisory={id}") attr:class="button button--secondary" attr:data-action="need-help">{t!(i18n, advisories.need_help)}</A>
                                        " " <span class="muted">{t!(i18n, advisories.need_help_hint)}</span>
                                    </p>
                                })}
                            </section>
                        }
                    })}
                    {a.editable.then(|| view! {
                        <section class="actions" aria-label=t_string!(i18n, advisories.draft_actions).to_string()>
                            <A href=format!("/coordinator/advisories/{id}") attr:class="button button--secondary">{t!(i18n, advisories.edit)}</A>
                            <ActionForm action=publish attr:class="inline-form" attr:data-form="publish">
                                <FormAlert error=publish_error />
                                <input type="hidden" name="id" value=id.to_string() />
                                <button type="submit" class="button">{t!(i18n, advisories.publish)}</button>
                            </ActionForm>
                            <p class="muted">{t!(i18n, advisories.publish_hint)}</p>
                        </section>
                    })}
                    {a.withdrawable.then(|| view! {
                        <ActionForm action=withdraw attr:class="inline-form" attr:data-form="withdraw">
                            <FormAlert error=withdraw_error />
                            <input type="hidden" name="id" value=id.to_string() />
                            <button type="submit" class="button button--secondary">{t!(i18n, advisories.withdraw)}</button>
                        </ActionForm>
                    })}
                    {a.reach.map(|r| view! {
                        <section class="reach" aria-labelledby="reach-title" data-reach="">
                            <h2 id="reach-title">{t!(i18n, advisories.reach)}</h2>
                            <dl class="facts">
                                <dt>{t!(i18n, advisories.organisations)}</dt><dd data-figure="organisations">{r.organisations}</dd>
                                <dt>{t!(i18n, advisories.members)}</dt><dd data-figure="members">{r.members}</dd>
                                <dt>{t!(i18n, advisories.mails_sent)}</dt><dd data-figure="mails_sent">{r.mails_sent}</dd>
                                <dt>{t!(i18n, advisories.mails_pending)}</dt><dd data-figure="mails_pending">{r.mails_pending}</dd>
                                <dt>{t!(i18n, advisories.mails_failed)}</dt><dd data-figure="mails_failed">{r.mails_failed}</dd>
                                <dt>{t!(i18n, advisories.read)}</dt><dd data-figure="read">{r.read}</dd>
                                <dt>{t!(i18n, advisories.acted)}</dt><dd data-figure="acted">{r.acted}</dd>
                                <dt>{t!(i18n, advisories.reminded)}</dt><dd data-figure="reminded">{r.reminded}</dd>
                            </dl>
                            {(!r.targets.is_empty()).then(|| { let targets = r.targets.clone(); view! {
                                <table class="table table--dense" data-targets="">
                                    <thead><tr>
                                        <th scope="col">{t!(i18n, advisories.organisation)}</th>
                                        <th scope="col">{t!(i18n, advisories.country)}</th>
                                        <th scope="col">{t!(i18n, advisories.answer)}</th>
                                        <th scope="col">{t!(i18n, advisories.note)}</th>
                                        <th scope="col">{t!(i18n, advisories.reminded)}</th>
                                    </tr></thead>
                                    <tbody>
                                        {targets.into_iter().map(|row| view! {
                                            <tr data-target=row.organisation_id.to_string() data-acknowledged=row.acknowledged.map(|c| c.code()).unwrap_or("none")>
                                                <td><A href=format!("/coordinator/organisations/{}", row.organisation_id)>{row.name.clone()}</A></td>
                                                <td><Country code=row.country.clone() /></td>
                                                <td>{acknowledgement_name(row.acknowledged)} " " <When at=row.at.clone() /></td>
                                                <td class="prose">{row.note.clone()}</td>
                                                <td><When at=row.reminded.clone() /></td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }})}
                        </section>
                    })}
                }
                    .into_any()
            })}
        </Suspense>
    }
}

/// A checkbox group: `input[NAME][KEY]`.
#[component]
fn Checkboxes(
    name: &'static str,
    legend: String,
    options: Vec<(String, String)>,
    checked: BTreeMap<String, String>,
    #[prop(into)] error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    view! {
        <fieldset class="choice" data-group=name>
            <legend>{legend}</legend>
            <GroupError name=name server_error=error />
            {options.into_iter().map(|(key, label)| {
                let on = checked.get(&key).is_some_and(|v| !v.is_empty());
                view! {
                    <label class="choice__option">
                        <input type="checkbox" name=format!("input[{name}][{key}]") value="on" checked=on />
                        " " {label}
                    </label>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// The editor: a new advisory (no `:id`), or the draft named.
#[component]
pub fn AdvisoryEditPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok());
    let save = ServerAction::<SaveAdvisory>::new();
    let error = action_error(save);
    let form = Resource::new(id, fetch_advisory_form);
    let kept = use_form_memory::<SaveAdvisory>();
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                let form = match form.await {
                    Ok(form) => form,
                    Err(e) => return page_error(e),
                };
                let creating = form.input.id == 0;
                let input: AdvisoryInput = kept_input(&kept.await).unwrap_or(form.input);
                let title = if creating {
                    t_string!(i18n, advisories.new).to_string()
                } else {
                    t_string!(i18n, advisories.edit_title, title = input.title.clone()).to_string()
                };
                let severities = Severity::ALL.iter().map(|s| (s.code().to_owned(), severity_name(*s))).collect();
                let regions = REGIONS.iter().map(|r| ((*r).to_owned(), (*r).to_owned())).collect();
                let incomes = INCOME_GROUPS.iter().map(|g| ((*g).to_owned(), income_group_name(g))).collect();
                let kinds = OrganisationKind::ALL.iter().map(|k| (k.code().to_owned(), kind_name(*k))).collect();
                let categories = form.categories.iter().map(|(id, name)| (id.to_string(), name.clone())).collect();
                let articles = form.articles.clone();
                let mut replaceable: Vec<(String, String)> = form.replaceable.iter().map(|(id, t)| (id.to_string(), t.clone())).collect();
                replaceable.insert(0, (String::new(), t_string!(i18n, advisories.replaces_none).to_string()));
                let everyone = input.everyone.as_deref().is_some_and(|v| !v.is_empty());
                view! {
                    <Title text=title.clone() />
                    <p><A href="/coordinator/advisories">{t!(i18n, advisories.back)}</A></p>
                    <h1>{title}</h1>
                    <ActionForm action=save attr:class="form" attr:novalidate="" attr:data-form="advisory">
                        <FormAlert error=error />
                        <input type="hidden" name="input[id]" value=input.id.to_string() />
                        <Field name="title" prefix="input" label=t_string!(i18n, advisories.field_title).to_string()
                            value=Some(input.title.clone()) required=true maxlength=TITLE_MAX server_error=error />
                        <SelectField name="severity" prefix="input" label=t_string!(i18n, advisories.severity).to_string()
                            options=severities value=Some(input.severity.clone()) required=true server_error=error />
                        <TextArea name="summary" prefix="input" label=t_string!(i18n, advisories.field_summary).to_string()
                            hint=t_string!(i18n, advisories.field_summary_hint).to_string()
                            value=Some(input.summary.clone()) required=true maxlength=SUMMARY_MAX rows=3 server_error=error />
                        <TextArea name="body" prefix="input" label=t_string!(i18n, advisories.field_body).to_string()
                            hint=t_string!(i18n, advisories.markdown_hint).to_string()
                            value=Some(input.body.clone()) required=true maxlength=BODY_MAX rows=14 server_error=error />
                        <TextArea name="actions" prefix="input" label=t_string!(i18n, advisories.actions).to_string()
                            hint=t_string!(i18n, advisories.markdown_hint).to_string()
                            value=Some(input.actions.clone()) maxlength=ACTIONS_MAX rows=8 server_error=error />
                        <TextArea name="indicators" prefix="input" label=t_string!(i18n, advisories.indicators).to_string()
                            hint=t_string!(i18n, advisories.indicators_hint).to_string()
                            value=Some(input.indicators.clone()) rows=6 server_error=error />
                        <Checkboxes name="guidance" legend=t_string!(i18n, advisories.guidance).to_string()
                            options=articles checked=input.guidance.clone() error=error />
                        <fieldset class="choice" data-group="targets">
                            <legend>{t!(i18n, advisories.targets)}</legend>
                            <p class="field__hint">{t!(i18n, advisories.targets_hint)}</p>
                            <GroupError name="targets" server_error=error />
                            <label class="choice__option">
                                <input type="checkbox" name="input[everyone]" value="on" checked=everyone />
                                " " {t!(i18n, advisories.everyone)}
                            </label>
                        </fieldset>
                        <Checkboxes name="regions" legend=t_string!(i18n, advisories.regions).to_string()
                            options=regions checked=input.regions.clone() error=error />
                        <Field name="countries" prefix="input" label=t_string!(i18n, advisories.countries).to_string()
                            hint=t_string!(i18n, advisories.countries_hint).to_string()
                            value=Some(input.countries.clone()) maxlength=1200usize server_error=error />
                        <Checkboxes name="income_groups" legend=t_string!(i18n, advisories.income_groups).to_string()
                            options=incomes checked=input.income_groups.clone() error=error />
                        <Checkboxes name="kinds" legend=t_string!(i18n, advisories.kinds).to_string()
                            options=kinds checked=input.kinds.clone() error=error />
                        <Checkboxes name="categories" legend=t_string!(i18n, advisories.categories).to_string()
                            options=categories checked=input.categories.clone() error=error />
                        <SelectField name="supersedes" prefix="input" label=t_string!(i18n, advisories.replaces).to_string()
                            options=replaceable value=Some(input.supersedes.clone()) server_error=error />
                        <Submit label=t_string!(i18n, advisories.save).to_string() />
                    </ActionForm>
                }
                    .into_any()
            })}
        </Suspense>
    }
}
