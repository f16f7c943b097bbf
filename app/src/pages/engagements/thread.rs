//! An engagement's thread: the messages rendered on the server, and an island
//! that fetches new ones while the page is open (every 15 s, only while the tab
//! is visible; one small request that answers `[]` when nothing is new).

use crate::dates::When;
use crate::domain::views::MessageView;
use leptos::prelude::*;

/// How often the live thread asks for new messages, in seconds.
pub const POLL_SECONDS: u64 = 15;

/// One message.
#[component]
pub fn MessageItem(message: MessageView) -> impl IntoView {
    view! {
        <li class=format!("message message--{}", message.side) data-message=message.id.to_string()>
            <p class="message__meta"><strong>{message.author}</strong> " · " <When at=message.at /></p>
            <p class="message__body prose">{message.body}</p>
        </li>
    }
}

/// The thread as the server renders it.
#[component]
pub fn Thread(
    /// The engagement.
    engagement: i64,
    /// Its messages, oldest first.
    messages: Vec<MessageView>,
    /// Shown when there are none.
    #[prop(into)]
    empty: String,
) -> impl IntoView {
    let after = messages.last().map_or(0, |m| m.id);
    let none = messages.is_empty();
    view! {
        <ol class="thread" data-thread=engagement.to_string()>
            {messages.into_iter().map(|message| view! { <MessageItem message /> }).collect_view()}
        </ol>
        {none.then(|| view! { <p class="muted" data-thread-empty="">{empty}</p> })}
        <LiveThread engagement after />
    }
}

/// New messages, fetched while the page is open.
#[island]
fn LiveThread(
    /// The engagement.
    engagement: i64,
    /// The last message the server rendered.
    after: i64,
) -> impl IntoView {
    let (fresh, set_fresh) = signal(Vec::<MessageView>::new());
    #[cfg(feature = "hydrate")]
    {
        use std::{cell::Cell, rc::Rc, time::Duration};
        let last = Rc::new(Cell::new(after));
        let busy = Rc::new(Cell::new(false));
        let poll = move || {
            if document().hidden() || busy.get() {
                return;
            }
            busy.set(true);
            let (last, busy) = (Rc::clone(&last), Rc::clone(&busy));
            leptos::task::spawn_local(async move {
                if let Ok(new) = crate::api::engagements::thread_after(engagement, last.get()).await
                    && let Some(m) = new.last()
                {
                    last.set(m.id);
                    set_fresh.update(|f| f.extend(new));
                }
                busy.set(false);
            });
        };
        if let Ok(handle) = set_interval_with_handle(poll, Duration::from_secs(POLL_SECONDS)) {
            on_cleanup(move || handle.clear());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (engagement, after, set_fresh);
    view! {
        <ol class="thread thread--live" aria-live="polite">
            <For each=move || fresh.get() key=|m| m.id let:message>
                <MessageItem message />
            </For>
        </ol>
    }
}
