//! `/volunteer/matches`: "Needs that fit you" — open needs ranked for the
//! volunteer, most urgent tier first, each with the factors of the fit and the
//! offer-to-help action.

use crate::names::Country;
use crate::{
    api::{engagements::OfferHelp, matching::needs_for_me},
    components::{
        form::{FormAlert, GroupError, action_error},
        guard::page_error,
    },
    i18n::{t, t_string, use_i18n},
    pages::{
        matching::{FactorBars, percent},
        needs::table::urgency_name,
    },
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// The page.
#[component]
pub fn FitsPage() -> impl IntoView {
    let i18n = use_i18n();
    let offer = ServerAction::<OfferHelp>::new();
    let fits = Resource::new(|| (), |()| needs_for_me());
    view! {
        <Title text=t_string!(i18n, fits.title).to_string() />
        <h1>{t!(i18n, fits.title)}</h1>
        <Suspense>
            {move || Suspend::new(async move {
                let f = match fits.await {
                    Ok(f) => f,
                    Err(e) => return page_error(e),
                };
                let error = action_error(offer);
                if !f.approved {
                    return view! { <p class="alert alert--warn">{t!(i18n, fits.not_approved)}</p> }.into_any();
                }
                view! {
                    <p class="muted" data-free-slots=f.free_slots.to_string()>
                        {t!(i18n, fits.lead, open = crate::count(f.open_needs), hours = crate::count(f.free_hours), slots = crate::count(f.free_slots))}
                    </p>
                    <FormAlert error />
                    <GroupError name="capacity" server_error=error />
                    <GroupError name="volunteer" server_error=error />
                    {if f.needs.is_empty() {
                        view! { <p class="muted">{t!(i18n, fits.none)}</p> }.into_any()
                    } else {
                        view! {
                            <ol class="candidates">
                                {f.needs.into_iter().map(|n| {
                                    let s = n.need;
                                    view! {
                                        <li class="candidate" data-fit-need=s.id.to_string()>
                                            <p class="candidate__head">
                                                <span class=format!("urgency urgency--{}", s.urgency.code())>{urgency_name(s.urgency)}</span> " "
                                                <A href=format!("/needs/{}", s.id)><strong>{s.title.clone()}</strong></A>
                                                " · " {s.organisation.clone()} " (" <Country code=s.country.clone() /> ") · " {s.category.clone()}
                                            </p>
                                            <p>
                                                {t!(i18n, matching.fit)} " " <meter min="0" max="1" value=n.fit></meter> " "
                                                <strong>{percent(n.fit)}</strong> " · " {t!(i18n, fits.weekly, hours = crate::count(n.weekly_hours))}
                                            </p>
                                            <FactorBars factors=n.factors.clone() />
                                            <ActionForm action=offer attr:class="inline-form" attr:data-form="offer">
                                                <input type="hidden" name="need" value=s.id.to_string() />
                                                <input type="hidden" name="note" value="" />
                                                <button type="submit" class="button">{t!(i18n, engagements.offer_button)}</button>
                                            </ActionForm>
                                        </li>
                                    }
                                }).collect_view()}
                            </ol>
                        }.into_any()
                    }}
                }
                    .into_any()
            })}
        </Suspense>
    }
}
