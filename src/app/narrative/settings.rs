//! The narrative's settings: the form's fields, reading them into the engine's [`LlmSettings`],
//! and keeping them in this browser.
//!
//! Promises: the API key lives only in memory unless the user ticks "remember on this device";
//! then (and only then) it is in localStorage under [`KEY_ITEM`], and "forget" removes it. The
//! other settings persist in localStorage under [`SETTINGS_ITEM`] (never the key).

use crate::narrative::{LlmSettings, Provider};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const SETTINGS_ITEM: &str = "faultline.narrative.settings";
pub const KEY_ITEM: &str = "faultline.narrative.key";

pub const PROVIDERS: [Provider; 3] = [Provider::OpenAi, Provider::Anthropic, Provider::Ollama];

pub fn provider_label(p: Provider) -> &'static str {
    match p {
        Provider::OpenAi => "OpenAI-compatible",
        Provider::Anthropic => "Anthropic",
        Provider::Ollama => "Ollama",
    }
}

fn default_url(p: Provider) -> &'static str {
    match p {
        Provider::OpenAi => "https://api.openai.com/v1",
        Provider::Anthropic => "https://api.anthropic.com",
        Provider::Ollama => "http://localhost:11434",
    }
}

fn model_hint(p: Provider) -> &'static str {
    match p {
        Provider::OpenAi => "e.g. gpt-4o-mini",
        Provider::Anthropic => "e.g. claude-sonnet-4-5",
        Provider::Ollama => "e.g. llama3.1",
    }
}

/// What localStorage keeps (everything but the key).
#[derive(Serialize, Deserialize)]
struct Saved {
    provider: Provider,
    base_url: String,
    model: String,
    temperature: String,
    max_tokens: String,
    budget: String,
    patterns: String,
    timeout: String,
    remember: bool,
}

/// The user's extra redaction patterns (one a line), shared by the LLM settings and the
/// redacted-logs download: provided once by the app, edited in either place, saved with the
/// LLM settings.
#[derive(Clone, Copy)]
pub struct RedactPatterns(pub RwSignal<String>);

impl RedactPatterns {
    /// The patterns saved in this browser, if any.
    pub fn load() -> RedactPatterns {
        let saved = storage()
            .and_then(|s| s.get_item(SETTINGS_ITEM).ok().flatten())
            .and_then(|t| serde_json::from_str::<Saved>(&t).ok())
            .map(|s| s.patterns)
            .unwrap_or_default();
        RedactPatterns(RwSignal::new(saved))
    }

    /// The non-empty lines, trimmed: what the engine takes.
    pub fn list(self) -> Vec<String> {
        pattern_lines(&self.0.get_untracked())
    }
}

fn pattern_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// The form's fields, as typed.
#[derive(Clone, Copy)]
pub struct Form {
    pub provider: RwSignal<Provider>,
    pub base_url: RwSignal<String>,
    pub model: RwSignal<String>,
    pub api_key: RwSignal<String>,
    pub remember: RwSignal<bool>,
    pub temperature: RwSignal<String>,
    pub max_tokens: RwSignal<String>,
    pub budget: RwSignal<String>,
    /// Extra redaction patterns, one a line.
    pub patterns: RwSignal<String>,
    /// Seconds without a byte before the request is abandoned.
    pub timeout: RwSignal<String>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

impl Form {
    /// The form with saved settings (and the key, if remembered), else defaults.
    pub fn load() -> Form {
        let d = LlmSettings::new(Provider::OpenAi, default_url(Provider::OpenAi), "");
        let mut saved = Saved {
            provider: d.provider,
            base_url: d.base_url,
            model: d.model,
            temperature: d.temperature.map(|t| t.to_string()).unwrap_or_default(),
            max_tokens: d.max_tokens.to_string(),
            budget: d.budget_tokens.to_string(),
            patterns: String::new(),
            timeout: "60".into(),
            remember: false,
        };
        let store = storage();
        if let Some(s) = store
            .as_ref()
            .and_then(|s| s.get_item(SETTINGS_ITEM).ok().flatten())
            .and_then(|t| serde_json::from_str::<Saved>(&t).ok())
        {
            saved = s;
        }
        let key = if saved.remember {
            store
                .and_then(|s| s.get_item(KEY_ITEM).ok().flatten())
                .unwrap_or_default()
        } else {
            String::new()
        };
        Form {
            provider: RwSignal::new(saved.provider),
            base_url: RwSignal::new(saved.base_url),
            model: RwSignal::new(saved.model),
            api_key: RwSignal::new(key),
            remember: RwSignal::new(saved.remember),
            temperature: RwSignal::new(saved.temperature),
            max_tokens: RwSignal::new(saved.max_tokens),
            budget: RwSignal::new(saved.budget),
            // The app's shared patterns when there are (the download uses them too).
            patterns: use_context::<RedactPatterns>()
                .map_or_else(|| RwSignal::new(saved.patterns), |p| p.0),
            timeout: RwSignal::new(saved.timeout),
        }
    }

    /// Saves whenever a field changes; the key only while "remember" is ticked.
    pub fn persist(self) {
        Effect::new(move |_| {
            let saved = Saved {
                provider: self.provider.get(),
                base_url: self.base_url.get(),
                model: self.model.get(),
                temperature: self.temperature.get(),
                max_tokens: self.max_tokens.get(),
                budget: self.budget.get(),
                patterns: self.patterns.get(),
                timeout: self.timeout.get(),
                remember: self.remember.get(),
            };
            let key = self.api_key.get();
            let Some(s) = storage() else { return };
            if let Ok(t) = serde_json::to_string(&saved) {
                let _ = s.set_item(SETTINGS_ITEM, &t);
            }
            if saved.remember && !key.is_empty() {
                let _ = s.set_item(KEY_ITEM, &key);
            } else {
                let _ = s.remove_item(KEY_ITEM);
            }
        });
    }

    /// Removes the remembered key and clears it from the form.
    pub fn forget(self) {
        self.remember.set(false);
        self.api_key.set(String::new());
        if let Some(s) = storage() {
            let _ = s.remove_item(KEY_ITEM);
        }
    }

    /// Switches provider; a URL left at another provider's default follows.
    pub fn set_provider(self, p: Provider) {
        let url = self.base_url.get_untracked();
        if url.trim().is_empty() || PROVIDERS.iter().any(|q| default_url(*q) == url.trim()) {
            self.base_url.set(default_url(p).into());
        }
        self.provider.set(p);
    }

    /// The engine's settings from the fields, and the idle timeout in seconds.
    pub fn settings(self) -> Result<(LlmSettings, u32), String> {
        let mut s = LlmSettings::new(
            self.provider.get(),
            self.base_url.get().trim(),
            self.model.get().trim(),
        );
        let key = self.api_key.get();
        s.api_key = (!key.trim().is_empty()).then(|| key.trim().to_string());
        let t = self.temperature.get();
        s.temperature = if t.trim().is_empty() {
            None
        } else {
            Some(
                t.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|v| (0.0..=2.0).contains(v))
                    .ok_or("Temperature must be a number from 0 to 2 (or empty).")?,
            )
        };
        s.max_tokens = number(&self.max_tokens.get(), "Max answer tokens")?;
        s.budget_tokens = number(&self.budget.get(), "Token budget")? as usize;
        s.redact_patterns = pattern_lines(&self.patterns.get());
        let timeout = number(&self.timeout.get(), "Timeout")?;
        Ok((s, timeout))
    }
}

fn number(v: &str, what: &str) -> Result<u32, String> {
    v.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("{what} must be a whole number above 0."))
}

/// The settings form. `budget_info` is the payload's size line (`budget_ready`: it describes
/// the settings as they are, not a payload still being built); `pattern_error` the engine's
/// complaint about a redaction pattern, if any.
#[component]
pub fn SettingsForm(
    form: Form,
    budget_info: Signal<String>,
    budget_ready: Signal<bool>,
    pattern_error: Signal<Option<String>>,
) -> impl IntoView {
    let text = |id: &'static str, label: &'static str, sig: RwSignal<String>| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input
                    id=id
                    data-testid=id
                    type="text"
                    spellcheck="false"
                    autocomplete="off"
                    prop:value=move || sig.get()
                    on:input=move |ev| sig.set(event_target_value(&ev))
                />
            </div>
        }
    };
    view! {
        <fieldset class="llm-settings" data-testid="llm-settings">
            <legend>"LLM endpoint"</legend>
            <div class="fields">
                <div class="field">
                    <label for="llm-provider">"Provider"</label>
                    <select
                        id="llm-provider"
                        data-testid="llm-provider"
                        prop:value=move || form.provider.get().name()
                        on:change=move |ev| {
                            if let Some(p) = Provider::from_name(&event_target_value(&ev)) {
                                form.set_provider(p);
                            }
                        }
                    >
                        {PROVIDERS
                            .into_iter()
                            .map(|p| {
                                view! {
                                    <option
                                        value=p.name()
                                        selected=move || form.provider.get() == p
                                    >
                                        {provider_label(p)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field wide">
                    <label for="llm-base-url">"Base URL"</label>
                    <input
                        id="llm-base-url"
                        data-testid="llm-base-url"
                        type="url"
                        spellcheck="false"
                        autocomplete="off"
                        prop:value=move || form.base_url.get()
                        on:input=move |ev| form.base_url.set(event_target_value(&ev))
                    />
                </div>
                <div class="field">
                    <label for="llm-model">"Model"</label>
                    <input
                        id="llm-model"
                        data-testid="llm-model"
                        type="text"
                        spellcheck="false"
                        autocomplete="off"
                        placeholder=move || model_hint(form.provider.get())
                        prop:value=move || form.model.get()
                        on:input=move |ev| form.model.set(event_target_value(&ev))
                    />
                </div>
                <div class="field">
                    <label for="llm-key">"API key"</label>
                    <input
                        id="llm-key"
                        data-testid="llm-key"
                        type="password"
                        autocomplete="off"
                        placeholder="not needed for a local Ollama"
                        prop:value=move || form.api_key.get()
                        on:input=move |ev| form.api_key.set(event_target_value(&ev))
                    />
                    <div class="key-row">
                        <label class="check">
                            <input
                                type="checkbox"
                                data-testid="llm-remember"
                                prop:checked=move || form.remember.get()
                                on:change=move |ev| form.remember.set(event_target_checked(&ev))
                            />
                            "remember on this device"
                        </label>
                        <button
                            type="button"
                            class="link"
                            data-testid="llm-forget"
                            on:click=move |_| form.forget()
                        >
                            "forget the key"
                        </button>
                    </div>
                </div>
                {text("llm-temperature", "Temperature", form.temperature)}
                {text("llm-max-tokens", "Max answer tokens", form.max_tokens)}
                <div class="field">
                    <label for="llm-budget">"Token budget (payload)"</label>
                    <input
                        id="llm-budget"
                        data-testid="llm-budget"
                        type="text"
                        inputmode="numeric"
                        autocomplete="off"
                        aria-describedby="llm-budget-info"
                        prop:value=move || form.budget.get()
                        on:input=move |ev| form.budget.set(event_target_value(&ev))
                    />
                    <span
                        class="hint"
                        id="llm-budget-info"
                        data-testid="llm-budget-info"
                        data-ready=move || budget_ready.get().to_string()
                        aria-busy=move || (!budget_ready.get()).to_string()
                    >
                        {move || budget_info.get()}
                    </span>
                </div>
                {text("llm-timeout", "Timeout (s without data)", form.timeout)}
                <div class="field full">
                    <label for="llm-patterns">"Extra redaction patterns (regex, one a line)"</label>
                    <textarea
                        id="llm-patterns"
                        data-testid="llm-patterns"
                        class="patterns"
                        spellcheck="false"
                        placeholder="customer=(\\w+)"
                        prop:value=move || form.patterns.get()
                        on:input=move |ev| form.patterns.set(event_target_value(&ev))
                    ></textarea>
                    {move || {
                        pattern_error
                            .get()
                            .map(|e| {
                                view! {
                                    <p class="error" role="alert" data-testid="llm-pattern-error">
                                        {e}
                                    </p>
                                }
                            })
                    }}
                </div>
            </div>
        </fieldset>
    }
}
