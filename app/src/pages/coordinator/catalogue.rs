//! `/coordinator/catalogue`: adding, renaming and retiring skills and categories.

use crate::{
    api::{reference::fetch_catalogue, vetting::ChangeCatalogue},
    components::{
        form::{FormAlert, GroupError, action_error},
        guard::page_error,
    },
    i18n::{t, t_string, use_i18n},
};
use leptos::prelude::*;
use leptos_meta::Title;

/// The catalogue page.
#[component]
pub fn CataloguePage() -> impl IntoView {
    let i18n = use_i18n();
    let change = ServerAction::<ChangeCatalogue>::new();
    let error = action_error(change);
    let catalogue = Resource::new(move || change.version().get(), |_| fetch_catalogue());
    let access = Resource::new(|| (), |()| crate::api::auth::require_coordinator());
    view! {
        <Title text=t_string!(i18n, catalogue.title).to_string() />
        <h1>{t!(i18n, catalogue.title)}</h1>
        <p class="lead">{t!(i18n, catalogue.lead)}</p>
        <FormAlert error />
        <GroupError name="name" server_error=error />
        <Suspense>
            {move || Suspend::new(async move {
                if let Err(e) = access.await {
                    return page_error(e);
                }
                let catalogue = match catalogue.await {
                    Ok(c) => c,
                    Err(e) => return page_error(e),
                };
                let all = catalogue.clone();
                view! {
                    <h2>{t!(i18n, catalogue.add_category)}</h2>
                    <ActionForm action=change attr:class="inline-form">
                        <input type="hidden" name="kind" value="category" />
                        <input type="hidden" name="operation" value="add" />
                        <label for="new-category">{t!(i18n, catalogue.name)}</label>
                        <input id="new-category" name="name" required maxlength=100 />
                        <button type="submit" class="button button--secondary">{t!(i18n, catalogue.add)}</button>
                    </ActionForm>
                    {catalogue.categories.iter().map(|c| {
                        let skills: Vec<_> = all.skills.iter().filter(|s| s.category_id == c.id).cloned().collect();
                        let cid = c.id;
                        view! {
                            <section class="catalogue" data-category=cid.to_string()>
                                <h2>{c.name.clone()} {c.retired.then(|| view! { " " <span class="badge">{t!(i18n, catalogue.retired)}</span> })}</h2>
                                <Item kind="category" id=c.id name=c.name.clone() retired=c.retired action=change />
                                <ul class="catalogue__skills">
                                    {skills.into_iter().map(|s| view! {
                                        <li data-skill=s.id.to_string()>
                                            <Item kind="skill" id=s.id name=s.name.clone() retired=s.retired action=change />
                                        </li>
                                    }).collect_view()}
                                </ul>
                                <ActionForm action=change attr:class="inline-form">
                                    <input type="hidden" name="kind" value="skill" />
                                    <input type="hidden" name="operation" value="add" />
                                    <input type="hidden" name="category" value=cid.to_string() />
                                    <label for=format!("new-skill-{cid}")>{t!(i18n, catalogue.add_skill)}</label>
                                    <input id=format!("new-skill-{cid}") name="name" required maxlength=100 />
                                    <button type="submit" class="button button--secondary">{t!(i18n, catalogue.add)}</button>
                                </ActionForm>
                            </section>
                        }
                    }).collect_view()}
                }
                    .into_any()
            })}
        </Suspense>
    }
}

/// Rename and retire/restore forms for one entry.
#[component]
fn Item(
    kind: &'static str,
    id: i64,
    name: String,
    retired: bool,
    action: ServerAction<ChangeCatalogue>,
) -> impl IntoView {
    let i18n = use_i18n();
    let field = format!("rename-{kind}-{id}");
    view! {
        <div class="catalogue__item">
            <ActionForm action attr:class="inline-form">
                <input type="hidden" name="kind" value=kind />
                <input type="hidden" name="operation" value="rename" />
                <input type="hidden" name="id" value=id.to_string() />
                <label class="visually-hidden" for=field.clone()>{t!(i18n, catalogue.name)}</label>
                <input id=field name="name" value=name required maxlength=100 />
                <button type="submit" class="button button--secondary">{t!(i18n, catalogue.rename)}</button>
            </ActionForm>
            <ActionForm action attr:class="inline-form">
                <input type="hidden" name="kind" value=kind />
                <input type="hidden" name="operation" value=if retired { "restore" } else { "retire" } />
                <input type="hidden" name="id" value=id.to_string() />
                <button type="submit" class="button button--secondary">
                    {if retired { t_string!(i18n, catalogue.restore).to_string() } else { t_string!(i18n, catalogue.retire).to_string() }}
                </button>
            </ActionForm>
        </div>
    }
}
