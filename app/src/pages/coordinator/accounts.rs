//! `/coordinator/accounts`: finding accounts, disabling them, changing roles,
//! issuing password reset links, ending sessions, and inviting coordinators.

use crate::{
    api::admin::{
        EndAccountSessions, InviteCoordinator, IssueResetLink, SetAccountRole, SetAccountStatus,
        list_accounts,
    },
    components::{
        form::{Check, Field, FormAlert, Kind, Submit, action_error, use_form_memory},
        guard::page_error,
    },
    i18n::{t, t_string, use_i18n},
    model::Role,
    validate,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The accounts page.
#[component]
pub fn AccountsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let status = ServerAction::<SetAccountStatus>::new();
    let role = ServerAction::<SetAccountRole>::new();
    let reset = ServerAction::<IssueResetLink>::new();
    let end = ServerAction::<EndAccountSessions>::new();
    let invite = ServerAction::<InviteCoordinator>::new();
    let invite_error = action_error(invite);
    let row_error = Signal::derive(move || {
        [
            status.value().get().and_then(Result::err),
            role.value().get().and_then(Result::err),
            reset.value().get().and_then(Result::err),
            end.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next()
    });
    let search = move || query.read().get("q");
    let role_filter = move || query.read().get("role");
    let page = move || query.read().get("page").and_then(|p| p.parse::<u64>().ok());
    let accounts = Resource::new(
        move || {
            (
                search(),
                role_filter(),
                page(),
                status.version().get() + role.version().get() + invite.version().get(),
            )
        },
        |(q, r, p, _)| list_accounts(q, r, p),
    );
    let kept_invite = use_form_memory::<InviteCoordinator>();
    let kept_reset = use_form_memory::<IssueResetLink>();
    view! {
        <Title text=t_string!(i18n, accounts.title).to_string() />
        <h1>{t!(i18n, accounts.title)}</h1>
        <form method="get" action="/coordinator/accounts" class="filters" role="search">
            <label for="q">{t!(i18n, accounts.search)}</label>
            <input id="q" name="q" type="search" value=search maxlength=100 />
            <label for="role-filter">{t!(i18n, fields.role)}</label>
            <select id="role-filter" name="role">
                <option value="">{t!(i18n, accounts.any_role)}</option>
                <option value="organisation_member" selected=move || role_filter().as_deref() == Some("organisation_member")>
                    {t!(i18n, roles.organisation_member)}
                </option>
                <option value="volunteer" selected=move || role_filter().as_deref() == Some("volunteer")>{t!(i18n, roles.volunteer)}</option>
                <option value="coordinator" selected=move || role_filter().as_deref() == Some("coordinator")>{t!(i18n, roles.coordinator)}</option>
            </select>
            <button type="submit" class="button button--secondary">{t!(i18n, accounts.filter)}</button>
        </form>
        <FormAlert error=row_error />
        <Suspense>
            {move || Suspend::new(async move {
                let kept_reset = kept_reset.await;
                let link = reset.value().get().and_then(Result::ok).or_else(|| kept_reset.get("link").cloned());
                let accounts = match accounts.await {
                    Ok(accounts) => accounts,
                    Err(e) => return page_error(e),
                };
                view! {
                    {link.map(|link| view! { <OneTimeLink link /> })}
                    <p class="muted">{t!(i18n, accounts.count, count = crate::count(accounts.total))}</p>
                    <div class="table-wrap">
                        <table class="table">
                            <thead>
                                <tr>
                                    <th scope="col">{t!(i18n, fields.display_name)}</th>
                                    <th scope="col">{t!(i18n, fields.email)}</th>
                                    <th scope="col">{t!(i18n, fields.role)}</th>
                                    <th scope="col">{t!(i18n, accounts.state)}</th>
                                    <th scope="col">{t!(i18n, sessions.actions)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {accounts
                                    .rows
                                    .into_iter()
                                    .map(|a| {
                                        let id = a.id;
                                        let role_id = format!("role-{id}");
                                        view! {
                                            <tr data-account=id.to_string()>
                                                <td>{a.display_name.clone()}</td>
                                                <td><bdi>{a.email.clone()}</bdi></td>
                                                <td>
                                                    <ActionForm action=role attr:class="inline-form">
                                                        <input type="hidden" name="account" value=id.to_string() />
                                                        <label class="visually-hidden" for=role_id.clone()>{t!(i18n, fields.role)}</label>
                                                        <select id=role_id name="role">
                                                            {[Role::OrganisationMember, Role::Volunteer, Role::Coordinator]
                                                                .into_iter()
                                                                .map(|r| view! {
                                                                    <option value=r.as_str() selected=r == a.role>{role_name(r)}</option>
                                                                })
                                                                .collect_view()}
                                                        </select>
                                                        <Submit label=t_string!(i18n, accounts.change_role).to_string() secondary=true />
                                                    </ActionForm>
                                                </td>
                                                <td>
                                                    {if a.disabled {
                                                        t_string!(i18n, accounts.disabled).to_string()
                                                    } else {
                                                        t_string!(i18n, accounts.active).to_string()
                                                    }}
                                                    {a.mfa_enabled.then(|| view! { " · " <span class="badge">"2FA"</span> })}
                                                </td>
                                                <td class="actions">
                                                    <ActionForm action=status attr:class="inline-form">
                                                        <input type="hidden" name="account" value=id.to_string() />
                                                        <input type="hidden" name="disabled" value=if a.disabled { "false" } else { "true" } />
                                                        <Submit label=if a.disabled {
                                                            t_string!(i18n, accounts.enable).to_string()
                                                        } else {
                                                            t_string!(i18n, accounts.disable).to_string()
                                                        } secondary=true />
                                                    </ActionForm>
                                                    <ActionForm action=reset attr:class="inline-form">
                                                        <input type="hidden" name="account" value=id.to_string() />
                                                        <Submit label=t_string!(i18n, accounts.reset_link).to_string() secondary=true />
                                                    </ActionForm>
                                                    <ActionForm action=end attr:class="inline-form">
                                                        <input type="hidden" name="account" value=id.to_string() />
                                                        <Submit label=t_string!(i18n, accounts.end_sessions).to_string() secondary=true />
                                                    </ActionForm>
                                                </td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <Pager total=accounts.total page=accounts.page page_size=accounts.page_size />
                }
                    .into_any()
            })}
        </Suspense>
        <h2>{t!(i18n, accounts.invite_title)}</h2>
        <p>{t!(i18n, accounts.invite_lead)}</p>
        <Suspense>
            {move || Suspend::new(async move {
                let kept = kept_invite.await;
                let link = invite.value().get().and_then(Result::ok).or_else(|| kept.get("link").cloned());
                let value = move |k: &str| kept.get(k).cloned();
                view! {
                    {link.map(|link| view! { <OneTimeLink link /> })}
                    <ActionForm action=invite attr:class="form" attr:novalidate="">
                        <FormAlert error=invite_error />
                        <Field name="display_name" label=t_string!(i18n, fields.display_name).to_string()
                            value=value("display_name") required=true maxlength=validate::NAME_MAX server_error=invite_error
                            validate=Check::DisplayName />
                        <Field name="email" kind=Kind::Email label=t_string!(i18n, fields.email).to_string()
                            value=value("email") required=true maxlength=validate::EMAIL_MAX server_error=invite_error
                            validate=Check::Email />
                        <Submit label=t_string!(i18n, accounts.invite).to_string() />
                    </ActionForm>
                }
            })}
        </Suspense>
    }
}

fn role_name(role: Role) -> String {
    let i18n = use_i18n();
    match role {
        Role::OrganisationMember => t_string!(i18n, roles.organisation_member).to_string(),
        Role::Volunteer => t_string!(i18n, roles.volunteer).to_string(),
        Role::Coordinator => t_string!(i18n, roles.coordinator).to_string(),
    }
}

/// A one-time link to hand over out of band.
#[component]
fn OneTimeLink(link: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="alert alert--warn" role="status">
            <p>{t!(i18n, accounts.link_lead)}</p>
            <p><code class="one-time-link" data-one-time-link="">{link}</code></p>
        </div>
    }
}

/// Previous / next links for a paged list, keeping the other query parameters.
#[component]
pub fn Pager(total: u64, page: u64, page_size: u64) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let href = move |p: u64| {
        let mut params: Vec<(String, String)> = query
            .get_untracked()
            .into_iter()
            .filter(|(k, _)| k != "page")
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        params.push(("page".into(), p.to_string()));
        let encoded: Vec<String> = params
            .into_iter()
            .map(|(k, v)| format!("{}={}", encode(&k), encode(&v)))
            .collect();
        format!("?{}", encoded.join("&"))
    };
    let pages = total.div_ceil(page_size.max(1));
    view! {
        <nav class="pager" aria-label=move || t_string!(i18n, pager.label).to_string()>
            {(page > 0).then(|| view! { <a href=href(page - 1) rel="prev">{t!(i18n, pager.previous)}</a> })}
            <span>{t!(i18n, pager.position, page = crate::count(page + 1), pages = crate::count(pages.max(1)))}</span>
            {(page + 1 < pages).then(|| view! { <a href=href(page + 1) rel="next">{t!(i18n, pager.next)}</a> })}
        </nav>
    }
}

fn encode(raw: &str) -> String {
    let mut out = String::new();
    for byte in raw.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(char::from(byte)),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}
