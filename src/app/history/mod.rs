//! Past analyses kept in this browser (IndexedDB): listed, reopened, deleted; and the past
//! incidents most like the current one.

use leptos::prelude::*;

#[component]
pub fn HistoryView() -> impl IntoView {
    view! { <section class="panel"><h2>"History"</h2></section> }
}
