//! The guidance library: anyone reads it (a hospital can be sent a link);
//! coordinators write and edit it.

use crate::error::AppError;
use leptos::prelude::*;

pub use crate::domain::guidance::{ArticleForm, ArticleInput, ArticleSummary, ArticleView, Library};

#[cfg(feature = "ssr")]
use {
    super::context::{Access, anyone, current_user, guard},
    crate::services::guidance,
    leptos::server_fn::ServerFn as _,
};

/// The library: every article, or one topic's, or those whose title holds `q`.
///
/// # Errors
/// [`AppError::Unavailable`].
#[server(endpoint = "guidance/library")]
pub async fn fetch_library(topic: Option<String>, q: Option<String>) -> Result<Library, AppError> {
    let ctx = anyone()?;
    Ok(guidance::library(&ctx.state.db, topic.as_deref(), q.as_deref()).await?)
}

/// One article, to read.
///
/// # Errors
/// [`AppError::NotFound`].
#[server(endpoint = "guidance/article")]
pub async fn fetch_article(slug: String) -> Result<ArticleView, AppError> {
    let ctx = anyone()?;
    let viewer = current_user(&ctx).await?;
    Ok(guidance::article(&ctx.state.db, viewer.as_ref(), &slug).await?)
}

/// The articles that serve a need category (shown beside its needs).
///
/// # Errors
/// [`AppError::Unavailable`].
#[server(endpoint = "guidance/for_category")]
pub async fn fetch_guidance_for_category(category: i64) -> Result<Vec<ArticleSummary>, AppError> {
    let ctx = anyone()?;
    Ok(guidance::for_category(&ctx.state.db, category).await?)
}

/// The edit form (coordinators): an article's fields and history, or an empty
/// form without `slug`.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`].
#[server(endpoint = "guidance/form")]
pub async fn fetch_article_form(slug: Option<String>) -> Result<ArticleForm, AppError> {
    let (ctx, user) = guard(Access::Coordinator).await?;
    Ok(guidance::form(&ctx.state.db, &user, slug.as_deref().filter(|s| !s.is_empty())).await?)
}

/// Saves an article (coordinators), then shows it.
///
/// # Errors
/// [`AppError::Validation`], [`AppError::Forbidden`], [`AppError::NotFound`].
#[server(endpoint = "guidance/save")]
pub async fn save_article(input: ArticleInput) -> Result<(), AppError> {
    let (ctx, user) = guard(Access::Coordinator).await?;
    match guidance::save(&ctx.state.db, ctx.state.clock.now(), &ctx.actor, &user, &input).await {
        Ok(slug) => {
            leptos_axum::redirect(&format!("/guidance/{slug}"));
            Ok(())
        }
        Err(e) => ctx.fail_with(SaveArticle::PATH, &input, e).await,
    }
}
