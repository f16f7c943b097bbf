//! Form building blocks: labelled fields with their errors, form-level alerts,
//! and the memory of typed values across a no-JavaScript round trip.
//!
//! Every form is an `ActionForm` over a server function: with JavaScript it
//! submits in the background and shows errors in place; without, the browser
//! posts it, the server redirects back with the error in the URL and the typed
//! values in the session ([`use_form_memory`]).

use crate::{
    error::AppError,
    i18n::{t, t_string, use_i18n},
    validate::{self, Message},
};
use leptos::{prelude::*, server_fn::ServerFn};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The translated text of a validation message.
pub fn message_text(message: Message) -> String {
    let i18n = use_i18n();
    match message {
        Message::Required => t_string!(i18n, validation.required).to_string(),
        Message::TooLong => t_string!(i18n, validation.too_long).to_string(),
        Message::EmailInvalid => t_string!(i18n, validation.email_invalid).to_string(),
        Message::EmailTaken => t_string!(i18n, validation.email_taken).to_string(),
        Message::NameInvalid => t_string!(i18n, validation.name_invalid).to_string(),
        Message::PasswordTooShort => t_string!(i18n, validation.password_too_short).to_string(),
        Message::PasswordTooLong => t_string!(i18n, validation.password_too_long).to_string(),
        Message::PasswordWeak => t_string!(i18n, validation.password_weak).to_string(),
        Message::PasswordsDiffer => t_string!(i18n, validation.passwords_differ).to_string(),
        Message::CurrentPasswordWrong => t_string!(i18n, validation.current_password_wrong).to_string(),
        Message::CodeInvalid => t_string!(i18n, validation.code_invalid).to_string(),
        Message::InvalidChoice => t_string!(i18n, validation.invalid_choice).to_string(),
        Message::UrlInvalid => t_string!(i18n, validation.url_invalid).to_string(),
        Message::NumberInvalid => t_string!(i18n, validation.number_invalid).to_string(),
        Message::DateInvalid => t_string!(i18n, validation.date_invalid).to_string(),
        Message::TooMany => t_string!(i18n, validation.too_many).to_string(),
        Message::AuthorisationRequired => t_string!(i18n, validation.authorisation_required).to_string(),
        Message::MustAccept => t_string!(i18n, validation.must_accept).to_string(),
        Message::OrganisationNotApproved => t_string!(i18n, validation.organisation_not_approved).to_string(),
        Message::NoCapacity => t_string!(i18n, validation.no_capacity).to_string(),
        Message::AlreadyProposed => t_string!(i18n, validation.already_proposed).to_string(),
        Message::BelowCommitted => t_string!(i18n, validation.below_committed).to_string(),
        Message::AddressNotVerified => t_string!(i18n, validation.address_not_verified).to_string(),
        Message::SlugInvalid => t_string!(i18n, validation.slug_invalid).to_string(),
        Message::SlugTaken => t_string!(i18n, validation.slug_taken).to_string(),
        Message::IndicatorInvalid => t_string!(i18n, validation.indicator_invalid).to_string(),
        Message::TargetsRequired => t_string!(i18n, validation.targets_required).to_string(),
        Message::NotADraft => t_string!(i18n, validation.not_a_draft).to_string(),
        Message::RangeInvalid => t_string!(i18n, validation.range_invalid).to_string(),
    }
}

/// The translated message for an error that is not about one field.
pub fn error_message(error: &AppError) -> AnyView {
    let i18n = use_i18n();
    if let AppError::RateLimited { retry_after_secs } = error {
        let seconds = *retry_after_secs;
        return view! { {t!(i18n, errors.rate_limited, seconds = crate::count(seconds))} }.into_any();
    }
    error_text(error).into_any()
}

/// The translated text of an error that is not about one field (without the
/// waiting time of [`AppError::RateLimited`]; see [`error_message`]).
pub fn error_text(error: &AppError) -> String {
    let i18n = use_i18n();
    match error {
        AppError::Validation(_) => t_string!(i18n, errors.validation).to_string(),
        AppError::InvalidCredentials => t_string!(i18n, errors.invalid_credentials).to_string(),
        AppError::Unauthenticated => t_string!(i18n, errors.unauthenticated).to_string(),
        AppError::Forbidden => t_string!(i18n, errors.forbidden).to_string(),
        AppError::MfaEnrolmentRequired => t_string!(i18n, errors.mfa_required).to_string(),
        AppError::RateLimited { .. } => t_string!(i18n, errors.rate_limited_short).to_string(),
        AppError::Conflict => t_string!(i18n, errors.conflict).to_string(),
        AppError::NotFound => t_string!(i18n, errors.not_found).to_string(),
        AppError::Unavailable => t_string!(i18n, error.unavailable_body).to_string(),
        AppError::BadRequest | AppError::Internal | AppError::Network => {
            t_string!(i18n, error.body).to_string()
        }
    }
}

/// The input typed before a failed plain submission of a form whose server
/// function takes one struct (kept as JSON under `input`).
pub fn kept_input<T: serde::de::DeserializeOwned + Default>(kept: &BTreeMap<String, String>) -> Option<T> {
    kept.get("input").and_then(|json| serde_json::from_str(json).ok())
}

/// The error of the last submission of `action`, if it failed.
pub fn action_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + Send + Sync + Clone + 'static,
    S::Output: Send + Sync + Clone + 'static,
{
    Signal::derive(move || action.value().get().and_then(Result::err))
}

/// The values typed into the form behind server function `S` before a failed
/// plain (no-JavaScript) submission, kept for one read.
///
/// Only fetched while rendering on the server: with JavaScript the values never
/// leave the page, so there is nothing to fetch in the browser.
pub fn use_form_memory<S: ServerFn>() -> Resource<BTreeMap<String, String>> {
    Resource::new(
        || (),
        |()| async move {
            #[cfg(feature = "ssr")]
            {
                crate::api::form_memory(S::PATH).await
            }
            #[cfg(not(feature = "ssr"))]
            {
                BTreeMap::new()
            }
        },
    )
}

/// A form's alert: for errors that are not about one field, the error; for
/// field errors, an error summary — each message a link to its field (whose
/// own message the field also shows, tied to it with `aria-describedby`).
///
/// After a failed post the page is a fresh load (forms post without script),
/// and the summary takes the focus (`autofocus`): a screen reader reads it
/// first, and a keyboard user goes on from there to the fields.
#[component]
pub fn FormAlert(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        error.get().map(|e| match e {
            AppError::Validation(errors) => {
                let items = errors
                    .into_iter()
                    .map(|e| {
                        let target = format!("#field-{}", e.field);
                        view! { <li><a href=target>{message_text(e.message)}</a></li> }
                    })
                    .collect_view();
                view! {
                    <div class="error-summary" role="alert" tabindex="-1" autofocus data-error-summary="">
                        <h2 class="error-summary__title">{t!(i18n, errors.validation)}</h2>
                        <ul>{items}</ul>
                    </div>
                }
                .into_any()
            }
            e => view! {
                <p class="alert alert--error" role="alert" tabindex="-1" autofocus>
                    {error_message(&e)}
                </p>
            }
            .into_any(),
        })
    }
}

/// A shared validator a [`Field`] runs in the browser as the user types (the
/// server runs the same function on submission).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Check {
    /// [`validate::email`].
    Email,
    /// [`validate::display_name`].
    DisplayName,
    /// [`validate::new_password`].
    NewPassword,
    /// [`validate::totp_code`].
    TotpCode,
    /// [`validate::recovery_code`].
    RecoveryCode,
    /// [`crate::domain::organisation::website`].
    Website,
}

impl Check {
    /// Runs the validator.
    ///
    /// # Errors
    /// The message to show.
    pub fn run(self, value: &str) -> Result<(), Message> {
        match self {
            Self::Email => validate::email(value).map(|_| ()),
            Self::DisplayName => validate::display_name(value).map(|_| ()),
            Self::NewPassword => validate::new_password(value),
            Self::TotpCode => validate::totp_code(value).map(|_| ()),
            Self::RecoveryCode => validate::recovery_code(value).map(|_| ()),
            Self::Website => crate::domain::organisation::website(value).map(|_| ()),
        }
    }

    /// Every message [`Self::run`] can give.
    #[must_use]
    pub fn messages(self) -> &'static [Message] {
        match self {
            Self::Email => &[Message::Required, Message::TooLong, Message::EmailInvalid],
            Self::DisplayName => &[Message::Required, Message::TooLong, Message::NameInvalid],
            Self::NewPassword => &[Message::PasswordTooShort, Message::PasswordTooLong],
            Self::TotpCode | Self::RecoveryCode => &[Message::Required, Message::CodeInvalid],
            Self::Website => &[Message::TooLong, Message::UrlInvalid],
        }
    }
}

/// What kind of input a [`Field`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kind {
    /// `type="text"`.
    #[default]
    Text,
    /// `type="email"`.
    Email,
    /// `type="password"`: never refilled from memory.
    Password,
    /// A one-time code: numeric keyboard, no autocomplete of old codes.
    Code,
    /// `type="date"`: the browser's date picker; the value is `YYYY-MM-DD`
    /// (a browser without one shows a text field, and the hint says the format).
    Date,
}

/// A labelled input with its hint and error, wired for assistive technology.
///
/// Rendered on the server with the server's error for this field (after a
/// failed submission); the input itself is an island that runs the shared
/// validator in the browser as the user types.
#[component]
pub fn Field(
    /// The field's name: the server function's argument, and the key of its errors.
    name: &'static str,
    /// When the server function takes a struct: its argument name (`input`), so
    /// the input is named `input[name]`.
    #[prop(optional)]
    prefix: Option<&'static str>,
    /// The label text.
    #[prop(into)]
    label: String,
    /// The kind of input.
    #[prop(optional)]
    kind: Kind,
    /// The initial value (kept from a failed plain-form submission).
    #[prop(default = None)]
    value: Option<String>,
    /// `autocomplete` token.
    #[prop(optional)]
    autocomplete: &'static str,
    /// A hint under the label.
    #[prop(optional, into)]
    hint: Option<String>,
    /// The server's error for this form.
    #[prop(into)]
    server_error: Signal<Option<AppError>>,
    /// Required.
    #[prop(optional)]
    required: bool,
    /// Longest value accepted.
    #[prop(optional)]
    maxlength: Option<usize>,
    /// The shared validator, run in the browser as the user types.
    #[prop(optional)]
    validate: Option<Check>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let hint_id = format!("{id}-hint");
    let server_message = server_error.get_untracked().and_then(|e| e.field(name));
    let input_type = match kind {
        Kind::Text | Kind::Code => "text",
        Kind::Email => "email",
        Kind::Password => "password",
        Kind::Date => "date",
    };
    let input = InputProps {
        error_id: format!("{id}-error"),
        hint_id: hint.is_some().then(|| hint_id.clone()),
        id: id.clone(),
        name: input_name(prefix, name),
        input_type: input_type.to_owned(),
        value: if kind == Kind::Password { None } else { value },
        autocomplete: (!autocomplete.is_empty()).then(|| autocomplete.to_owned()),
        numeric: kind == Kind::Code,
        required,
        maxlength,
    };
    let messages: Vec<(Message, String)> = validate
        .map(|check| check.messages().iter().map(|m| (*m, message_text(*m))).collect())
        .unwrap_or_default();
    view! {
        <div class="field" class:field--invalid=server_message.is_some()>
            <label for=id>{label}</label>
            {hint.map(|hint| view! { <p class="field__hint" id=hint_id>{hint}</p> })}
            <ValidatedInput input server_message=server_message.map(message_text) check=validate messages />
        </div>
    }
}

/// What the browser needs to draw an input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputProps {
    /// Element id.
    pub id: String,
    /// Form name.
    pub name: String,
    /// `type`.
    pub input_type: String,
    /// Initial value.
    pub value: Option<String>,
    /// `autocomplete`.
    pub autocomplete: Option<String>,
    /// A numeric keyboard.
    pub numeric: bool,
    /// Required.
    pub required: bool,
    /// Longest value.
    pub maxlength: Option<usize>,
    /// The hint's id, if there is a hint.
    pub hint_id: Option<String>,
    /// The error message's id.
    pub error_id: String,
}

/// The input and its error message: an island, so the shared validator runs as
/// the user types.
#[island]
fn ValidatedInput(
    /// The input's attributes.
    input: InputProps,
    /// The server's message for this field, if the last submission failed.
    server_message: Option<String>,
    /// The validator to run in the browser.
    check: Option<Check>,
    /// The validator's messages, translated.
    messages: Vec<(Message, String)>,
) -> impl IntoView {
    // None: not checked here yet (show the server's message); Some(m): checked.
    let local = RwSignal::new(None::<Option<String>>);
    let shown = move || local.get().unwrap_or_else(|| server_message.clone());
    let run = move |current: String| {
        if let Some(check) = check {
            let message = if current.is_empty() {
                None
            } else {
                check.run(&current).err().and_then(|m| {
                    messages
                        .iter()
                        .find(|(k, _)| *k == m)
                        .map(|(_, text)| text.clone())
                })
            };
            local.set(Some(message));
        }
    };
    let hint_id = input.hint_id.clone();
    let error_id = input.error_id.clone();
    let described_by = {
        let shown = shown.clone();
        let error_id = error_id.clone();
        move || {
            let ids: Vec<String> = hint_id
                .iter()
                .cloned()
                .chain(shown().map(|_| error_id.clone()))
                .collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let invalid = {
        let shown = shown.clone();
        move || shown().map(|_| "true")
    };
    view! {
        <input
            id=input.id
            name=input.name
            type=input.input_type
            value=input.value
            autocomplete=input.autocomplete
            inputmode=input.numeric.then_some("numeric")
            required=input.required
            maxlength=input.maxlength
            aria-invalid=invalid
            aria-describedby=described_by
            on:change=move |ev| run(event_target_value(&ev))
        />
        {move || shown().map(|m| view! { <p class="field__error" id=error_id.clone()>{m}</p> })}
    }
}

/// The `name` of an input: `field`, or `prefix[field]`.
#[must_use]
pub fn input_name(prefix: Option<&str>, field: &str) -> String {
    match prefix {
        Some(prefix) => format!("{prefix}[{field}]"),
        None => field.to_owned(),
    }
}

/// The server's error for a field, from a form's action error.
fn field_message(
    server_error: Signal<Option<AppError>>,
    name: &'static str,
) -> impl Fn() -> Option<Message> + Clone {
    move || server_error.get().and_then(|e| e.field(name))
}

/// A labelled multi-line text field.
///
/// Its initial content is escaped here and passed as markup, because Leptos
/// renders `<textarea>` children unescaped: user text never reaches the page raw.
#[component]
pub fn TextArea(
    /// The field's name and error key.
    name: &'static str,
    /// Struct argument name, when there is one.
    #[prop(optional)]
    prefix: Option<&'static str>,
    /// The label text.
    #[prop(into)]
    label: String,
    /// A hint under the label.
    #[prop(optional, into)]
    hint: Option<String>,
    /// Initial content.
    #[prop(default = None)]
    value: Option<String>,
    /// The server's error for this field.
    #[prop(into)]
    server_error: Signal<Option<AppError>>,
    /// Required.
    #[prop(optional)]
    required: bool,
    /// Longest value accepted.
    #[prop(optional)]
    maxlength: Option<usize>,
    /// Visible rows.
    #[prop(default = 5)]
    rows: u32,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let error = field_message(server_error, name);
    let has_hint = hint.is_some();
    let described_by = {
        let error = error.clone();
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if error().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let invalid = {
        let error = error.clone();
        move || error().is_some()
    };
    // Leptos does not escape a `<textarea>`'s children on the server.
    let content = crate::html::escape(&value.unwrap_or_default());
    view! {
        <div class="field" class:field--invalid=invalid>
            <label for=id.clone()>{label}</label>
            {hint.map(|hint| view! { <p class="field__hint" id=hint_id.clone()>{hint}</p> })}
            <textarea
                id=id.clone()
                name=input_name(prefix, name)
                rows=rows
                required=required
                maxlength=maxlength
                aria-describedby=described_by
                inner_html=content
            ></textarea>
            {move || error().map(|m| view! { <p class="field__error" id=error_id.clone()>{message_text(m)}</p> })}
        </div>
    }
}

/// A labelled select box.
#[component]
pub fn SelectField(
    /// The field's name and error key.
    name: &'static str,
    /// Struct argument name, when there is one.
    #[prop(optional)]
    prefix: Option<&'static str>,
    /// The label text.
    #[prop(into)]
    label: String,
    /// (value, label) pairs.
    options: Vec<(String, String)>,
    /// A first, empty choice ("Choose…").
    #[prop(optional, into)]
    placeholder: Option<String>,
    /// The selected value.
    #[prop(default = None)]
    value: Option<String>,
    /// The server's error for this field.
    #[prop(into)]
    server_error: Signal<Option<AppError>>,
    /// Required.
    #[prop(optional)]
    required: bool,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let error = field_message(server_error, name);
    let invalid = {
        let error = error.clone();
        move || error().is_some()
    };
    let selected = value.unwrap_or_default();
    view! {
        <div class="field" class:field--invalid=invalid>
            <label for=id.clone()>{label}</label>
            <select id=id.clone() name=input_name(prefix, name) required=required>
                {placeholder.map(|p| view! { <option value="">{p}</option> })}
                {options
                    .into_iter()
                    .map(|(v, l)| {
                        let is_selected = v == selected;
                        view! { <option value=v selected=is_selected>{l}</option> }
                    })
                    .collect_view()}
            </select>
            {move || error().map(|m| view! { <p class="field__error" id=error_id.clone()>{message_text(m)}</p> })}
        </div>
    }
}

/// An error shown for a group of fields (a fieldset) or the whole form.
#[component]
pub fn GroupError(
    /// The error key.
    name: &'static str,
    /// The server's error.
    #[prop(into)]
    server_error: Signal<Option<AppError>>,
) -> impl IntoView {
    let error = field_message(server_error, name);
    // The id is what the form's error summary links to.
    move || {
        error().map(|m| view! { <p class="field__error" role="alert" id=format!("field-{name}") tabindex="-1">{message_text(m)}</p> })
    }
}

/// A submit button.
#[component]
pub fn Submit(
    /// The button text.
    #[prop(into)]
    label: String,
    /// A secondary (less prominent) button.
    #[prop(optional)]
    secondary: bool,
) -> impl IntoView {
    view! {
        <button type="submit" class="button" class:button--secondary=secondary>
            {label}
        </button>
    }
}
