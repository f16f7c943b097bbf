//! `/needs/:id`: one need, as much as the viewer may see; the actions they may take.

use crate::dates::When;
use crate::domain::codes::SkillWeight;
use crate::names::Country;
use crate::{
    api::{
        engagements::{OfferHelp, ProposeVolunteer, list_engagements},
        guidance::fetch_guidance_for_category,
        needs::{SubmitNeed, WithdrawNeed, fetch_need},
        vetting::TriageNeed,
    },
    components::params::use_id_param,
    components::{
        form::{Field, FormAlert, GroupError, TextArea, action_error, use_form_memory},
        guard::page_error,
    },
    domain::views::{NeedDetail, NeedEvent, NeedEventKind},
    error::AppError,
    i18n::{t, t_string, use_i18n},
    pages::engagements::EngagementsTable,
    pages::guidance::ArticleList,
    pages::needs::table::{status_name, urgency_name},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// The need page.
#[component]
pub fn NeedPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_id_param();
    let submit = ServerAction::<SubmitNeed>::new();
    let withdraw = ServerAction::<WithdrawNeed>::new();
    let triage = ServerAction::<TriageNeed>::new();
    let propose = ServerAction::<ProposeVolunteer>::new();
    let offer = ServerAction::<OfferHelp>::new();
    let kept_proposal = use_form_memory::<ProposeVolunteer>();
    let engagements = Resource::new(id, |id| list_engagements(Some(id)));
    let need = Resource::new(
        move || {
            (
                id(),
                submit.version().get(),
                withdraw.version().get(),
                triage.version().get(),
            )
        },
        // The guidance beside the need is read with it, once: read in the
        // view below, it was read again each time the view ran.
        |(id, ..)| async move {
            let need = fetch_need(id).await?;
            let guidance = fetch_guidance_for_category(need.category_id)
                .await
                .unwrap_or_default();
            Ok::<_, AppError>((need, guidance))
        },
    );
    let errors = Signal::derive(move || {
        [
            submit.value().get().and_then(Result::err),
            withdraw.value().get().and_then(Result::err),
            triage.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next()
    });
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                let (need, guidance): (NeedDetail, _) = match need.await {
                    Ok(read) => read,
                    Err(e) => return page_error(e),
                };
                let s = need.summary.clone();
                let id = s.id;
                let engagements = engagements.await.unwrap_or_default();
                let kept_proposal = kept_proposal.await;
                let propose_error = action_error(propose);
                let offer_error = action_error(offer);
                view! {
                    <Title text=s.title.clone() />
                    <p><A href="/needs">{t!(i18n, needs.back)}</A></p>
                    <h1>{s.title.clone()}</h1>
                    <FormAlert error=errors />
                    <GroupError name="submit" server_error=errors />
                    <GroupError name="authorisation" server_error=errors />
                    <dl class="facts" data-need-status=s.status.code()>
                        <dt>{t!(i18n, needs.organisation)}</dt>
                        <dd>{s.organisation.clone()} " (" <Country code=s.country.clone() /> ")"</dd>
                        <dt>{t!(i18n, needs.status)}</dt>
                        <dd>{status_name(s.status)}</dd>
                        <dt>{t!(i18n, needs.category)}</dt>
                        <dd>{s.category.clone()}</dd>
                        <dt>{t!(i18n, needs.urgency)}</dt>
                        <dd><span class=format!("urgency urgency--{}", s.urgency.code())>{urgency_name(s.urgency)}</span></dd>
                        <dt>{t!(i18n, needs.effort)}</dt>
                        <dd>{s.effort_hours} " h"</dd>
                        <dt>{t!(i18n, needs.mode)}</dt>
                        <dd>{if s.onsite { t_string!(i18n, needs.onsite).to_string() } else { t_string!(i18n, needs.remote).to_string() }}</dd>
                        <dt>{t!(i18n, needs.languages)}</dt>
                        <dd>{crate::names::language_list(&s.languages)}</dd>
                        {(!need.deadline.is_empty()).then(|| view! {
                            <dt>{t!(i18n, needs.deadline)}</dt>
                            <dd><When at=need.deadline.clone() /></dd>
                        })}
                        {need.following.as_ref().and_then(|f| f.first_acceptance_secs).map(|secs| view! {
                            <dt>{t!(i18n, needs.first_acceptance)}</dt>
                            <dd data-first-acceptance=secs.to_string()>{t!(i18n, needs.after_opening, duration = move || duration_view(secs))}</dd>
                        })}
                    </dl>
                    <h2>{t!(i18n, needs.public_summary)}</h2>
                    <p class="prose" data-public-summary="">{need.public_summary.clone()}</p>
                    <h2>{t!(i18n, needs.skills)}</h2>
                    <ul class="skill-list">
                        {need
                            .skills
                            .iter()
                            .map(|k| view! {
                                <li>{k.name.clone()} " — " {level_name(k.min_level)} " · " {weight_name(k.weight)}</li>
                            })
                            .collect_view()}
                    </ul>
                    {(!guidance.is_empty()).then(|| view! {
                        <aside class="guidance-box" aria-labelledby="guidance-title" data-guidance="">
                            <h2 id="guidance-title">{t!(i18n, guidance.beside_need)}</h2>
                            <ArticleList articles=guidance />
                        </aside>
                    })}
                    {need.following.as_ref().map(|f| f.confidential.clone()).map(|c| view! {
                        <section class="confidential" aria-labelledby="confidential-title">
                            <h2 id="confidential-title">{t!(i18n, needs.confidential)}</h2>
                            <p class="prose" data-confidential="">{c.details}</p>
                            {(!c.authorisation_name.is_empty()).then(|| view! {
                                <h3>{t!(i18n, needs.authorisation)}</h3>
                                <p>{c.authorisation_name.clone()} " · " {c.authorisation_role.clone()} " · " {c.authorisation_date.clone()}</p>
                                <p class="prose">{c.authorisation_scope.clone()}</p>
                            })}
                        </section>
                    })}
                    {need.following.as_ref().map(|f| f.triage_note.clone()).filter(|n| !n.is_empty()).map(|note| view! {
                        <div class="alert alert--warn"><p><strong>{t!(i18n, needs.triage_note)}</strong></p><p class="prose">{note}</p></div>
                    })}
                    <div class="actions">
                        {need.editable.then(|| view! { <A href=format!("/needs/{id}/edit") attr:class="button button--secondary">{t!(i18n, needs.edit)}</A> })}
                        {need.submittable.then(|| view! {
                            <ActionForm action=submit attr:class="inline-form">
                                <input type="hidden" name="id" value=id.to_string() />
                                <button type="submit" class="button">{t!(i18n, needs.submit)}</button>
                            </ActionForm>
                        })}
                        {(need.editable && !need.submittable).then(|| view! { <p class="muted">{t!(i18n, needs.submit_when_approved)}</p> })}
                        {need.withdrawable.then(|| view! {
                            <ActionForm action=withdraw attr:class="inline-form">
                                <input type="hidden" name="id" value=id.to_string() />
                                <button type="submit" class="button button--secondary">{t!(i18n, needs.withdraw)}</button>
                            </ActionForm>
                        })}
                    </div>
                    {need.my_engagement.map(|e| view! {
                        <p><A href=format!("/engagements/{e}") attr:class="button button--secondary">{t!(i18n, engagements.yours)}</A></p>
                    })}
                    {need.offerable.then(|| view! {
                        <section aria-labelledby="offer-title">
                            <h2 id="offer-title">{t!(i18n, engagements.offer)}</h2>
                            <p class="muted">{t!(i18n, engagements.offer_hint)}</p>
                            <ActionForm action=offer attr:class="form" attr:data-form="offer">
                                <FormAlert error=offer_error />
                                <GroupError name="capacity" server_error=offer_error />
                                <GroupError name="volunteer" server_error=offer_error />
                                <input type="hidden" name="need" value=id.to_string() />
                                <TextArea name="note" label=t_string!(i18n, engagements.offer_note).to_string() rows=3 maxlength=2000 server_error=offer_error />
                                <button type="submit" class="button">{t!(i18n, engagements.offer_button)}</button>
                            </ActionForm>
                        </section>
                    })}
                    {(need.proposable || !engagements.is_empty()).then(|| view! {
                        <section aria-labelledby="engagements-title">
                            <h2 id="engagements-title">{t!(i18n, engagements.title)}</h2>
                            <EngagementsTable engagements=engagements.clone() show_need=false />
                        </section>
                    })}
                    {need.proposable.then(|| view! {
                        <section aria-labelledby="propose-title">
                            <h2 id="propose-title">{t!(i18n, engagements.propose)}</h2>
                            <p><A href=format!("/coordinator/match/{id}") attr:class="button button--secondary">{t!(i18n, matching.open_console)}</A></p>
                            <ActionForm action=propose attr:class="form" attr:data-form="propose">
                                <FormAlert error=propose_error />
                                <GroupError name="capacity" server_error=propose_error />
                                <input type="hidden" name="need" value=id.to_string() />
                                <Field name="volunteer" label=t_string!(i18n, engagements.volunteer_ref).to_string()
                                    hint=t_string!(i18n, engagements.volunteer_ref_hint).to_string() required=true maxlength=254
                                    value=kept_proposal.get("volunteer").cloned() server_error=propose_error />
                                <TextArea name="reason" label=t_string!(i18n, engagements.why).to_string() rows=3 maxlength=2000
                                    required=true value=kept_proposal.get("reason").cloned() server_error=propose_error />
                                <button type="submit" class="button">{t!(i18n, engagements.propose_button)}</button>
                            </ActionForm>
                        </section>
                    })}
                    {need.following.as_ref().map(|f| f.history.clone()).filter(|h| !h.is_empty()).map(|history| view! {
                        <section aria-labelledby="history-title">
                            <h2 id="history-title">{t!(i18n, needs.history)}</h2>
                            <ol class="history" data-need-history="">
                                {history.iter().map(|e| view! {
                                    <li data-event=format!("{:?}", e.kind).to_lowercase()>
                                        <When at=e.at.clone() /> " — " {event_view(e)}
                                    </li>
                                }).collect_view()}
                            </ol>
                        </section>
                    })}
                    {need.triageable.then(|| view! {
                        <h2>{t!(i18n, needs.triage)}</h2>
                        <ActionForm action=triage attr:class="form">
                            <input type="hidden" name="id" value=id.to_string() />
                            <TextArea name="note" label=t_string!(i18n, needs.triage_note_field).to_string() rows=3 maxlength=2000
                                server_error=Signal::derive(move || triage.value().get().and_then(Result::err)) />
                            <div class="actions">
                                <button type="submit" name="decision" value="open" class="button">{t!(i18n, needs.open_it)}</button>
                                <button type="submit" name="decision" value="return" class="button button--secondary">{t!(i18n, needs.return_it)}</button>
                            </div>
                        </ActionForm>
                    })}
                }
                    .into_any()
            })}
        </Suspense>
    }
}

/// The translated name of a skill level.
pub fn level_name(level: u8) -> String {
    let i18n = use_i18n();
    match level {
        1 => t_string!(i18n, levels.aware),
        2 => t_string!(i18n, levels.practitioner),
        3 => t_string!(i18n, levels.expert),
        _ => t_string!(i18n, levels.leader),
    }
    .to_string()
}

/// The translated name of a skill weight.
pub fn weight_name(weight: SkillWeight) -> String {
    let i18n = use_i18n();
    match weight {
        SkillWeight::Must => t_string!(i18n, weights.must),
        SkillWeight::Should => t_string!(i18n, weights.should),
        SkillWeight::Nice => t_string!(i18n, weights.nice),
    }
    .to_string()
}

/// A span of time as people say it: minutes, hours and minutes, or days and hours.
pub fn duration_view(secs: i64) -> AnyView {
    let i18n = use_i18n();
    let minutes = secs.max(0) / 60;
    let (days, hours, minutes) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    if days > 0 {
        t!(
            i18n,
            durations.days_hours,
            days = crate::count(days),
            hours = crate::count(hours)
        )
        .into_any()
    } else if hours > 0 {
        t!(
            i18n,
            durations.hours_minutes,
            hours = crate::count(hours),
            minutes = crate::count(minutes)
        )
        .into_any()
    } else if minutes > 0 {
        t!(i18n, durations.minutes, minutes = crate::count(minutes)).into_any()
    } else {
        t!(i18n, durations.under_a_minute).into_any()
    }
}

/// One history entry, in words.
fn event_view(e: &NeedEvent) -> AnyView {
    let i18n = use_i18n();
    let who = e.volunteer.clone();
    match e.kind {
        NeedEventKind::Submitted => t!(i18n, need_history.submitted).into_any(),
        NeedEventKind::Opened => t!(i18n, need_history.opened).into_any(),
        NeedEventKind::Proposed => t!(i18n, need_history.proposed, volunteer = who).into_any(),
        NeedEventKind::ProposedAtOnce => t!(i18n, need_history.proposed_at_once, volunteer = who).into_any(),
        NeedEventKind::Offered => t!(i18n, need_history.offered, volunteer = who).into_any(),
        NeedEventKind::Accepted => match e.after_opening_secs {
            Some(secs) => t!(
                i18n,
                need_history.accepted_after,
                volunteer = who,
                duration = move || duration_view(secs)
            )
            .into_any(),
            None => t!(i18n, need_history.accepted, volunteer = who).into_any(),
        },
        NeedEventKind::Confirmed => t!(i18n, need_history.confirmed, volunteer = who).into_any(),
        NeedEventKind::Declined => t!(i18n, need_history.declined, volunteer = who).into_any(),
        NeedEventKind::Expired => t!(i18n, need_history.expired, volunteer = who).into_any(),
        NeedEventKind::Withdrawn => t!(i18n, need_history.withdrawn, volunteer = who).into_any(),
        NeedEventKind::Cancelled => t!(i18n, need_history.cancelled, volunteer = who).into_any(),
        NeedEventKind::Completed => t!(i18n, need_history.completed, volunteer = who).into_any(),
    }
}
