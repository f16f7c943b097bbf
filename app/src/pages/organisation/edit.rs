//! `/organisation/edit`: the administrators edit the profile.

use crate::{
    api::{
        organisation::{UpdateOrganisation, fetch_my_organisation},
        reference::fetch_catalogue,
    },
    components::{
        form::{action_error, kept_input, use_form_memory},
        guard::page_error,
    },
    domain::organisation::OrganisationInput,
    error::AppError,
    i18n::{t, t_string, use_i18n},
    pages::organisation::form::OrganisationFields,
};
use leptos::prelude::*;
use leptos_meta::Title;

/// The edit page.
#[component]
pub fn EditOrganisationPage() -> impl IntoView {
    let i18n = use_i18n();
    let update = ServerAction::<UpdateOrganisation>::new();
    let error = action_error(update);
    let mine = Resource::new(|| (), |()| fetch_my_organisation());
    let catalogue = Resource::new(|| (), |()| fetch_catalogue());
    let kept = use_form_memory::<UpdateOrganisation>();
    view! {
        <Title text=t_string!(i18n, org.edit).to_string() />
        <h1>{t!(i18n, org.edit)}</h1>
        <Suspense>
            {move || Suspend::new(async move {
                let (mine, catalogue) = match (mine.await, catalogue.await) {
                    (Ok(Some(mine)), Ok(catalogue)) if mine.is_admin => (mine, catalogue),
                    (Ok(_), Ok(_)) => return page_error(AppError::Forbidden),
                    (Err(e), _) | (_, Err(e)) => return page_error(e),
                };
                let org = mine.organisation;
                let input: OrganisationInput = kept_input(&kept.await).unwrap_or_else(|| OrganisationInput {
                    name: org.name,
                    kind: org.kind.code().to_owned(),
                    country: org.country,
                    city: org.city,
                    size: org.size.code().to_owned(),
                    languages: org.languages.into_iter().map(|l| (l, "on".to_owned())).collect(),
                    website: org.website,
                    contact_name: org.contact_name,
                    contact_email: org.contact_email,
                    contact_phone: org.contact_phone,
                });
                view! {
                    <ActionForm action=update attr:class="form" attr:novalidate="">
                        <OrganisationFields catalogue input error submit=t_string!(i18n, org.save).to_string() />
                    </ActionForm>
                }
                    .into_any()
            })}
        </Suspense>
    }
}
