//! The guidance library: public articles in Markdown, listed by topic and
//! searchable by title, shown beside needs of the categories they serve;
//! coordinators write and edit them, and every saved version is kept.
//!
//! Markdown becomes HTML with `pulldown-cmark` and is then cleaned by
//! `ammonia` (an allow-list: no scripts, styles, frames, images, event
//! attributes, or `javascript:`/`data:` links; links get
//! `rel="noopener noreferrer"`), so what
//! a coordinator types can never run in a reader's browser.
//!
//! The articles shipped with Frontline (`app/guidance/*.md`, TOML front matter)
//! are added at start when their slug is not there yet: an article a
//! coordinator edited is never overwritten, and a new shipped one appears on
//! upgrade.

use super::{
    ServiceError,
    audit::{self, Action, Actor},
};
use crate::domain::codes::{AuditObject, GuidanceTopic};
use crate::domain::guidance::{
    ArticleForm, ArticleInput, ArticleSummary, ArticleView, Library, Revision, Source, ValidArticle,
    sources_text,
};
use crate::infra::db::begin_write;
use crate::model::{day, utc};
use crate::session::CurrentUser;
use crate::validate::Message;
use entity::{account, account::Role, guidance_article, guidance_category, guidance_revision, need_category};
use sea_orm::{
    ActiveModelTrait as _,
    ActiveValue::Set,
    ColumnTrait as _, ConnectionTrait, DatabaseConnection, EntityTrait as _, QueryFilter as _,
    QueryOrder as _,
    sea_query::{Expr, ExprTrait as _, Func},
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use time::OffsetDateTime;

/// The articles shipped with Frontline.
const SHIPPED: [&str; 8] = [
    include_str!("../../guidance/multi-factor-authentication.md"),
    include_str!("../../guidance/recognising-phishing.md"),
    include_str!("../../guidance/backups-that-survive-ransomware.md"),
    include_str!("../../guidance/patching.md"),
    include_str!("../../guidance/email-authentication.md"),
    include_str!("../../guidance/remote-access.md"),
    include_str!("../../guidance/first-hour-of-an-incident.md"),
    include_str!("../../guidance/medical-devices-on-the-network.md"),
];

/// Markdown as safe HTML.
#[must_use]
pub fn render(markdown: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut raw = String::with_capacity(markdown.len() * 5 / 4);
    html::push_html(&mut raw, Parser::new_ext(markdown, options));
    ammonia::Builder::default()
        // Text only: an image from elsewhere would tell its server who reads the article.
        .rm_tags(["img"])
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"))
        .clean(&raw)
        .to_string()
}

/// A shipped article's front matter.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    title: String,
    slug: String,
    topic: String,
    categories: Vec<String>,
    summary: String,
    reviewed: String,
    sources: Vec<Source>,
}

/// A shipped article: its checked fields and its need category codes.
#[derive(Debug)]
struct Shipped {
    article: ValidArticle,
    categories: Vec<String>,
}

/// Parses a shipped file: `+++`, TOML, `+++`, Markdown.
fn parse_shipped(file: &str) -> Result<Shipped, String> {
    let rest = file.strip_prefix("+++\n").ok_or("no front matter")?;
    let (front, body) = rest.split_once("\n+++\n").ok_or("front matter not closed")?;
    let front: FrontMatter = toml::from_str(front).map_err(|e| e.to_string())?;
    let input = ArticleInput {
        original: String::new(),
        slug: front.slug,
        title: front.title,
        topic: front.topic,
        summary: front.summary,
        body: body.to_owned(),
        sources: sources_text(&front.sources),
        reviewed: front.reviewed,
        categories: Default::default(),
    };
    let article = input
        .validate()
        .map_err(|e| format!("{} does not pass: {e:?}", input.slug))?;
    Ok(Shipped {
        article,
        categories: front.categories,
    })
}

/// Adds the shipped articles whose slug is not in the library yet (each in
/// its own transaction; another instance adding it at the same moment is fine).
/// Returns how many were added.
///
/// # Errors
/// [`ServiceError::Internal`] for a shipped article that does not parse or
/// names an unknown category (a build mistake); database errors.
pub async fn install_shipped(db: &DatabaseConnection, now: OffsetDateTime) -> Result<usize, ServiceError> {
    let codes: HashMap<String, i64> = need_category::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.code, c.id))
        .collect();
    let mut added = 0;
    for file in SHIPPED {
        let Shipped {
            mut article,
            categories,
        } = parse_shipped(file)
            .map_err(|e| ServiceError::Internal(format!("a shipped guidance article: {e}")))?;
        article.categories = categories
            .iter()
            .map(|code| {
                codes.get(code).copied().ok_or_else(|| {
                    ServiceError::Internal(format!("{}: unknown category {code}", article.slug))
                })
            })
            .collect::<Result<_, _>>()?;
        let exists = guidance_article::Entity::find()
            .filter(guidance_article::Column::Slug.eq(&article.slug))
            .one(db)
            .await?
            .is_some();
        if exists {
            continue;
        }
        let txn = begin_write(db).await?;
        match insert(&txn, now, None, &article).await {
            Ok(_) => {
                txn.commit().await?;
                added += 1;
            }
            Err(ServiceError::Db(e)) if crate::infra::db::is_unique_violation(&e) => txn.rollback().await?,
            Err(e) => return Err(e),
        }
    }
    if added > 0 {
        tracing::info!(
            added,
            "guidance articles shipped with this version added to the library"
        );
    }
    Ok(added)
}

/// The library: every article, or those of one topic, or those whose title
/// holds `search`; in topic order, then by title.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all)]
pub async fn library<C: ConnectionTrait>(
    db: &C,
    topic: Option<&str>,
    search: Option<&str>,
) -> Result<Library, ServiceError> {
    let topic = topic.and_then(GuidanceTopic::parse);
    let mut query = guidance_article::Entity::find();
    if let Some(topic) = topic {
        query = query.filter(guidance_article::Column::Topic.eq(topic.code()));
    }
    if let Some(pattern) = crate::infra::db::contains_pattern(search) {
        query =
            query.filter(Expr::expr(Func::lower(Expr::col(guidance_article::Column::Title))).like(pattern));
    }
    let mut articles: Vec<ArticleSummary> = query
        .order_by_asc(guidance_article::Column::Title)
        .all(db)
        .await?
        .into_iter()
        .filter_map(summary)
        .collect();
    articles.sort_by_key(|a| a.topic);
    Ok(Library {
        articles,
        search: search
            .map(str::trim)
            .unwrap_or_default()
            .chars()
            .take(crate::infra::db::SEARCH_MAX)
            .collect(),
        topic,
    })
}

/// An article's list facts (`None` for a stored topic this version does not know).
fn summary(a: guidance_article::Model) -> Option<ArticleSummary> {
    let topic = GuidanceTopic::parse(&a.topic);
    if topic.is_none() {
        tracing::warn!(slug = %a.slug, topic = %a.topic, "guidance article of an unknown topic left out");
    }
    Some(ArticleSummary {
        slug: a.slug,
        title: a.title,
        topic: topic?,
        summary: a.summary,
        reviewed: day(a.reviewed_on),
    })
}

/// The articles that serve a need category, by title.
///
/// # Errors
/// Database errors.
/// Articles by id, by title (none for no ids).
///
/// # Errors
/// Database errors.
pub async fn by_ids<C: ConnectionTrait>(
    db: &C,
    ids: Vec<i64>,
) -> Result<Vec<guidance_article::Model>, ServiceError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(guidance_article::Entity::find()
        .filter(guidance_article::Column::Id.is_in(ids))
        .order_by_asc(guidance_article::Column::Title)
        .all(db)
        .await?)
}

#[tracing::instrument(skip_all, fields(category_id = category_id))]
pub async fn for_category<C: ConnectionTrait>(
    db: &C,
    category_id: i64,
) -> Result<Vec<ArticleSummary>, ServiceError> {
    let ids: Vec<i64> = guidance_category::Entity::find()
        .filter(guidance_category::Column::CategoryId.eq(category_id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.article_id)
        .collect();
    Ok(by_ids(db, ids).await?.into_iter().filter_map(summary).collect())
}

/// One article, to read (anyone); `editable` for coordinators.
///
/// # Errors
/// [`ServiceError::NotFound`]; database errors.
#[tracing::instrument(skip_all)]
pub async fn article<C: ConnectionTrait>(
    db: &C,
    viewer: Option<&CurrentUser>,
    slug: &str,
) -> Result<ArticleView, ServiceError> {
    let a = find(db, slug).await?;
    let categories = categories_of(db, a.id).await?;
    let sources = serde_json::from_str(&a.sources).unwrap_or_default();
    let body_html = render(&a.body);
    let summary = summary(a).ok_or(ServiceError::NotFound)?;
    Ok(ArticleView {
        summary,
        body_html,
        sources,
        categories,
        editable: viewer.is_some_and(|u| u.role == Role::Coordinator),
    })
}

/// The article with this slug.
async fn find<C: ConnectionTrait>(db: &C, slug: &str) -> Result<guidance_article::Model, ServiceError> {
    if crate::domain::guidance::slug(slug).is_err() {
        return Err(ServiceError::NotFound);
    }
    guidance_article::Entity::find()
        .filter(guidance_article::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// The need categories an article serves: (id, name), in the catalogue's order.
async fn categories_of<C: ConnectionTrait>(
    db: &C,
    article_id: i64,
) -> Result<Vec<(i64, String)>, ServiceError> {
    let ids: Vec<i64> = guidance_category::Entity::find()
        .filter(guidance_category::Column::ArticleId.eq(article_id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.category_id)
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(need_category::Entity::find()
        .filter(need_category::Column::Id.is_in(ids))
        .order_by_asc(need_category::Column::SortOrder)
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect())
}

/// The edit form (coordinators): the article's fields and its history, or an
/// empty form for `None`.
///
/// # Errors
/// [`ServiceError::Forbidden`], [`ServiceError::NotFound`]; database errors.
#[tracing::instrument(skip_all)]
pub async fn form<C: ConnectionTrait>(
    db: &C,
    user: &CurrentUser,
    slug: Option<&str>,
) -> Result<ArticleForm, ServiceError> {
    if user.role != Role::Coordinator {
        return Err(ServiceError::Forbidden);
    }
    let all_categories = need_category::Entity::find()
        .filter(need_category::Column::RetiredAt.is_null())
        .order_by_asc(need_category::Column::SortOrder)
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let Some(slug) = slug else {
        return Ok(ArticleForm {
            input: ArticleInput::default(),
            categories: all_categories,
            history: Vec::new(),
        });
    };
    let a = find(db, slug).await?;
    let chosen = categories_of(db, a.id).await?;
    let sources: Vec<Source> = serde_json::from_str(&a.sources).unwrap_or_default();
    let history = history(db, a.id).await?;
    Ok(ArticleForm {
        input: ArticleInput {
            original: a.slug.clone(),
            slug: a.slug,
            title: a.title,
            topic: a.topic,
            summary: a.summary,
            body: a.body,
            sources: sources_text(&sources),
            reviewed: day(a.reviewed_on),
            categories: chosen
                .into_iter()
                .map(|(id, _)| (id.to_string(), "on".to_owned()))
                .collect(),
        },
        categories: all_categories,
        history,
    })
}

/// What a revision keeps of the article.
#[derive(Serialize, Deserialize)]
struct Snapshot {
    slug: String,
    title: String,
    topic: String,
    summary: String,
    body: String,
    sources: Vec<Source>,
    reviewed: String,
    categories: Vec<i64>,
}

/// An article's saved versions, newest first.
async fn history<C: ConnectionTrait>(db: &C, article_id: i64) -> Result<Vec<Revision>, ServiceError> {
    let revisions = guidance_revision::Entity::find()
        .filter(guidance_revision::Column::ArticleId.eq(article_id))
        .order_by_desc(guidance_revision::Column::Id)
        .all(db)
        .await?;
    let editors: HashMap<i64, String> = account::Entity::find()
        .filter(account::Column::Id.is_in(revisions.iter().filter_map(|r| r.edited_by)))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.display_name))
        .collect();
    Ok(revisions
        .into_iter()
        .map(|r| {
            let snapshot: Option<Snapshot> = serde_json::from_str(&r.snapshot).ok();
            Revision {
                at: utc(r.edited_at),
                by: r
                    .edited_by
                    .and_then(|id| editors.get(&id).cloned())
                    .unwrap_or_default(),
                title: snapshot.as_ref().map(|s| s.title.clone()).unwrap_or_default(),
                reviewed: snapshot.as_ref().map(|s| s.reviewed.clone()).unwrap_or_default(),
                length: snapshot.map_or(0, |s| s.body.chars().count()),
            }
        })
        .collect())
}

/// Writes a new article with its categories and first revision.
async fn insert<C: ConnectionTrait>(
    db: &C,
    now: OffsetDateTime,
    by: Option<i64>,
    article: &ValidArticle,
) -> Result<i64, ServiceError> {
    let reviewed = reviewed_date(article)?;
    let row = guidance_article::ActiveModel {
        slug: Set(article.slug.clone()),
        title: Set(article.title.clone()),
        topic: Set(article.topic.code().to_owned()),
        summary: Set(article.summary.clone()),
        body: Set(article.body.clone()),
        sources: Set(serde_json::to_string(&article.sources).unwrap_or_else(|_| "[]".into())),
        reviewed_on: Set(reviewed),
        updated_at: Set(now),
        updated_by: Set(by),
        ..Default::default()
    }
    .insert(db)
    .await?;
    write_categories(db, row.id, &article.categories).await?;
    write_revision(db, now, by, row.id, article).await?;
    Ok(row.id)
}

/// The reviewed date as a date (validated before, so always one).
fn reviewed_date(article: &ValidArticle) -> Result<time::Date, ServiceError> {
    let (y, m, d) = article.reviewed;
    time::Month::try_from(m)
        .ok()
        .and_then(|m| time::Date::from_calendar_date(y, m, d).ok())
        .ok_or_else(|| ServiceError::field("reviewed", Message::DateInvalid))
}

/// Replaces an article's categories.
async fn write_categories<C: ConnectionTrait>(
    db: &C,
    article_id: i64,
    categories: &[i64],
) -> Result<(), ServiceError> {
    guidance_category::Entity::delete_many()
        .filter(guidance_category::Column::ArticleId.eq(article_id))
        .exec(db)
        .await?;
    for &category_id in categories {
        guidance_category::ActiveModel {
            article_id: Set(article_id),
            category_id: Set(category_id),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Keeps this version.
async fn write_revision<C: ConnectionTrait>(
    db: &C,
    now: OffsetDateTime,
    by: Option<i64>,
    article_id: i64,
    a: &ValidArticle,
) -> Result<(), ServiceError> {
    let (y, m, d) = a.reviewed;
    let snapshot = Snapshot {
        slug: a.slug.clone(),
        title: a.title.clone(),
        topic: a.topic.code().to_owned(),
        summary: a.summary.clone(),
        body: a.body.clone(),
        sources: a.sources.clone(),
        reviewed: format!("{y:04}-{m:02}-{d:02}"),
        categories: a.categories.clone(),
    };
    guidance_revision::ActiveModel {
        article_id: Set(article_id),
        snapshot: Set(serde_json::to_string(&snapshot).unwrap_or_default()),
        edited_by: Set(by),
        edited_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Saves an article (coordinators): a new one when `input.original` is empty,
/// else the one it names, which may take a new slug. Every save is kept as a
/// revision and audited. Returns the slug.
///
/// # Errors
/// [`ServiceError::Forbidden`], [`ServiceError::NotFound`],
/// [`ServiceError::Validation`] (`slug` taken, any field); database errors.
#[tracing::instrument(skip_all)]
pub async fn save(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    actor: &Actor,
    user: &CurrentUser,
    input: &ArticleInput,
) -> Result<String, ServiceError> {
    if user.role != Role::Coordinator {
        return Err(ServiceError::Forbidden);
    }
    let article = input.validate().map_err(ServiceError::Validation)?;
    let known: Vec<i64> = need_category::Entity::find()
        .filter(need_category::Column::Id.is_in(article.categories.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    if known.len() != article.categories.len() {
        return Err(ServiceError::field("categories", Message::InvalidChoice));
    }
    let txn = begin_write(db).await?;
    let taken = guidance_article::Entity::find()
        .filter(guidance_article::Column::Slug.eq(&article.slug))
        .one(&txn)
        .await?;
    let original = input.original.trim();
    let (id, created) = if original.is_empty() {
        if taken.is_some() {
            return Err(ServiceError::field("slug", Message::SlugTaken));
        }
        (insert(&txn, now, Some(user.id), &article).await?, true)
    } else {
        let current = find(&txn, original).await?;
        if taken.is_some_and(|t| t.id != current.id) {
            return Err(ServiceError::field("slug", Message::SlugTaken));
        }
        let mut row: guidance_article::ActiveModel = current.into();
        row.slug = Set(article.slug.clone());
        row.title = Set(article.title.clone());
        row.topic = Set(article.topic.code().to_owned());
        row.summary = Set(article.summary.clone());
        row.body = Set(article.body.clone());
        row.sources = Set(serde_json::to_string(&article.sources).unwrap_or_else(|_| "[]".into()));
        row.reviewed_on = Set(reviewed_date(&article)?);
        row.updated_at = Set(now);
        row.updated_by = Set(Some(user.id));
        let row = row.update(&txn).await?;
        write_categories(&txn, row.id, &article.categories).await?;
        write_revision(&txn, now, Some(user.id), row.id, &article).await?;
        (row.id, false)
    };
    audit::record(
        &txn,
        now,
        actor,
        Action::GuidanceSaved,
        Some((AuditObject::GuidanceArticle, id)),
        json!({ "slug": article.slug, "created": created }),
    )
    .await?;
    match txn.commit().await {
        Ok(()) => Ok(article.slug),
        // Two coordinators creating the same slug at once: the second is told.
        Err(e) if crate::infra::db::is_unique_violation(&e) => {
            Err(ServiceError::field("slug", Message::SlugTaken))
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_article_parses_and_passes_the_form_checks() {
        let mut slugs = Vec::new();
        for file in SHIPPED {
            let shipped = parse_shipped(file).unwrap_or_else(|e| panic!("{e}"));
            assert!(
                !shipped.categories.is_empty(),
                "{}: no category",
                shipped.article.slug
            );
            assert!(
                shipped.article.sources.len() >= 2,
                "{}: name its sources",
                shipped.article.slug
            );
            assert!(!render(&shipped.article.body).is_empty());
            slugs.push(shipped.article.slug);
        }
        slugs.sort();
        slugs.dedup();
        assert_eq!(slugs.len(), SHIPPED.len(), "slugs are unique");
    }

    /// The usual payloads, as Markdown and as raw HTML inside it.
    #[test]
    fn markdown_cannot_carry_a_script() {
        let payloads = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<svg onload=alert(1)>",
            "[click](javascript:alert(1))",
            "[click](JaVaScRiPt:alert(1))",
            "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "![x](javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<style>body{display:none}</style>",
            "<div style=\"background:url(javascript:alert(1))\">x</div>",
            "<form action=\"https://evil.example\"><input name=p></form>",
            "<object data=\"x\"></object><embed src=\"x\">",
            "<a href=\"https://x.example\" onclick=\"alert(1)\">x</a>",
            "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
            "<details open ontoggle=alert(1)>",
            "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        ];
        for payload in payloads {
            let html = render(payload).to_ascii_lowercase();
            for bad in [
                "<script",
                "onerror",
                "onload",
                "onclick",
                "ontoggle",
                "javascript:",
                "data:",
                "<iframe",
                "<style",
                "style=",
                "<form",
                "<input",
                "<object",
                "<embed",
                "<meta",
            ] {
                assert!(!html.contains(bad), "{payload:?} left {bad:?}: {html}");
            }
        }
    }

    #[test]
    fn markdown_renders_and_external_links_do_not_pass_the_opener() {
        let html = render(
            "## Steps\n\n1. Do **this**\n2. Then [that](https://www.cisa.gov/MFA)\n\n`v=DMARC1; p=none`",
        );
        assert!(html.contains("<h2>Steps</h2>"), "{html}");
        assert!(
            html.contains("<ol>") && html.contains("<strong>this</strong>"),
            "{html}"
        );
        assert!(html.contains("<code>v=DMARC1; p=none</code>"), "{html}");
        assert!(
            html.contains("<a href=\"https://www.cisa.gov/MFA\" rel=\"noopener noreferrer\">that</a>"),
            "{html}"
        );
    }
}
