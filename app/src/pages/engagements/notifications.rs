//! `/notifications`: what happened on the viewer's engagements, newest first;
//! mark one or all read.

use crate::dates::When;
use crate::domain::codes::NotificationKind;
use crate::{
    api::engagements::{MarkRead, my_notifications},
    components::guard::page_error,
    domain::views::NotificationView,
    i18n::{t, t_string, use_i18n},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

/// The translated sentence for a notification kind.
pub fn notification_text(kind: NotificationKind) -> String {
    let i18n = use_i18n();
    match kind {
        NotificationKind::Proposed => t_string!(i18n, notification_kinds.proposed),
        NotificationKind::Offered => t_string!(i18n, notification_kinds.offered),
        NotificationKind::Accepted => t_string!(i18n, notification_kinds.accepted),
        NotificationKind::Declined => t_string!(i18n, notification_kinds.declined),
        NotificationKind::Confirmed => t_string!(i18n, notification_kinds.confirmed),
        NotificationKind::Completed => t_string!(i18n, notification_kinds.completed),
        NotificationKind::Cancelled => t_string!(i18n, notification_kinds.cancelled),
        NotificationKind::Expired => t_string!(i18n, notification_kinds.expired),
        NotificationKind::Message => t_string!(i18n, notification_kinds.message),
        NotificationKind::Withdrawn => t_string!(i18n, notification_kinds.withdrawn),
        NotificationKind::OnHold => t_string!(i18n, notification_kinds.on_hold),
        NotificationKind::NeedsReassignment => t_string!(i18n, notification_kinds.needs_reassignment),
        NotificationKind::FailedSignIns => t_string!(i18n, notification_kinds.failed_sign_ins),
        NotificationKind::TakenByAnother => t_string!(i18n, notification_kinds.taken_by_another),
        NotificationKind::Reminder => t_string!(i18n, notification_kinds.reminder),
        NotificationKind::VettingApproved => t_string!(i18n, notification_kinds.vetting_approved),
        NotificationKind::VettingRejected => t_string!(i18n, notification_kinds.vetting_rejected),
        NotificationKind::VettingSuspended => t_string!(i18n, notification_kinds.vetting_suspended),
        NotificationKind::AdvisoryPublished => t_string!(i18n, notification_kinds.advisory_published),
        NotificationKind::AdvisoryReminder => t_string!(i18n, notification_kinds.advisory_reminder),
    }
    .to_string()
}

/// The notifications page.
#[component]
pub fn NotificationsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let page = move || {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let mark = ServerAction::<MarkRead>::new();
    let list = Resource::new(
        move || (page(), mark.version().get()),
        |(page, _)| my_notifications(Some(page)),
    );
    view! {
        <Title text=t_string!(i18n, notifications.title).to_string() />
        <h1>{t!(i18n, notifications.title)}</h1>
        <Suspense>
            {move || Suspend::new(async move {
                let items: Vec<NotificationView> = match list.await {
                    Ok(items) => items,
                    Err(e) => return page_error(e),
                };
                let any_unread = items.iter().any(|n| !n.read);
                let full = items.len() as u64 == crate::domain::views::NOTIFICATIONS_PAGE;
                let current = page();
                view! {
                    {any_unread.then(|| view! {
                        <ActionForm action=mark attr:class="inline-form">
                            <button type="submit" class="button button--secondary" data-action="read-all">{t!(i18n, notifications.mark_all)}</button>
                        </ActionForm>
                    })}
                    {if items.is_empty() {
                        view! { <p class="muted">{t!(i18n, notifications.none)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="notifications">
                                {items.into_iter().map(|n| {
                                    let link = match (n.engagement_id, n.need_id, n.advisory_id) {
                                        (Some(id), _, _) => format!("/engagements/{id}"),
                                        (None, Some(id), _) => format!("/needs/{id}"),
                                        (None, None, Some(id)) => format!("/advisories/{id}"),
                                        (None, None, None) => "/account".to_owned(),
                                    };
                                    view! {
                                        <li class="notification" class:notification--unread=!n.read data-notification=n.kind.code()>
                                            <p>
                                                {(!n.read).then(|| view! { <strong class="badge">{t!(i18n, notifications.new)}</strong> " " })}
                                                {notification_text(n.kind)} " "
                                                <A href=link>{n.subject.clone()}</A>
                                            </p>
                                            <p class="muted"><When at=n.at.clone() /></p>
                                            {(!n.read).then(|| view! {
                                                <ActionForm action=mark attr:class="inline-form">
                                                    <input type="hidden" name="id" value=n.id.to_string() />
                                                    <button type="submit" class="link-button">{t!(i18n, notifications.mark_one)}</button>
                                                </ActionForm>
                                            })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                    <nav class="pager" aria-label=t_string!(i18n, pager.label).to_string()>
                        {(current > 0).then(|| view! { <A href=format!("/notifications?page={}", current - 1)>{t!(i18n, pager.previous)}</A> })}
                        {full.then(|| view! { <A href=format!("/notifications?page={}", current + 1)>{t!(i18n, pager.next)}</A> })}
                    </nav>
                }
                    .into_any()
            })}
        </Suspense>
    }
}
