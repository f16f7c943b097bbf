//! `/coordinator/batch`: batch runs of the matcher over all open needs, and
//! `/coordinator/batch/:id`: one run — its progress while it computes (the page
//! refreshes itself, with or without JavaScript), then a preview of every
//! proposed pair with its factors and the runners-up with why they lost, and
//! "apply", which creates all the proposals at once.

use crate::dates::When;
use crate::domain::codes::{RunStage, RunStatus, Urgency};
use crate::{
    api::matching::{ApplyBatch, StartBatch, batch_run, batch_runs},
    components::params::use_id_param,
    components::{
        form::{FormAlert, action_error},
        guard::page_error,
    },
    domain::views::{PairView, RunnerUpView, UnservedView},
    i18n::{t, t_string, use_i18n},
    pages::{
        coordinator::accounts::Pager,
        matching::{FactorBars, gate_text, percent},
        needs::table::urgency_name,
    },
};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::{components::A, hooks::use_query_map};

/// The translated status of a run.
fn run_status(status: RunStatus) -> String {
    let i18n = use_i18n();
    match status {
        RunStatus::Running => t_string!(i18n, batch.running),
        RunStatus::Ready => t_string!(i18n, batch.ready),
        RunStatus::Applied => t_string!(i18n, batch.applied),
        RunStatus::Failed => t_string!(i18n, batch.failed),
    }
    .to_string()
}

/// The runs, and a button to start one.
#[component]
pub fn BatchesPage() -> impl IntoView {
    let i18n = use_i18n();
    let start = ServerAction::<StartBatch>::new();
    let runs = Resource::new(|| (), |()| batch_runs());
    view! {
        <Title text=t_string!(i18n, batch.title).to_string() />
        <h1>{t!(i18n, batch.title)}</h1>
        <p class="muted">{t!(i18n, batch.lead)}</p>
        <Suspense>
            {move || Suspend::new(async move {
                let runs = match runs.await {
                    Ok(r) => r,
                    Err(e) => return page_error(e),
                };
                view! {
                    <ActionForm action=start attr:class="inline-form" attr:data-form="start-batch">
                        <FormAlert error=action_error(start) />
                        <button type="submit" class="button">{t!(i18n, batch.start)}</button>
                    </ActionForm>
                    {(!runs.is_empty()).then(|| view! {
                        <h2>{t!(i18n, batch.earlier)}</h2>
                        <ul class="link-list">
                            {runs.into_iter().map(|r| view! {
                                <li data-run=r.id.to_string()>
                                    <A href=format!("/coordinator/batch/{}", r.id)>"#" {r.id} " · " <When at=r.started.clone() /></A>
                                    " · " {run_status(r.status)} " · " {t!(i18n, batch.pairs_count, count = crate::count(r.pairs))}
                                </li>
                            }).collect_view()}
                        </ul>
                    })}
                }
                    .into_any()
            })}
        </Suspense>
    }
}

/// One run.
#[component]
pub fn BatchPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let id = use_id_param();
    let page = move || query.read().get("page").and_then(|p| p.parse::<u64>().ok());
    let apply = ServerAction::<ApplyBatch>::new();
    let run = Resource::new(
        move || (id(), page(), apply.version().get()),
        |(id, page, _)| batch_run(id, page),
    );
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                let r = match run.await {
                    Ok(r) => r,
                    Err(e) => return page_error(e),
                };
                let error = action_error(apply);
                let running = r.status == RunStatus::Running;
                view! {
                    <Title text=format!("{} #{}", t_string!(i18n, batch.title), r.id) />
                    {running.then(|| view! { <Meta http_equiv="refresh" content="2" /> })}
                    <p><A href="/coordinator/batch">{t!(i18n, batch.title)}</A></p>
                    <h1>{t!(i18n, batch.title)} " #" {r.id}</h1>
                    <p data-run-status=r.status.code()>
                        <strong>{run_status(r.status)}</strong> " · " {r.started_by.clone()} " · " <When at=r.started.clone() />
                    </p>
                    {running.then(|| view! {
                        <p>
                            <label for="run-progress">{t!(i18n, batch.progress)} ": " {stage_name(r.stage)}</label> " "
                            <progress id="run-progress" max="100" value=r.progress>{r.progress} "%"</progress>
                        </p>
                        <p class="muted">{t!(i18n, batch.refreshes)}</p>
                    })}
                    {(!r.error.is_empty()).then(|| view! { <p class="alert alert--error">{t!(i18n, batch.error)} ": " {r.error.clone()}</p> })}
                    {r.summary.clone().map(|s| {
                        let proposed: u32 = s.assigned_per_tier.iter().sum();
                        view! {
                        <dl class="facts" data-summary="">
                            <dt>{t!(i18n, batch.needs)}</dt><dd>{s.needs}</dd>
                            <dt>{t!(i18n, batch.volunteers)}</dt><dd>{s.volunteers}</dd>
                            <dt>{t!(i18n, batch.proposed)}</dt>
                            <dd data-proposed=proposed.to_string()>
                                {proposed} " ("
                                {urgency_name(Urgency::Critical)} " " {s.assigned_per_tier[0]} ", "
                                {urgency_name(Urgency::High)} " " {s.assigned_per_tier[1]} ", "
                                {urgency_name(Urgency::Normal)} " " {s.assigned_per_tier[2]} ", "
                                {urgency_name(Urgency::Low)} " " {s.assigned_per_tier[3]} ")"
                            </dd>
                            <dt>{t!(i18n, batch.unserved)}</dt><dd>{s.unserved}</dd>
                            <dt>{t!(i18n, batch.arcs)}</dt><dd>{s.candidate_arcs} " (" {s.readded_arcs} " " {t!(i18n, batch.readded)} ")"</dd>
                            <dt>{t!(i18n, batch.seconds)}</dt><dd>{format!("{}\u{a0}s", crate::numbers::fixed(crate::numbers::page_locale(), s.seconds, 2))}</dd>
                        </dl>
                        }
                    })}
                    {r.outcome.clone().map(|o| view! {
                        <p class="alert alert--ok" data-outcome=o.created.to_string()>
                            {t!(i18n, batch.created, count = crate::count(o.created))}
                            {(o.stale_need + o.stale_volunteer > 0).then(|| view! {
                                " " {t!(i18n, batch.skipped, count = crate::count(o.stale_need + o.stale_volunteer))}
                            })}
                        </p>
                    })}
                    {(r.status == RunStatus::Ready).then(|| view! {
                        <ActionForm action=apply attr:class="inline-form" attr:data-form="apply-batch">
                            <FormAlert error />
                            <input type="hidden" name="id" value=r.id.to_string() />
                            <button type="submit" class="button">{t!(i18n, batch.apply, count = crate::count(r.pairs_total))}</button>
                        </ActionForm>
                    })}
                    {(!r.pairs.is_empty()).then(|| view! {
                        <h2>{t!(i18n, batch.preview)}</h2>
                        <ol class="pairs">
                            {r.pairs.clone().into_iter().map(|p| view! { <PairItem pair=p /> }).collect_view()}
                        </ol>
                        <Pager total=r.pairs_total page=r.page page_size=crate::domain::views::PAIRS_PAGE />
                    })}
                    {(!r.unserved.is_empty()).then(|| view! {
                        <h2>{t!(i18n, batch.unserved_title)}</h2>
                        <ul class="unserved">
                            {r.unserved.clone().into_iter().map(|u| view! { <UnservedItem unserved=u /> }).collect_view()}
                        </ul>
                    })}
                }
                    .into_any()
            })}
        </Suspense>
    }
}

fn stage_name(stage: RunStage) -> String {
    let i18n = use_i18n();
    match stage {
        RunStage::Queued | RunStage::Done => t_string!(i18n, batch.stage_queued),
        RunStage::Loading => t_string!(i18n, batch.stage_loading),
        RunStage::Indexing => t_string!(i18n, batch.stage_indexing),
        RunStage::Solving => t_string!(i18n, batch.stage_solving),
        RunStage::Explaining => t_string!(i18n, batch.stage_explaining),
    }
    .to_string()
}

/// A proposed pair: the need, the volunteer, the factors, the runners-up.
#[component]
fn PairItem(pair: PairView) -> impl IntoView {
    let i18n = use_i18n();
    let p = pair;
    view! {
        <li class="pair" data-pair=format!("{}:{}", p.need_id, p.volunteer_id)>
            <p>
                <span class=format!("urgency urgency--{}", p.urgency.code())>{urgency_name(p.urgency)}</span> " "
                <A href=format!("/coordinator/match/{}", p.need_id)><strong>{p.need_title.clone()}</strong></A>
                " · " {p.organisation.clone()} " · " {t!(i18n, matching.priority)} " " {p.priority}
            </p>
            <p>"→ " <strong>{p.volunteer_name.clone()}</strong> " · " {t!(i18n, matching.fit)} " " <meter min="0" max="1" value=p.fit></meter> " " {percent(p.fit)}</p>
            <details class="disclosure">
                <summary>{t!(i18n, batch.why)}</summary>
                <FactorBars factors=p.factors.clone() />
                <RunnersUp runners=p.runners_up.clone() />
            </details>
        </li>
    }
}

/// An unserved need and who could have served it.
#[component]
fn UnservedItem(unserved: UnservedView) -> impl IntoView {
    let i18n = use_i18n();
    let u = unserved;
    view! {
        <li data-unserved=u.need_id.to_string()>
            <span class=format!("urgency urgency--{}", u.urgency.code())>{urgency_name(u.urgency)}</span> " "
            <A href=format!("/coordinator/match/{}", u.need_id)>{u.need_title.clone()}</A> " — "
            {if u.reason == "no_eligible" { t_string!(i18n, batch.no_eligible).to_string() } else { t_string!(i18n, batch.taken).to_string() }}
            <RunnersUp runners=u.runners_up.clone() />
        </li>
    }
}

/// Runners-up and why each lost.
#[component]
fn RunnersUp(runners: Vec<RunnerUpView>) -> impl IntoView {
    let i18n = use_i18n();
    (!runners.is_empty()).then(|| {
        view! {
            <p class="muted">{t!(i18n, batch.runners_up)}</p>
            <ul class="runners-up">
                {runners.into_iter().map(|r| {
                    let why = match r.reason.as_str() {
                        "more_urgent" => format!("{} {}", t_string!(i18n, batch.lost_more_urgent), r.taken_by),
                        "capacity" => format!("{} {}", t_string!(i18n, batch.lost_capacity), r.taken_by),
                        "gate" => r.gate.as_ref().map(gate_text).unwrap_or_default(),
                        _ => t_string!(i18n, batch.lost_lower).to_string(),
                    };
                    view! {
                        <li data-lost=r.reason.clone()>{r.name.clone()} " (" {percent(r.fit)} ") — " {why}</li>
                    }
                }).collect_view()}
            </ul>
        }
    })
}
