//! The mined templates with their counts.

use crate::app::engine::Engine;
use crate::report::TemplateRow;
use leptos::prelude::*;

/// Templates shown before "show all".
const TEMPLATES_SHOWN: usize = 50;

/// The mined templates, most frequent first.
#[component]
pub fn TemplatesView() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let templates: Memo<Option<Vec<TemplateRow>>> = Memo::new(move |_| {
        engine
            .report
            .with(|a| a.as_ref().map(|a| a.report.templates.clone()))
    });
    let show_all = RwSignal::new(false);
    move || {
        templates.get().map(|all| {
            let total = all.len();
            let shown: Vec<TemplateRow> = if show_all.get() {
                all
            } else {
                all.into_iter().take(TEMPLATES_SHOWN).collect()
            };
            view! {
                <section class="panel templates">
                    <h2>"Templates " <span class="muted">{format!("({total})")}</span></h2>
                    <ol data-testid="templates">
                        {shown
                            .into_iter()
                            .map(|t| {
                                view! {
                                    <li>
                                        <span class="num count">{t.count}</span>
                                        <code>{t.template}</code>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                    {(total > TEMPLATES_SHOWN && !show_all.get()).then(|| view! {
                        <button on:click=move |_| show_all.set(true)>{format!("Show all {total}")}</button>
                    })}
                </section>
            }
        })
    }
}
