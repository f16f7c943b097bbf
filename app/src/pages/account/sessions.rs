//! `/account/sessions`: where the user is signed in, and ending those sessions.

use crate::dates::When;
use crate::{
    api::account::{EndSession, my_sessions},
    components::{
        form::{FormAlert, Submit, action_error},
        guard::page_error,
    },
    i18n::{t, t_string, use_i18n},
};
use leptos::prelude::*;
use leptos_meta::Title;

/// The sessions page.
#[component]
pub fn SessionsPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<EndSession>::new();
    let error = action_error(action);
    let sessions = Resource::new(move || action.version().get(), |_| my_sessions());
    view! {
        <Title text=t_string!(i18n, sessions.title).to_string() />
        <h1>{t!(i18n, sessions.title)}</h1>
        <p>{t!(i18n, sessions.lead)}</p>
        <FormAlert error />
        <Suspense>
            {move || Suspend::new(async move {
                let sessions = match sessions.await {
                    Ok(sessions) => sessions,
                    Err(e) => return page_error(e),
                };
                let others = sessions.iter().filter(|s| !s.current).count();
                view! {
                    <div class="table-wrap">
                        <table class="table">
                            <thead>
                                <tr>
                                    <th scope="col">{t!(i18n, sessions.browser)}</th>
                                    <th scope="col">{t!(i18n, sessions.address)}</th>
                                    <th scope="col">{t!(i18n, sessions.signed_in)}</th>
                                    <th scope="col">{t!(i18n, sessions.last_seen)}</th>
                                    <th scope="col"><span class="visually-hidden">{t!(i18n, sessions.actions)}</span></th>
                                </tr>
                            </thead>
                            <tbody>
                                {sessions
                                    .into_iter()
                                    .map(|s| {
                                        let current = s.current;
                                        let handle = s.handle.clone();
                                        view! {
                                            <tr data-session=s.handle.clone()>
                                                <td>{s.browser.clone()}</td>
                                                <td>{s.address.clone()}</td>
                                                <td><When at=s.created.clone() /></td>
                                                <td><When at=s.last_seen.clone() /></td>
                                                <td>
                                                    {if current {
                                                        view! { <span class="badge">{t!(i18n, sessions.this_one)}</span> }.into_any()
                                                    } else {
                                                        view! {
                                                            <ActionForm action attr:class="inline-form">
                                                                <input type="hidden" name="handle" value=handle />
                                                                <Submit label=t_string!(i18n, sessions.end).to_string() secondary=true />
                                                            </ActionForm>
                                                        }
                                                            .into_any()
                                                    }}
                                                </td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <Show when=move || { others > 0 }>
                        <ActionForm action attr:class="form">
                            <input type="hidden" name="handle" value="others" />
                            <Submit label=t_string!(i18n, sessions.end_others).to_string() />
                        </ActionForm>
                    </Show>
                }
                    .into_any()
            })}
        </Suspense>
    }
}
