//! The log view (every input line, virtualized, filtered, searchable, evidence lines focused)
//! and the templates view.

mod templates;

use leptos::prelude::*;
pub use templates::TemplatesView;

#[component]
pub fn LogView() -> impl IntoView {
    view! { <section class="panel"><h2>"Logs"</h2></section> }
}
