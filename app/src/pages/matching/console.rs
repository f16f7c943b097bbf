//! `/coordinator/match/:id`: the matching console for one need — the best
//! candidates with each factor of their fit, how many each gate excluded, who
//! nearly qualified and why not, and a "propose" action on each candidate.

use crate::names::Country;
use crate::{
    api::{engagements::ProposeVolunteer, matching::match_console},
    components::params::use_id_param,
    components::{
        form::{FormAlert, GroupError, action_error},
        guard::page_error,
    },
    domain::views::{CandidateView, ExcludedView},
    i18n::{t, t_string, use_i18n},
    pages::{
        matching::{FactorBars, gate_name, gate_text, percent},
        needs::table::urgency_name,
    },
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

/// The console.
#[component]
pub fn ConsolePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let id = use_id_param();
    let ask = move || query.read().get("ask").filter(|a| !a.trim().is_empty());
    let propose = ServerAction::<ProposeVolunteer>::new();
    let console = Resource::new(move || (id(), ask()), |(id, ask)| match_console(id, ask));
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                let c = match console.await {
                    Ok(c) => c,
                    Err(e) => return page_error(e),
                };
                let need = c.need.clone();
                let error = action_error(propose);
                view! {
                    <Title text=format!("{} · {}", t_string!(i18n, matching.console), need.title) />
                    <p><A href="/coordinator/triage">{t!(i18n, matching.triage)}</A></p>
                    <h1>{t!(i18n, matching.console)} ": " {need.title.clone()}</h1>
                    <p>
                        <span class=format!("urgency urgency--{}", need.urgency.code())>{urgency_name(need.urgency)}</span>
                        " " {need.organisation.clone()} " (" <Country code=need.country.clone() /> ") · " {need.category.clone()} " · "
                        <A href=format!("/needs/{}", need.id)>{t!(i18n, matching.need_page)}</A>
                    </p>
                    <FormAlert error />
                    <GroupError name="volunteer" server_error=error />
                    <GroupError name="capacity" server_error=error />
                    {if c.open {
                        view! {
                            <p data-eligible=c.eligible.to_string()>
                                {t!(i18n, matching.eligible, eligible = crate::count(c.eligible), total = crate::count(c.volunteers))}
                            </p>
                            {(!c.excluded_by_gate.is_empty()).then(|| view! {
                                <details class="disclosure">
                                    <summary>{t!(i18n, matching.excluded_counts)}</summary>
                                    <ul>
                                        {c.excluded_by_gate.iter().map(|(gate, n)| view! {
                                            <li data-gate=gate.code()>{gate_name(*gate)} ": " {*n}</li>
                                        }).collect_view()}
                                    </ul>
                                </details>
                            })}
                            <h2>{t!(i18n, matching.candidates)}</h2>
                            {if c.candidates.is_empty() {
                                view! { <p class="muted">{t!(i18n, matching.no_candidates)}</p> }.into_any()
                            } else {
                                view! {
                                    <ol class="candidates">
                                        {c.candidates.iter().cloned().map(|candidate| view! {
                                            <CandidateItem need=need.id candidate propose />
                                        }).collect_view()}
                                    </ol>
                                }.into_any()
                            }}
                            <h2>{t!(i18n, matching.why_not)}</h2>
                            <form method="get" action=format!("/coordinator/match/{}", need.id) class="filters" role="search">
                                <label for="ask">{t!(i18n, matching.ask)}</label>
                                <input id="ask" name="ask" type="search" maxlength=254 value=ask() />
                                <button type="submit" class="button button--secondary">{t!(i18n, matching.explain)}</button>
                            </form>
                            {c.asked.clone().map(|a| view! {
                                <section class="asked" data-asked="">
                                    {match (a.candidate, a.excluded) {
                                        (Some(candidate), _) => view! {
                                            <ol class="candidates"><CandidateItem need=need.id candidate propose /></ol>
                                        }.into_any(),
                                        (None, Some(x)) => view! { <ExcludedList excluded=vec![x] /> }.into_any(),
                                        (None, None) => view! { <p>{t!(i18n, matching.unknown_volunteer)}</p> }.into_any(),
                                    }}
                                </section>
                            })}
                            <h2>{t!(i18n, matching.near_misses)}</h2>
                            <p class="muted">{t!(i18n, matching.near_misses_lead)}</p>
                            <ExcludedList excluded=c.near_misses.clone() />
                        }.into_any()
                    } else {
                        view! { <p class="alert alert--warn">{t!(i18n, matching.not_open)}</p> }.into_any()
                    }}
                }
                    .into_any()
            })}
        </Suspense>
    }
}

/// One ranked candidate with the factors of their fit and a "propose" button.
#[component]
fn CandidateItem(
    need: i64,
    candidate: CandidateView,
    propose: ServerAction<ProposeVolunteer>,
) -> impl IntoView {
    let i18n = use_i18n();
    let c = candidate;
    view! {
        <li class="candidate" data-candidate=c.volunteer_id.to_string()>
            <p class="candidate__head">
                <strong>{c.name.clone()}</strong>
                {(!c.role.is_empty()).then(|| format!(" · {}", c.role))}
                " · " <Country code=c.country.clone() /> " · "
                {crate::names::language_list(&c.languages)}
            </p>
            <p>
                {t!(i18n, matching.fit)} " "
                <meter min="0" max="1" value=c.fit></meter> " "
                <strong data-fit=format!("{:.3}", c.fit)>{percent(c.fit)}</strong>
                {(c.lowered < 1.0).then(|| view! { " " <span class="badge">{t!(i18n, matching.lowered)}</span> })}
            </p>
            <FactorBars factors=c.factors.clone() />
            {if c.engaged {
                view! { <p class="muted">{t!(i18n, matching.already_engaged)}</p> }.into_any()
            } else {
                view! {
                    <ActionForm action=propose attr:class="inline-form" attr:data-form="propose">
                        <input type="hidden" name="need" value=need.to_string() />
                        <input type="hidden" name="volunteer" value=c.volunteer_id.to_string() />
                        <input type="hidden" name="reason" value=c.reason.clone() />
                        <button type="submit" class="button">{t!(i18n, matching.propose)}</button>
                    </ActionForm>
                }.into_any()
            }}
        </li>
    }
}

/// Volunteers a gate excluded, with the gate.
#[component]
fn ExcludedList(excluded: Vec<ExcludedView>) -> impl IntoView {
    let i18n = use_i18n();
    if excluded.is_empty() {
        return view! { <p class="muted">{t!(i18n, matching.none_excluded)}</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, engagements.volunteer)}</th>
                        <th scope="col">{t!(i18n, matching.stopped_by)}</th>
                    </tr>
                </thead>
                <tbody>
                    {excluded.into_iter().map(|x| view! {
                        <tr data-excluded=x.volunteer_id.to_string() data-gate=x.gate.gate.code()>
                            <td>{x.name.clone()}</td>
                            <td>{gate_text(&x.gate)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
