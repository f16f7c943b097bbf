//! Every translation key is used, and every key the code uses exists.
//!
//! Reads the keys of each `app/locales/*.json` (nested objects as dotted paths,
//! `mail_text.digest.subject`) and the keys named by the translation macros in
//! `app/src` — `t!` and `t_string!` in the pages, `td_string!` in the mail
//! templates, and the rest of the family — as tokens, macro bodies (`view!`)
//! included. A key no code names any more fails here, rather than lingering and
//! being translated into every language. (leptos_i18n already fails the build on
//! a used key that is missing; the second check makes this test stand alone.)

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::str::FromStr as _;

/// The macros that take a context or locale, then a key.
const MACROS: &[&str] = &[
    "t",
    "td",
    "tu",
    "ti",
    "t_string",
    "td_string",
    "tu_string",
    "t_display",
    "td_display",
    "tu_display",
];

fn app_dir() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../app")).to_path_buf()
}

/// The files under `dir` whose name ends with `extension`, sorted.
fn files(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(dir) = todo.pop() {
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry.unwrap_or_else(|e| panic!("{}: {e}", dir.display())).path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|ext| ext == extension) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The plural forms (CLDR categories) a key may end with: `count_one`,
/// `count_other`, ….
const PLURAL_FORMS: &[&str] = &["zero", "one", "two", "few", "many", "other"];

/// A locale file's keys, as dotted paths, each with its strings: one, or one per
/// plural form. As leptos_i18n reads them, sibling keys `x_one`, `x_other`
/// (two forms or more, `_other` among them) are the forms of the plural key `x`;
/// a lone `too_many` is a plain key.
fn locale_keys(json: &serde_json::Value, prefix: &str, keys: &mut BTreeMap<String, Vec<String>>) {
    let path = |name: &str| {
        if prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{prefix}.{name}")
        }
    };
    let serde_json::Value::Object(map) = json else {
        keys.insert(
            prefix.to_owned(),
            vec![json.as_str().unwrap_or_default().to_owned()],
        );
        return;
    };
    let mut plurals: BTreeMap<&str, Vec<(&str, &serde_json::Value)>> = BTreeMap::new();
    for (name, value) in map {
        match name.rsplit_once('_') {
            Some((base, form)) if PLURAL_FORMS.contains(&form) && !value.is_object() => {
                plurals.entry(base).or_default().push((form, value));
            }
            _ => locale_keys(value, &path(name), keys),
        }
    }
    for (base, forms) in plurals {
        if forms.len() >= 2 && forms.iter().any(|(form, _)| *form == "other") {
            let texts = forms
                .iter()
                .map(|(_, v)| v.as_str().unwrap_or_default().to_owned());
            keys.insert(path(base), texts.collect());
        } else {
            for (form, value) in forms {
                locale_keys(value, &path(&format!("{base}_{form}")), keys);
            }
        }
    }
}

/// The `{{ name }}` placeholders of a string.
fn placeholders(text: &str) -> BTreeSet<&str> {
    text.split("{{")
        .skip(1)
        .filter_map(|rest| rest.split_once("}}"))
        .map(|(name, _)| name.trim())
        .collect()
}

/// The key of a macro call's arguments: after the first top-level comma, the
/// identifiers joined by dots (`i18n, nav.home` or `locale, mail_text.hello, name = n`).
fn key_of(arguments: TokenStream) -> Option<String> {
    let mut tokens = arguments
        .into_iter()
        .skip_while(|token| !matches!(token, TokenTree::Punct(p) if p.as_char() == ','))
        .skip(1);
    let mut key = String::new();
    loop {
        match tokens.next()? {
            TokenTree::Ident(ident) => key.push_str(&ident.to_string()),
            _ => return None,
        }
        match tokens.next() {
            Some(TokenTree::Punct(p)) if p.as_char() == '.' => key.push('.'),
            Some(TokenTree::Punct(p)) if p.as_char() == ',' => return Some(key),
            None => return Some(key),
            Some(_) => return None,
        }
    }
}

/// The keys the translation macros name in `stream`, at any depth.
fn used_keys(stream: TokenStream, keys: &mut BTreeSet<String>) {
    let tokens: Vec<TokenTree> = stream.into_iter().collect();
    for (i, token) in tokens.iter().enumerate() {
        let TokenTree::Group(group) = token else { continue };
        let is_call = i >= 2
            && group.delimiter() == Delimiter::Parenthesis
            && matches!(&tokens[i - 1], TokenTree::Punct(p) if p.as_char() == '!')
            && matches!(&tokens[i - 2], TokenTree::Ident(name) if MACROS.contains(&name.to_string().as_str()));
        if is_call && let Some(key) = key_of(group.stream()) {
            keys.insert(key);
        }
        used_keys(group.stream(), keys);
    }
}

fn used_in(source: &str) -> BTreeSet<String> {
    let stream = TokenStream::from_str(source).unwrap_or_else(|e| panic!("{e}"));
    let mut keys = BTreeSet::new();
    used_keys(stream, &mut keys);
    keys
}

#[test]
fn every_translation_key_is_used_and_every_used_key_exists() {
    let mut used = BTreeSet::new();
    for file in files(&app_dir().join("src"), "rs") {
        let source = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        used.extend(used_in(&source));
    }
    assert!(
        used.iter().any(|key| key.starts_with("mail_text.")),
        "the mail templates' keys are read"
    );

    let locales = files(&app_dir().join("locales"), "json");
    assert!(
        locales.len() >= 5,
        "English, French, Spanish, Portuguese and Arabic are shipped"
    );
    let english = read_locale(&app_dir().join("locales/en.json"));
    for locale in locales {
        let defined = read_locale(&locale);
        let names: BTreeSet<String> = defined.keys().cloned().collect();
        let unused: Vec<_> = names.difference(&used).collect();
        let missing: Vec<_> = used.difference(&names).collect();
        assert!(
            unused.is_empty() && missing.is_empty(),
            "{}: keys no code uses: {unused:?}; keys the code uses that are missing: {missing:?}",
            locale.display()
        );
        for (key, texts) in &defined {
            let theirs = &english[key];
            let allowed: BTreeSet<&str> = theirs.iter().flat_map(|t| placeholders(t)).collect();
            for text in texts {
                assert!(!text.trim().is_empty(), "{}: {key} is empty", locale.display());
                let unknown: Vec<_> = placeholders(text).difference(&allowed).copied().collect();
                assert!(
                    unknown.is_empty(),
                    "{}: {key} names placeholders English does not give it: {unknown:?}",
                    locale.display()
                );
            }
            if theirs.len() == 1 {
                assert_eq!(
                    placeholders(&texts[0]),
                    placeholders(&theirs[0]),
                    "{}: {key} must show every value English shows",
                    locale.display()
                );
            }
            assert_eq!(
                texts.len() == 1,
                theirs.len() == 1,
                "{}: {key} is a plural in one locale and not in the other",
                locale.display()
            );
        }
    }
}

fn read_locale(file: &Path) -> BTreeMap<String, Vec<String>> {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let json: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let mut keys = BTreeMap::new();
    locale_keys(&json, "", &mut keys);
    keys
}

#[test]
fn keys_are_read_from_pages_and_mail_templates_alike() {
    let used = used_in(
        r#"
        fn page() -> impl IntoView {
            view! { <p title=move || t_string!(i18n, nav.home)>{t!(i18n, about.title)}</p> }
        }
        fn mail(locale: Locale) -> String {
            let hello = td_string!(locale, mail_text.hello, name = name);
            format!("{hello}{}", td_string!(Locale::en, mail_text.footer))
        }
        fn not_a_key() { t!(i18n); format!("{}, {}", a, b.c); }
        "#,
    );
    let expected: BTreeSet<String> = ["nav.home", "about.title", "mail_text.hello", "mail_text.footer"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(used, expected);
}
