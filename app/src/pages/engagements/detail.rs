//! `/engagements/:id`: one engagement — who, why, where it stands, the actions
//! open to the viewer, the confidential details once the work is on, the hours
//! logged and the thread.

use crate::dates::When;
use crate::domain::engagement::EngagementStatus;
use crate::names::Country;
use crate::{
    api::engagements::{
        AcceptEngagement, CancelEngagement, CompleteEngagement, ConfirmEngagement, DeclineEngagement,
        LogHours, PostMessage, RateEngagement, fetch_engagement,
    },
    components::params::use_id_param,
    components::{
        form::{Field, FormAlert, GroupError, SelectField, TextArea, action_error, use_form_memory},
        guard::page_error,
    },
    domain::{
        engagement::{ORGANISATION_DECLINE_REASONS, VOLUNTEER_DECLINE_REASONS},
        views::{EngagementPage, EngagementView, HoursView},
    },
    error::AppError,
    i18n::{t, t_string, use_i18n},
    pages::{
        engagements::{
            decline_reason_name, engagement_status_name, hours_text, proposer_name, thread::Thread,
        },
        needs::table::urgency_name,
    },
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// The engagement page.
#[component]
pub fn EngagementDetail() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_id_param();
    let accept = ServerAction::<AcceptEngagement>::new();
    let decline = ServerAction::<DeclineEngagement>::new();
    let confirm = ServerAction::<ConfirmEngagement>::new();
    let cancel = ServerAction::<CancelEngagement>::new();
    let log = ServerAction::<LogHours>::new();
    let complete = ServerAction::<CompleteEngagement>::new();
    let rate = ServerAction::<RateEngagement>::new();
    let post = ServerAction::<PostMessage>::new();
    let page = Resource::new(id, fetch_engagement);
    let kept_message = use_form_memory::<PostMessage>();
    let kept_hours = use_form_memory::<LogHours>();
    let errors = Signal::derive(move || {
        [accept.value().get(), confirm.value().get()]
            .into_iter()
            .flatten()
            .find_map(Result::err)
    });
    let forms = Forms {
        decline,
        cancel,
        log,
        complete,
        rate,
    };
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                let EngagementPage { engagement: e, messages, hours, today } = match page.await {
                    Ok(p) => p,
                    Err(err) => return page_error(err),
                };
                let kept_message = kept_message.await;
                let kept_hours = kept_hours.await;
                let id = e.id;
                let post_error = action_error(post);
                view! {
                    <Title text=e.need.title.clone() />
                    <p><A href="/engagements">{t!(i18n, engagements.back)}</A></p>
                    <h1>{e.need.title.clone()}</h1>
                    <FormAlert error=errors />
                    <GroupError name="capacity" server_error=errors />
                    <Facts e=e.clone() />
                    <Actions e=e.clone() accept confirm forms today kept_hours=kept_hours.get("hours").cloned() />
                    {e.confidential.clone().map(|c| view! {
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
                    <HoursTable hours />
                    <section aria-labelledby="thread-title">
                        <h2 id="thread-title">{t!(i18n, engagements.thread)}</h2>
                        <p class="muted">{t!(i18n, engagements.thread_hint)}</p>
                        <Thread engagement=id messages empty=t_string!(i18n, engagements.no_messages).to_string() />
                        // Only while the service would take a message: a live
                        // engagement, the viewer's side in standing.
                        {if e.can.message {
                            view! {
                                <ActionForm action=post attr:class="form" attr:data-form="message">
                                    <FormAlert error=post_error />
                                    <input type="hidden" name="id" value=id.to_string() />
                                    <TextArea name="body" label=t_string!(i18n, engagements.message).to_string() rows=4 maxlength=5000
                                        required=true value=kept_message.get("body").cloned() server_error=post_error />
                                    <button type="submit" class="button">{t!(i18n, engagements.send)}</button>
                                </ActionForm>
                            }
                                .into_any()
                        } else {
                            view! { <p class="muted" data-thread-closed="">{t!(i18n, engagements.thread_closed)}</p> }.into_any()
                        }}
                    </section>
                }
                    .into_any()
            })}
        </Suspense>
    }
}

/// What we know about the engagement.
#[component]
fn Facts(e: EngagementView) -> impl IntoView {
    let i18n = use_i18n();
    let waiting =
        matches!(e.status, EngagementStatus::Proposed | EngagementStatus::Accepted) && !e.expires.is_empty();
    view! {
        <dl class="facts" data-engagement-status=e.status.code()>
            <dt>{t!(i18n, engagements.status)}</dt>
            <dd><strong>{engagement_status_name(e.status)}</strong></dd>
            <dt>{t!(i18n, engagements.need)}</dt>
            <dd>
                <A href=format!("/needs/{}", e.need.id)>{e.need.title.clone()}</A>
                " · " {e.need.organisation.clone()} " (" <Country code=e.need.country.clone() /> ") · "
                <span class=format!("urgency urgency--{}", e.need.urgency.code())>{urgency_name(e.need.urgency)}</span>
            </dd>
            <dt>{t!(i18n, engagements.volunteer)}</dt>
            <dd>
                {e.volunteer_name.clone()}
                {(!e.volunteer_role.is_empty()).then(|| format!(" · {}", e.volunteer_role))}
                {(!e.volunteer_languages.is_empty()).then(|| format!(
                    " · {}",
                    crate::names::language_list(&e.volunteer_languages)
                ))}
            </dd>
            <dt>{t!(i18n, engagements.proposed_by)}</dt>
            <dd>{proposer_name(e.proposer_kind)} " · " <When at=e.created.clone() /></dd>
            {(!e.reason.is_empty()).then(|| view! {
                <dt>{t!(i18n, engagements.why)}</dt>
                <dd class="prose" data-reason="">{e.reason.clone()}</dd>
            })}
            <dt>{t!(i18n, engagements.weekly_hours)}</dt>
            <dd>{e.weekly_hours} " h"</dd>
            {waiting.then(|| view! {
                <dt>{t!(i18n, engagements.answer_by)}</dt>
                <dd><When at=e.expires.clone() /></dd>
            })}
            {(!e.declined_by.is_empty()).then(|| view! {
                <dt>{t!(i18n, engagements.declined_by)}</dt>
                <dd data-declined-by=e.declined_by.clone()>
                    {if e.declined_by == "volunteer" { t_string!(i18n, engagements.volunteer) } else { t_string!(i18n, engagements.organisation) }}
                    {e.decline.clone().filter(|d| !d.reason.is_empty()).map(|d| view! {
                        " · " <span data-decline-reason=d.reason.clone()>{decline_reason_name(&d.reason)}</span>
                    })}
                    {e.decline.clone().filter(|d| !d.note.is_empty()).map(|d| view! { <br /><span class="prose" data-decline-note="">{d.note}</span> })}
                </dd>
            })}
            <dt>{t!(i18n, engagements.logged)}</dt>
            <dd data-minutes=e.minutes_logged.to_string()>{hours_text(e.minutes_logged)}</dd>
            {e.organisation_rating.map(|r| view! {
                <dt>{t!(i18n, engagements.organisation_rating)}</dt>
                <dd data-organisation-rating=r.to_string()>{stars(r)} " " <span class="prose">{e.organisation_comment.clone()}</span></dd>
            })}
            {e.volunteer_rating.map(|r| view! {
                <dt>{t!(i18n, engagements.volunteer_rating)}</dt>
                <dd data-volunteer-rating=r.to_string()>{stars(r)} " " <span class="prose">{e.volunteer_comment.clone()}</span></dd>
            })}
        </dl>
    }
}

fn stars(rating: i16) -> String {
    let r = usize::try_from(rating.clamp(0, 5)).unwrap_or(0);
    format!("{}{} ({rating}/5)", "★".repeat(r), "☆".repeat(5 - r))
}

/// The actions behind forms with fields.
#[derive(Clone, Copy)]
struct Forms {
    decline: ServerAction<DeclineEngagement>,
    cancel: ServerAction<CancelEngagement>,
    log: ServerAction<LogHours>,
    complete: ServerAction<CompleteEngagement>,
    rate: ServerAction<RateEngagement>,
}

fn ratings() -> Vec<(String, String)> {
    (1..=5).rev().map(|r| (r.to_string(), stars(r))).collect()
}

/// The actions open to the viewer now.
#[component]
fn Actions(
    e: EngagementView,
    accept: ServerAction<AcceptEngagement>,
    confirm: ServerAction<ConfirmEngagement>,
    forms: Forms,
    today: String,
    kept_hours: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = e.id;
    let can = e.can;
    let reasons: &[&str] = if e.viewer == "volunteer" {
        &VOLUNTEER_DECLINE_REASONS
    } else {
        &ORGANISATION_DECLINE_REASONS
    };
    let reasons: Vec<(String, String)> = reasons
        .iter()
        .map(|r| ((*r).to_owned(), decline_reason_name(r)))
        .collect();
    let decline_error: Signal<Option<AppError>> = action_error(forms.decline);
    let cancel_error = action_error(forms.cancel);
    let log_error = action_error(forms.log);
    let complete_error = action_error(forms.complete);
    let rate_error = action_error(forms.rate);
    let decline_hint = if e.viewer == "organisation" {
        Some(t_string!(i18n, engagements.decline_private).to_string())
    } else {
        None
    };
    view! {
        <div class="actions">
            {can.accept.then(|| view! {
                <ActionForm action=accept attr:class="inline-form">
                    <input type="hidden" name="id" value=id.to_string() />
                    <button type="submit" class="button" data-action="accept">{t!(i18n, engagements.accept)}</button>
                </ActionForm>
            })}
            {can.confirm.then(|| view! {
                <ActionForm action=confirm attr:class="inline-form">
                    <input type="hidden" name="id" value=id.to_string() />
                    <button type="submit" class="button" data-action="confirm">{t!(i18n, engagements.confirm)}</button>
                </ActionForm>
            })}
        </div>
        {can.log_hours.then(|| view! {
            <section aria-labelledby="log-title">
                <h2 id="log-title">{t!(i18n, engagements.log_hours)}</h2>
                <ActionForm action=forms.log attr:class="form" attr:data-form="hours">
                    <FormAlert error=log_error />
                    <input type="hidden" name="id" value=id.to_string() />
                    <Field name="on" label=t_string!(i18n, engagements.on).to_string() hint=t_string!(i18n, engagements.on_hint).to_string()
                        required=true maxlength=10 value=Some(today.clone()) server_error=log_error />
                    <Field name="hours" label=t_string!(i18n, engagements.hours).to_string() hint=t_string!(i18n, engagements.hours_hint).to_string()
                        required=true maxlength=5 value=kept_hours.clone() server_error=log_error />
                    <TextArea name="hours_note" label=t_string!(i18n, engagements.hours_note).to_string() rows=2 maxlength=1000 server_error=log_error />
                    <button type="submit" class="button">{t!(i18n, engagements.log)}</button>
                </ActionForm>
            </section>
        })}
        {can.complete.then(|| view! {
            <section aria-labelledby="complete-title">
                <h2 id="complete-title">{t!(i18n, engagements.complete)}</h2>
                <ActionForm action=forms.complete attr:class="form" attr:data-form="complete">
                    <FormAlert error=complete_error />
                    <input type="hidden" name="id" value=id.to_string() />
                    <SelectField name="rating" label=t_string!(i18n, engagements.rate_help).to_string() options=ratings()
                        placeholder=t_string!(i18n, engagements.choose).to_string() required=true server_error=complete_error />
                    <TextArea name="comment" label=t_string!(i18n, engagements.comment).to_string() rows=3 maxlength=2000 server_error=complete_error />
                    <div class="field field--check">
                        <input type="checkbox" id="field-resolved" name="resolved" value="on" checked=true />
                        <label for="field-resolved">{t!(i18n, engagements.resolved)}</label>
                    </div>
                    <button type="submit" class="button">{t!(i18n, engagements.complete_button)}</button>
                </ActionForm>
            </section>
        })}
        {can.rate.then(|| view! {
            <section aria-labelledby="rate-title">
                <h2 id="rate-title">{t!(i18n, engagements.rate)}</h2>
                <ActionForm action=forms.rate attr:class="form" attr:data-form="rate">
                    <FormAlert error=rate_error />
                    <input type="hidden" name="id" value=id.to_string() />
                    <SelectField name="rating" label=t_string!(i18n, engagements.rate_experience).to_string() options=ratings()
                        placeholder=t_string!(i18n, engagements.choose).to_string() required=true server_error=rate_error />
                    <TextArea name="comment" label=t_string!(i18n, engagements.comment).to_string() rows=3 maxlength=2000 server_error=rate_error />
                    <button type="submit" class="button">{t!(i18n, engagements.rate_button)}</button>
                </ActionForm>
            </section>
        })}
        {can.decline.then(|| view! {
            <details class="disclosure">
                <summary>{t!(i18n, engagements.decline)}</summary>
                <ActionForm action=forms.decline attr:class="form" attr:data-form="decline">
                    <FormAlert error=decline_error />
                    <input type="hidden" name="id" value=id.to_string() />
                    <SelectField name="reason" label=t_string!(i18n, engagements.decline_reason).to_string() options=reasons
                        placeholder=t_string!(i18n, engagements.choose).to_string() required=true server_error=decline_error />
                    {decline_hint.map(|h| view! { <p class="field__hint">{h}</p> })}
                    <TextArea name="note" label=t_string!(i18n, engagements.decline_note).to_string() rows=2 maxlength=2000 server_error=decline_error />
                    <button type="submit" class="button button--secondary">{t!(i18n, engagements.decline_button)}</button>
                </ActionForm>
            </details>
        })}
        {can.cancel.then(|| view! {
            <details class="disclosure">
                <summary>{t!(i18n, engagements.cancel)}</summary>
                <ActionForm action=forms.cancel attr:class="form" attr:data-form="cancel">
                    <FormAlert error=cancel_error />
                    <input type="hidden" name="id" value=id.to_string() />
                    <TextArea name="cancel_note" label=t_string!(i18n, engagements.cancel_note).to_string() rows=2 maxlength=2000 server_error=cancel_error />
                    <button type="submit" class="button button--secondary">{t!(i18n, engagements.cancel_button)}</button>
                </ActionForm>
            </details>
        })}
    }
}

/// The hours logged.
#[component]
fn HoursTable(hours: Vec<HoursView>) -> impl IntoView {
    let i18n = use_i18n();
    (!hours.is_empty()).then(|| {
        view! {
            <section aria-labelledby="hours-title">
                <h2 id="hours-title">{t!(i18n, engagements.hours_logged)}</h2>
                <div class="table-wrap">
                    <table class="table">
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, engagements.on)}</th>
                                <th scope="col">{t!(i18n, engagements.hours)}</th>
                                <th scope="col">{t!(i18n, engagements.hours_note)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {hours.into_iter().map(|h| view! {
                                <tr>
                                    <td>{h.on}</td>
                                    <td>{hours_text(i64::from(h.minutes))}</td>
                                    <td class="prose">{h.note}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </section>
        }
    })
}
