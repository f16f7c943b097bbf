//! The guidance library: `/guidance` (by topic, searchable by title),
//! `/guidance/:slug` (one article; public, so a hospital can be sent the link),
//! and the coordinators' editor at `/coordinator/guidance/new` and
//! `/coordinator/guidance/:slug`. Every page works without JavaScript.

use crate::dates::When;
use crate::{
    api::{
        auth::whoami,
        guidance::{
            ArticleInput, ArticleSummary, SaveArticle, fetch_article, fetch_article_form, fetch_library,
        },
    },
    components::{
        form::{
            Field, FormAlert, GroupError, SelectField, Submit, TextArea, action_error, kept_input,
            use_form_memory,
        },
        guard::page_error,
    },
    domain::{
        codes::GuidanceTopic,
        guidance::{BODY_MAX, SLUG_MAX, SUMMARY_MAX, TITLE_MAX},
    },
    i18n::{t, t_string, use_i18n},
    model::Role,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::A,
    hooks::{use_params_map, use_query_map},
};

/// A topic's name.
pub fn topic_name(topic: GuidanceTopic) -> String {
    let i18n = use_i18n();
    match topic {
        GuidanceTopic::Accounts => t_string!(i18n, guidance.topics.accounts),
        GuidanceTopic::Awareness => t_string!(i18n, guidance.topics.awareness),
        GuidanceTopic::Email => t_string!(i18n, guidance.topics.email),
        GuidanceTopic::Backups => t_string!(i18n, guidance.topics.backups),
        GuidanceTopic::Patching => t_string!(i18n, guidance.topics.patching),
        GuidanceTopic::Network => t_string!(i18n, guidance.topics.network),
        GuidanceTopic::Devices => t_string!(i18n, guidance.topics.devices),
        GuidanceTopic::Incidents => t_string!(i18n, guidance.topics.incidents),
    }
    .to_string()
}

/// A list of articles: title (linked), summary, last review.
#[component]
pub fn ArticleList(articles: Vec<ArticleSummary>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="article-list">
            {articles
                .into_iter()
                .map(|a| view! {
                    <li data-article=a.slug.clone()>
                        <A href=format!("/guidance/{}", a.slug)>{a.title}</A>
                        <p>{a.summary}</p>
                        <p class="muted">{t!(i18n, guidance.reviewed, date = a.reviewed)}</p>
                    </li>
                })
                .collect_view()}
        </ul>
    }
}

/// The library.
#[component]
pub fn GuidancePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let q = move |k: &'static str| query.read().get(k).filter(|v| !v.is_empty());
    let library = Resource::new(
        move || (q("topic"), q("q")),
        |(topic, search)| fetch_library(topic, search),
    );
    let viewer = Resource::new(|| (), |()| whoami());
    view! {
        <Title text=t_string!(i18n, guidance.title).to_string() />
        <h1>{t!(i18n, guidance.title)}</h1>
        <p class="lead">{t!(i18n, guidance.lead)}</p>
        <Suspense>
            {move || Suspend::new(async move {
                let library = match library.await {
                    Ok(library) => library,
                    Err(e) => return page_error(e),
                };
                let coordinator = matches!(viewer.await, Ok(Some(v)) if v.role == Role::Coordinator);
                let topic = library.topic;
                let found = library.articles.len();
                let mut groups: Vec<(GuidanceTopic, Vec<ArticleSummary>)> = Vec::new();
                for a in library.articles {
                    match groups.last_mut() {
                        Some((t, list)) if *t == a.topic => list.push(a),
                        _ => groups.push((a.topic, vec![a])),
                    }
                }
                view! {
                    {coordinator.then(|| view! {
                        <p><A href="/coordinator/guidance/new" attr:class="button">{t!(i18n, guidance.new)}</A></p>
                    })}
                    <form method="get" action="/guidance" class="filters" role="search">
                        <label for="q">{t!(i18n, guidance.search)}</label>
                        <input id="q" name="q" type="search" value=library.search.clone() maxlength=100 />
                        <label for="topic">{t!(i18n, guidance.topic)}</label>
                        <select id="topic" name="topic">
                            <option value="">{t!(i18n, guidance.all_topics)}</option>
                            {GuidanceTopic::ALL.iter().map(|t| view! {
                                <option value=t.code() selected=topic == Some(*t)>{topic_name(*t)}</option>
                            }).collect_view()}
                        </select>
                        <button type="submit" class="button button--secondary">{t!(i18n, guidance.find)}</button>
                    </form>
                    {(found == 0).then(|| view! { <p class="muted" data-none="">{t!(i18n, guidance.none)}</p> })}
                    {groups.into_iter().map(|(topic, articles)| view! {
                        <section aria-labelledby=format!("topic-{}", topic.code()) data-topic=topic.code()>
                            <h2 id=format!("topic-{}", topic.code())>{topic_name(topic)}</h2>
                            <ArticleList articles=articles />
                        </section>
                    }).collect_view()}
                }
                    .into_any()
            })}
        </Suspense>
    }
}

/// One article.
#[component]
pub fn ArticlePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let article = Resource::new(slug, fetch_article);
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                let article = match article.await {
                    Ok(a) => a,
                    Err(e) => return page_error(e),
                };
                let s = article.summary.clone();
                view! {
                    <Title text=s.title.clone() />
                    <p><A href="/guidance">{t!(i18n, guidance.back)}</A></p>
                    <article class="article" data-article=s.slug.clone()>
                        <h1>{s.title.clone()}</h1>
                        <p class="muted">
                            {topic_name(s.topic)} " · " {t!(i18n, guidance.reviewed, date = s.reviewed.clone())}
                        </p>
                        <p class="lead">{s.summary.clone()}</p>
                        // Rendered from Markdown and sanitised on the server (services::guidance::render).
                        <div class="article__body" inner_html=article.body_html.clone()></div>
                        {(!article.sources.is_empty()).then(|| view! {
                            <h2>{t!(i18n, guidance.sources)}</h2>
                            <ul class="sources">
                                {article.sources.iter().map(|src| view! {
                                    <li><a href=src.url.clone() rel="noopener noreferrer">{src.name.clone()}</a></li>
                                }).collect_view()}
                            </ul>
                        })}
                        {(!article.categories.is_empty()).then(|| view! {
                            <p class="muted" data-categories="">
                                {t!(i18n, guidance.helps_with)} " "
                                {article.categories.iter().map(|(_, name)| name.clone()).collect::<Vec<_>>().join(", ")}
                            </p>
                        })}
                    </article>
                    {article.editable.then(|| view! {
                        <p><A href=format!("/coordinator/guidance/{}", s.slug) attr:class="button button--secondary">{t!(i18n, guidance.edit)}</A></p>
                    })}
                }
                    .into_any()
            })}
        </Suspense>
    }
}

/// The editor: a new article (no `:slug`), or the one named.
#[component]
pub fn ArticleEditPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let slug = move || params.read().get("slug").filter(|s| !s.is_empty());
    let save = ServerAction::<SaveArticle>::new();
    let error = action_error(save);
    let form = Resource::new(slug, fetch_article_form);
    let kept = use_form_memory::<SaveArticle>();
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                let form = match form.await {
                    Ok(form) => form,
                    Err(e) => return page_error(e),
                };
                let creating = form.input.original.is_empty();
                let input: ArticleInput = kept_input(&kept.await).unwrap_or(form.input);
                let title = if creating {
                    t_string!(i18n, guidance.new).to_string()
                } else {
                    t_string!(i18n, guidance.edit_title, title = input.title.clone()).to_string()
                };
                let topics = GuidanceTopic::ALL.iter().map(|t| (t.code().to_owned(), topic_name(*t))).collect();
                view! {
                    <Title text=title.clone() />
                    <p><A href="/guidance">{t!(i18n, guidance.back)}</A></p>
                    <h1>{title}</h1>
                    <ActionForm action=save attr:class="form" attr:novalidate="" attr:data-form="guidance">
                        <FormAlert error=error />
                        <input type="hidden" name="input[original]" value=input.original.clone() />
                        <Field name="title" prefix="input" label=t_string!(i18n, guidance.field_title).to_string()
                            value=Some(input.title.clone()) required=true maxlength=TITLE_MAX server_error=error />
                        <Field name="slug" prefix="input" label=t_string!(i18n, guidance.field_slug).to_string()
                            hint=t_string!(i18n, guidance.field_slug_hint).to_string()
                            value=Some(input.slug.clone()) required=true maxlength=SLUG_MAX server_error=error />
                        <SelectField name="topic" prefix="input" label=t_string!(i18n, guidance.topic).to_string()
                            options=topics placeholder=t_string!(i18n, guidance.choose).to_string()
                            value=Some(input.topic.clone()) required=true server_error=error />
                        <TextArea name="summary" prefix="input" label=t_string!(i18n, guidance.field_summary).to_string()
                            value=Some(input.summary.clone()) required=true maxlength=SUMMARY_MAX rows=2 server_error=error />
                        <TextArea name="body" prefix="input" label=t_string!(i18n, guidance.field_body).to_string()
                            hint=t_string!(i18n, guidance.field_body_hint).to_string()
                            value=Some(input.body.clone()) required=true maxlength=BODY_MAX rows=24 server_error=error />
                        <TextArea name="sources" prefix="input" label=t_string!(i18n, guidance.sources).to_string()
                            hint=t_string!(i18n, guidance.field_sources_hint).to_string()
                            value=Some(input.sources.clone()) rows=4 server_error=error />
                        <Field name="reviewed" prefix="input" label=t_string!(i18n, guidance.field_reviewed).to_string()
                            hint=t_string!(i18n, guidance.field_reviewed_hint).to_string()
                            value=Some(input.reviewed.clone()) required=true maxlength=10usize server_error=error />
                        <fieldset class="choice">
                            <legend>{t!(i18n, guidance.helps_with)}</legend>
                            <GroupError name="categories" server_error=error />
                            {form.categories.iter().map(|(id, name)| {
                                let checked = input.categories.get(&id.to_string()).is_some_and(|v| !v.is_empty());
                                view! {
                                    <label class="choice__option">
                                        <input type="checkbox" name=format!("input[categories][{id}]") value="on" checked=checked />
                                        " " {name.clone()}
                                    </label>
                                }
                            }).collect_view()}
                        </fieldset>
                        <Submit label=t_string!(i18n, guidance.save).to_string() />
                    </ActionForm>
                    {(!form.history.is_empty()).then(|| view! {
                        <h2>{t!(i18n, guidance.history)}</h2>
                        <div class="table-wrap">
                        <table class="table table--dense" data-history="">
                            <thead><tr>
                                <th scope="col">{t!(i18n, guidance.saved_at)}</th>
                                <th scope="col">{t!(i18n, guidance.saved_by)}</th>
                                <th scope="col">{t!(i18n, guidance.field_title)}</th>
                                <th scope="col">{t!(i18n, guidance.field_reviewed)}</th>
                                <th scope="col">{t!(i18n, guidance.length)}</th>
                            </tr></thead>
                            <tbody>
                                {form.history.iter().map(|r| view! {
                                    <tr>
                                        <td><When at=r.at.clone() /></td>
                                        <td>{if r.by.is_empty() { t_string!(i18n, guidance.shipped).to_string() } else { r.by.clone() }}</td>
                                        <td>{r.title.clone()}</td>
                                        <td>{r.reviewed.clone()}</td>
                                        <td>{r.length.to_string()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        </div>
                    })}
                }
                    .into_any()
            })}
        </Suspense>
    }
}
