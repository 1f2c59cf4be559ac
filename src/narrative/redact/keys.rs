//! Field names: which ones say their value is sensitive, and of what kind; and values whose
//! type says "not a secret" (flags, counts, durations, timestamps, paths, redaction markers)
//! even under a sensitive-looking name.
//!
//! Names are compared by their lowercase parts (`dbPassword` -> db, password; `X-Api-Key` ->
//! x, api, key), so every case and separator spelling matches.

use super::SecretKind;

/// What a field name says about its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    /// A password or passphrase: any value but a benign one is masked.
    Password,
    /// A token, key, secret, cookie or session: masked unless benign or a plain word.
    Credential,
    /// A national id, tax id, passport, IBAN or account number: masked when it has a digit.
    Id,
    /// A phone number.
    Phone,
    Email,
    /// `public_key`: public, except a Sentry DSN key (32 hex) that authorizes ingest.
    PublicKey,
    /// A card number or its security code.
    Card,
    /// A date of birth (a date here is personal, not a timestamp).
    Birth,
    /// A person's name under a name-only key (holder, beneficiary, full_name).
    PersonName,
    /// A generic `name`: masked only when the value looks like a person's name.
    MaybePersonName,
    /// A postal address: masked when it has letters, a digit and a space.
    Address,
    /// A one-time code or PIN: any non-benign value is masked.
    Code,
    /// A generic `code` (OAuth authorization codes): masked only when long and mixed.
    AuthCode,
    /// A latitude or longitude (where a person is): masked when it is a decimal number.
    Location,
}

impl Field {
    pub(crate) fn kind(self) -> SecretKind {
        match self {
            Field::Password
            | Field::Credential
            | Field::Code
            | Field::AuthCode
            | Field::PublicKey => SecretKind::Secret,
            Field::Id => SecretKind::Id,
            Field::Phone => SecretKind::Phone,
            Field::Email => SecretKind::Email,
            Field::Card => SecretKind::Card,
            Field::Birth
            | Field::PersonName
            | Field::MaybePersonName
            | Field::Address
            | Field::Location => SecretKind::Personal,
        }
    }
}

/// Lowercase components of a key: `dbPassword` -> [db, password], `x-api-key` -> [x, api, key],
/// and an acronym before a capitalised word (`DBPass`, `SMTPPassword`) -> [db, pass].
pub(crate) fn key_parts(key: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    let chars: Vec<char> = key.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                parts.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && !cur.is_empty() && (prev_lower || acronym_ends(&chars, i)) {
            parts.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        parts.push(cur);
    }
    parts
}

/// Whether the capital at `i` ends an acronym and starts a word: a capital before it, and two
/// lowercase letters after it (`DBPass` at `P`; not `IDs`, a plural acronym).
fn acronym_ends(chars: &[char], i: usize) -> bool {
    i > 0
        && chars[i - 1].is_uppercase()
        && chars.get(i + 1).is_some_and(|c| c.is_lowercase())
        && chars.get(i + 2).is_some_and(|c| c.is_lowercase())
}

/// Last parts that make a field about a secret rather than the secret itself: its name, path,
/// type, age, size or presence (`secret_name`, `token_path`, `password_changed_at`,
/// `api_key_present`, `token_ttl`, `private_key_id`).
const ABOUT: &[&str] = &[
    "id",
    "ids",
    "name",
    "names",
    "type",
    "types",
    "path",
    "paths",
    "file",
    "files",
    "dir",
    "directory",
    "at",
    "time",
    "timestamp",
    "date",
    "expires",
    "expiry",
    "expiration",
    "ttl",
    "timeout",
    "age",
    "count",
    "counts",
    "len",
    "length",
    "size",
    "present",
    "set",
    "enabled",
    "disabled",
    "rotated",
    "changed",
    "created",
    "updated",
    "version",
    "algorithm",
    "alg",
    "algo",
    "lifetime",
    "method",
    "mode",
    "source",
    "provider",
    "header",
    "hint",
    "policy",
    "policies",
    "scope",
    "scopes",
    "format",
    "kind",
    "status",
    "reason",
    "error",
    "required",
    "valid",
    "validated",
    "issuer",
    "audience",
    "ref",
    "env",
    "field",
    "fields",
    "mount",
    "label",
    "labels",
    "rotation",
    "reset",
    "sent",
    "used",
    "verified",
    "checked",
    "last4",
    "brand",
    "country",
    "exp",
    "month",
    "year",
    "fingerprint",
    "usage",
    "accessor",
    "index",
    "seconds",
    "ms",
    "remaining",
    "limit",
    "max",
    "min",
    "min_length",
    "strength",
    "policy",
    "store",
    "manager",
    "backend",
    "endpoint",
    "host",
    "port",
    "url",
    "uri",
    "location",
    "region",
    "namespace",
    "arn",
    "attempts",
    "tries",
    "retries",
    "failures",
    "errors",
    "hits",
    "misses",
    // Units: `password_age_days`, `token_lifetime_hours` are amounts of time.
    "days",
    "hours",
    "minutes",
    "secs",
    "sec",
    // `card_masked`, `token_hint`: a display form with most of it hidden.
    "masked",
    "redacted",
    "preview",
    "prefix",
    "suffix",
    "last",
];

const PASSWORD: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "pass",
    "passphrase",
    "passcode",
    // Common short spelling in code (`pw = '...'`, `-pw`).
    "pw",
    "senha",
    "contrasena",
    "contraseña",
    "passwort",
    "mot_de_passe",
    "motdepasse",
    // The word in other languages, as configuration keys and forms spell it (German, Dutch,
    // Norwegian/Danish, Swedish, Finnish, Polish, Czech/Slovak, Hungarian, Turkish,
    // Croatian/Serbian, Catalan, Portuguese (Portugal), Russian).
    "kennwort",
    "wachtwoord",
    "passord",
    "adgangskode",
    "lösenord",
    "losenord",
    "salasana",
    "hasło",
    "haslo",
    "heslo",
    "jelszó",
    "jelszo",
    "şifre",
    "sifre",
    "lozinka",
    "contrasenya",
    "palavrapasse",
    "пароль",
    // redis.conf: the server's password and the one it gives its master.
    "requirepass",
    "masterauth",
];

const CREDENTIAL: &[&str] = &[
    "secret",
    "secrets",
    "token",
    "tokens",
    "apikey",
    "auth",
    "authorization",
    "credential",
    "credentials",
    "cookie",
    "cookies",
    "session",
    "sessionid",
    "sid",
    "jwt",
    "bearer",
    "dsn",
    "signature",
    "sig",
    "private",
    "privatekey",
    "secretkey",
    "accesskey",
    "clientsecret",
    "masterkey",
    "licensekey",
    "subscriptionkey",
    "sharedaccesskey",
    "connectionstring",
    "webhook",
    "salt",
    "csrf",
    "xsrf",
    "csrftoken",
    "xsrftoken",
    "phpsessid",
    "jsessionid",
    "aspsessionid",
    // An SNMP community string is the agent's password (RFC 1157).
    "community",
    // Remember-me cookies and tokens are persistent logins.
    "remember",
    "rememberme",
    // A personal access token (`pat`, `AZURE_DEVOPS_EXT_PAT`).
    "pat",
    // ASP.NET forms authentication's ticket cookie (`.ASPXAUTH`).
    "aspxauth",
    // Ivanti (Pulse) Connect Secure's session cookie.
    "dsid",
    // Asterisk's security events: the digest response a peer sent (`ReceivedHash`).
    "receivedhash",
];

const ID: &[&str] = &[
    "ssn",
    "sin",
    "nino",
    "nin",
    "bsn",
    "cpf",
    "cnpj",
    "nie",
    "dni",
    "nif",
    "aadhaar",
    "aadhar",
    "uid_aadhaar",
    "pan_number",
    "tfn",
    "abn",
    "nir",
    "iban",
    "passport",
    "taxid",
    "tin",
    "steuerid",
    "personalausweis",
    "codicefiscale",
    "fiscalcode",
    "nationalid",
    "idcard",
    "socialsecurity",
    "driverlicense",
    "driverslicense",
    "licence",
    "license_number",
    // National identity numbers by their local names.
    "personnummer",
    "personnumber",
    "pesel",
    "hetu",
    "henkilotunnus",
    "ahv",
    "avs",
    "curp",
    "rut",
    "nric",
    "cnp",
    "egn",
    "oib",
    "jmbg",
    "emso",
    "ppsn",
    "nss",
    "amka",
    "isikukood",
    "asmenskod",
    "fodselsnummer",
    "cpr",
    "kennitala",
    "burgerservicenummer",
    "rijksregisternummer",
    "steuernummer",
    "idnr",
    "mynumber",
    "rrn",
    "hkid",
    "medicare",
];

const PHONE: &[&str] = &[
    "phone",
    "phones",
    "mobile",
    "tel",
    "telephone",
    "telefon",
    "telefone",
    "telefono",
    "teléfono",
    "cellulare",
    "cellular",
    "cell",
    "móvil",
    "movil",
    "msisdn",
    "handynummer",
    "portable",
    "fax",
    "whatsapp",
];

const NAME_ONLY: &[&str] = &[
    "holder",
    "beneficiary",
    "cardholder",
    "fullname",
    "firstname",
    "lastname",
    "surname",
    "givenname",
    "familyname",
    "forename",
    "nombre",
    "apellido",
    "nome",
    "cognome",
    "vorname",
    "nachname",
    "prenom",
    "nom",
    "titular",
];

const ADDRESS: &[&str] = &[
    "address",
    "addr",
    "street",
    "line1",
    "line2",
    "indirizzo",
    "adres",
    "adresse",
    "direccion",
    "dirección",
    "endereco",
    "endereço",
    "anschrift",
    "strasse",
    "straße",
    "postal_address",
    "home_address",
];

/// The words sensitive field names are made of (matched ASCII case-insensitively, whole
/// parts only for short ones: [`field_word_at`]). [`super::rules::Features`] searches them in
/// the same pass as its marker words.
pub(crate) fn field_words() -> Vec<&'static str> {
    const EXTRA: &[&str] = &[
        "key",
        "dob",
        "birth",
        "code",
        "otp",
        "pin",
        "card",
        "cvv",
        "cvc",
        "csc",
        "pan",
        "mail",
        "name",
        "customer",
        "recipient",
        "tax",
        "document",
        "account",
        "national",
        "social",
        "codice",
        "steuer",
        "security",
        "verification",
        "totp",
        "public",
        "sess",
        "sid",
        "id_",
        "number",
        "geburt",
        "nacimiento",
        "naissance",
        "born",
        "geboren",
        "nascita",
        "nascimento",
        "geboorte",
        "fodsel",
        "födelse",
        "holder",
        "first",
        "last",
        "given",
        "family",
        "full",
        "contact",
        "billing",
        "shipping",
        "courriel",
        "birthdate",
        "birthday",
        "license",
        "licence",
        "latitude",
        "longitude",
        "lat",
        "lng",
        "lon",
        "cc_cid",
        "cc_owner",
    ];
    PASSWORD
        .iter()
        .chain(CREDENTIAL)
        .chain(ID)
        .chain(PHONE)
        .chain(NAME_ONLY)
        .chain(ADDRESS)
        .chain(EXTRA)
        .copied()
        .chain(super::lexicon::words())
        .collect()
}

/// Whether a field word found at `s..e` of `b` counts. Short words count only as whole key
/// parts ("pin", not "ping"; "sin", not "using"): at a start (non-letter before, or a
/// lowercase-to-uppercase step) and an end.
pub(crate) fn field_word_at(b: &[u8], s: usize, e: usize) -> bool {
    if e - s >= 6 {
        return true;
    }
    let before = s.checked_sub(1).map(|i| b[i]);
    // A start: no letter before, a lowercase-to-uppercase step, or the end of an acronym
    // (`DBPass`: a capital, then a capitalised word).
    let starts = before.is_none_or(|c| !c.is_ascii_alphabetic())
        || (before.is_some_and(|c| c.is_ascii_lowercase()) && b[s].is_ascii_uppercase())
        || (before.is_some_and(|c| c.is_ascii_uppercase())
            && b[s].is_ascii_uppercase()
            && b.get(s + 1).is_some_and(u8::is_ascii_lowercase));
    let after = b.get(e).copied();
    let ends = after.is_none_or(|c| !c.is_ascii_lowercase())
        || (b[e - 1].is_ascii_lowercase() && after.is_some_and(|c| c.is_ascii_uppercase()));
    // `SYSTEM_ACCESSTOKEN`, `MASTERKEY`, `bindpw`: a name that ends in the word ([`field`]
    // decides).
    let w = &b[s..e];
    let suffix = after.is_none_or(|c| !c.is_ascii_alphanumeric())
        && [&b"key"[..], b"token", b"pw", b"pwd"]
            .iter()
            .any(|x| w.eq_ignore_ascii_case(x));
    (starts && ends) || suffix
}

/// Whether `line` contains any word a sensitive field name is made of (ASCII case ignored):
/// a line without one has no field for [`field`] to accept, so it is not parsed for pairs.
/// The redactor learns this in its one word pass (`rules::Features::field_word`); this is
/// the same test on its own, for the layers' unit tests.
#[cfg(test)]
pub(crate) fn mentions_field(line: &str) -> bool {
    static AC: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    let ac = AC.get_or_init(|| {
        // A DFA: overlapping search in a DFA is a table walk (the default contiguous NFA
        // follows failure links; it was a fifth of the time).
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(aho_corasick::MatchKind::Standard)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(field_words())
            .expect("field words")
    });
    let b = line.as_bytes();
    ac.find_overlapping_iter(b)
        .any(|m| field_word_at(b, m.start(), m.end()))
}

/// Keys seen at most this many distinct times are remembered ([`field`], [`kept`]); beyond,
/// the memory starts over (a log repeats a few hundred keys; ids used as keys do not repeat).
const KEY_MEMO: usize = 4096;

/// What [`field`] and [`kept`] answered for a key: logs repeat their keys on every line, and
/// splitting a key into parts allocates.
#[derive(Clone, Copy)]
struct KeyFacts {
    field: Option<Field>,
    kept: bool,
}

fn key_facts(key: &str) -> KeyFacts {
    use std::cell::RefCell;
    // FxHash: looked up for every key of every line; the keys are the user's own logs.
    thread_local! {
        static MEMO: RefCell<crate::hash::FxHashMap<Box<str>, KeyFacts>> =
            RefCell::new(crate::hash::FxHashMap::default());
    }
    MEMO.with(|m| {
        if let Some(f) = m.borrow().get(key) {
            return *f;
        }
        let facts = KeyFacts {
            field: field_of(key),
            kept: kept_of(key),
        };
        let mut m = m.borrow_mut();
        if m.len() >= KEY_MEMO {
            m.clear();
        }
        m.insert(key.into(), facts);
        facts
    })
}

/// Whether a key names a sensitive value, and which.
pub(crate) fn field(key: &str) -> Option<Field> {
    key_facts(key).field
}

fn field_of(key: &str) -> Option<Field> {
    // POSIX shells' working directories (`sudo: ... PWD=/home/ana ;`), not passwords.
    if matches!(key, "PWD" | "OLDPWD") {
        return None;
    }
    let parts = key_parts(key);
    let last = parts.last()?.as_str();
    let joined: String = parts.concat();
    let has = |w: &str| parts.iter().any(|p| p == w);
    let pair = |a: &str, b: &str| parts.windows(2).any(|w| w[0] == a && w[1] == b);
    // Session ids are the secret itself, unlike other `_id`s.
    if (pair("session", "id") || has("sessionid") || has("sid"))
        && !ABOUT_TAILS_STRICT.contains(&last)
    {
        return Some(Field::Credential);
    }
    // Vault AppRole logs in with a `role_id` and a `secret_id`: the SecretID is the
    // credential itself (HashiCorp's API names it so), unlike other `_id`s.
    if parts.len() == 2 && pair("secret", "id") {
        return Some(Field::Credential);
    }
    if pair("tax", "id")
        || pair("national", "id")
        || pair("document", "number")
        || pair("id", "card")
        || pair("steuer", "id")
        || pair("identification", "id")
        || pair("account", "no")
        || pair("account", "number")
        || pair("account", "nr")
        || pair("acct", "no")
        || joined == "accountnumber"
        || pair("identification", "number")
        || pair("passport", "id")
    {
        return Some(Field::Id);
    }
    // A service account's private key id travels with the key in one file (scanners report
    // the file as the credential), so it is masked with it; other key ids stay (`kid`).
    if joined == "privatekeyid" {
        return Some(Field::Credential);
    }
    // `expires_in`, `refresh_token_expires_in`: a lifetime in seconds, not the token.
    if ABOUT.contains(&last)
        || super::lexicon::about(last)
        || pair("expires", "in")
        || pair("valid", "for")
    {
        return birth_or_person(&parts, &joined);
    }
    if let Some(f) = super::lexicon::field(&parts, &joined) {
        return Some(f);
    }
    if has("dob")
        || pair("date", "of") && has("birth")
        || has("birthdate")
        || has("birthday")
        || pair("birth", "date")
        || has("geburtsdatum")
        || has("nacimiento")
        || has("naissance")
        || has("nascita")
        || has("nascimento")
        || has("geboortedatum")
        || has("fodselsdato")
        || has("födelsedatum")
    {
        return Some(Field::Birth);
    }
    if PASSWORD
        .iter()
        .any(|w| has(w) || (joined.ends_with(w) && w.len() >= 6))
        || short_password_suffix(&joined)
        || parts.iter().any(|p| account_pass(p))
    {
        return Some(Field::Password);
    }
    // `card_holder`, `account_holder`: the key ends in who it is, so it holds a person's
    // name whatever the words before say (a card's holder, not its number).
    if NAME_ONLY.contains(&last) {
        return Some(Field::PersonName);
    }
    // Magento's payment fields: `cc_cid` is the card's security code, `cc_owner` its holder.
    if joined == "ccowner" {
        return Some(Field::PersonName);
    }
    if has("cvv")
        || joined == "cccid"
        || has("cvc")
        || has("cvv2")
        || has("cvc2")
        || has("csc")
        || pair("security", "code")
        || has("card")
        || pair("card", "number")
        || has("pan")
        || has("ccnumber")
    {
        return Some(Field::Card);
    }
    if has("otp") || pair("verification", "code") || has("pin") || has("totp") || has("otpcode") {
        return Some(Field::Code);
    }
    if has("code") && !has("status") && !has("error") && !has("exit") && !has("response") {
        return Some(Field::AuthCode);
    }
    if ID
        .iter()
        .any(|w| has(w) || joined == *w || joined.ends_with(w) && w.len() >= 6)
        || pair("tax", "id")
        || pair("document", "number")
        || pair("account", "number")
        || pair("id", "number")
        || pair("national", "id")
        || pair("social", "security")
        || pair("codice", "fiscale")
        || pair("steuer", "id")
        || pair("id", "card")
        || driving_licence(&parts)
    {
        return Some(Field::Id);
    }
    if PHONE.iter().any(|w| has(w)) || pair("phone", "number") {
        return Some(Field::Phone);
    }
    if has("email") || has("mail") || has("e") && has("mail") || has("courriel") {
        return Some(Field::Email);
    }
    if pair("public", "key") || joined == "publickey" {
        return Some(Field::PublicKey);
    }
    if CREDENTIAL.iter().any(|w| has(w) || joined == *w)
        || (key_near_end(&parts) && !plain_key(&parts))
        || joined.ends_with("token")
        || joined.ends_with("secret")
        || joined.ends_with("apikey")
        || matches!(joined.as_str(), "apikey" | "xapikey")
    {
        return Some(Field::Credential);
    }
    if NAME_ONLY.iter().any(|w| has(w) || joined == *w) {
        return Some(Field::PersonName);
    }
    // `client_ip_address`, `mac_addr`, `remote_address`: where a machine is, not a person;
    // the shape rules find the address itself.
    let network = [
        "ip", "ipv4", "ipv6", "mac", "hw", "remote", "peer", "host", "socket",
    ];
    if ADDRESS.iter().any(|w| has(w) || joined.ends_with(w)) && !network.iter().any(|w| has(w)) {
        return Some(Field::Address);
    }
    // Where an order goes (`"shipping" => "2 Main St, ..."`): a postal address when the
    // value is written as one.
    if matches!(
        joined.as_str(),
        "shipping" | "billing" | "delivery" | "shipto" | "billto" | "mailing"
    ) {
        return Some(Field::Address);
    }
    // Coordinates: `latitude`, `lng`, `$lat`, GML's `<gml:pos>lat lon</gml:pos>` (PIDF-LO).
    if matches!(
        joined.as_str(),
        "latitude" | "longitude" | "lat" | "lng" | "lon" | "gmlpos"
    ) {
        return Some(Field::Location);
    }
    // A person's role (`employee`, `patient`): a name when the value is written as one.
    if matches!(
        last,
        "name" | "customer" | "recipient" | "employee" | "patient" | "applicant" | "passenger"
    ) {
        return Some(Field::MaybePersonName);
    }
    None
}

/// `bindpw`, `rootpw`, `dbpwd`: the short spellings of password written after the account
/// they belong to, as one word (LDAP servers and clients name their bind password so).
fn short_password_suffix(joined: &str) -> bool {
    (joined.ends_with("pw") || joined.ends_with("pwd")) && joined.len() > 3 && joined != "oldpwd"
}

/// `adminpass`, `smtppass`, `rootpass`: "pass" written after the account it belongs to, as
/// one word (PHP and shell configurations name them so). English words that end in "pass"
/// name something else: `bypass`, `compass`, `surpass`, a filter's `lowpass`, a compiler's
/// `firstpass`, an `overpass`.
fn account_pass(part: &str) -> bool {
    const WORDS: &[&str] = &[
        "by", "com", "encom", "sur", "tres", "over", "under", "multi", "first", "second", "single",
        "one", "two", "high", "low", "band", "all", "mid",
    ];
    part.strip_suffix("pass")
        .is_some_and(|head| head.len() >= 2 && !WORDS.contains(&head))
}

/// A driving licence number: `driver_license`, `drivers_licence_no`, `license_number`,
/// `dl_number`; a bare `license` is a software licence's name (`MIT`, `Apache-2.0`).
fn driving_licence(parts: &[String]) -> bool {
    let has = |w: &str| parts.iter().any(|p| p == w);
    let licence = has("license") || has("licence") || has("dl");
    let driving = has("driver") || has("drivers") || has("driving");
    let number = parts
        .last()
        .is_some_and(|l| matches!(l.as_str(), "no" | "nr" | "num" | "number"));
    licence && (driving || number)
}

/// Keys whose values are identifiers or digests that must stay (trace and request ids,
/// fingerprints, public keys, HMAC digests): no shape rule may mask them either.
#[cfg(test)]
pub(crate) fn kept(key: &str) -> bool {
    key_facts(key).kept
}

/// Which sensitive value a key names ([`field`]), and whether its value must stay (trace
/// and request ids, fingerprints, public keys, HMAC digests: no shape rule may mask them
/// either), in one look-up.
pub(crate) fn field_and_kept(key: &str) -> (Option<Field>, bool) {
    let facts = key_facts(key);
    (facts.field, facts.kept)
}

fn kept_of(key: &str) -> bool {
    let parts = key_parts(key);
    let Some(last) = parts.last() else {
        return false;
    };
    let joined: String = parts.concat();
    matches!(
        last.as_str(),
        "id" | "ids"
            | "hash"
            | "digest"
            | "checksum"
            | "etag"
            | "fingerprint"
            | "hmac"
            | "kid"
            | "sha"
            | "sha1"
            | "sha256"
            | "md5"
            | "arn"
            | "nonce"
    ) || matches!(
        joined.as_str(),
        "publickey" | "requestid" | "traceid" | "spanid"
    ) // A numbered id (`x-amz-id-2`, S3's extended request id) is an id too.
        || (parts.len() >= 2
            && parts[parts.len() - 2] == "id"
            && last.bytes().all(|b| b.is_ascii_digit())) || (parts.len() >= 2 && last == "key" && parts[parts.len() - 2] == "public")
        // A key's id names the key (a JWK `kid`, a KMS `key_id`) and grants nothing; known
        // token shapes (`AKIA...`) are still masked by their rules.
        || joined.ends_with("keyid")

        // An HMAC is a message's digest: `hmac_header`, `x-hub-hmac`; an `hmac_secret` or
        // `hmac_key` is the key itself.
        || (parts.iter().any(|p| p == "hmac")
            && !parts.iter().any(|p| {
                matches!(p.as_str(), "secret" | "key" | "token" | "password" | "salt")
            }))
}

/// `api_key`, `SECRET_KEY_BASE`: a compound name whose `key` is its last or next-to-last part.
/// Further in, the name is about something else (`RSAKeyLoaderService`, a class).
fn key_near_end(parts: &[String]) -> bool {
    parts.len() > 1
        && parts
            .iter()
            .rposition(|p| p == "key")
            .is_some_and(|i| i + 2 >= parts.len())
}

/// `cache_key`, `routing_key`, `partition_key`: keys that index data, not credentials.
fn plain_key(parts: &[String]) -> bool {
    const NOT_OWNERS: &[&str] = &[
        "cache",
        "routing",
        "idempotency",
        "partition",
        "sort",
        "primary",
        "foreign",
        "object",
        "row",
        "shard",
        "hash",
        "lookup",
        "dedup",
        "dedupe",
        "map",
        "group",
        "index",
        "metric",
        "label",
        "message",
        "event",
        "kafka",
        "record",
        "composite",
        "unique",
        "natural",
        "surrogate",
        "join",
        "bucket",
        "redis",
        "queue",
        "stream",
        "config",
        "feature",
        "flag",
        "i18n",
        "translation",
        "sharding",
        "ordering",
        "rate",
        "limit",
        "throttle",
        "lock",
    ];
    parts
        .windows(2)
        .filter(|w| w[1] == "key")
        .all(|w| NOT_OWNERS.contains(&w[0].as_str()))
}

/// Tails that stay "about" even for session ids (`session_id_type`).
const ABOUT_TAILS_STRICT: &[&str] = &["type", "length", "count", "present", "header", "name"];

/// `birth_date`, `full_name`, `customer_name`: a tail that is "about" except for these.
fn birth_or_person(parts: &[String], joined: &str) -> Option<Field> {
    let has = |w: &str| parts.iter().any(|p| p == w);
    let last = parts.last().map(String::as_str).unwrap_or("");
    if last == "date" && (has("birth") || has("dob")) {
        return Some(Field::Birth);
    }
    if last == "name" {
        if NAME_ONLY.iter().any(|w| has(w))
            || matches!(
                joined,
                "fullname"
                    | "firstname"
                    | "lastname"
                    | "givenname"
                    | "familyname"
                    | "customername"
                    | "holdername"
                    | "accountholdername"
                    | "cardholdername"
                    | "beneficiaryname"
                    | "username_full"
                    | "displayname"
                    | "contactname"
                    | "billingname"
                    | "shippingname"
                    | "calleridname"
                    | "effectivecalleridname"
            )
            || has("full")
            || has("first")
            || has("last")
            || has("given")
            || has("family")
            || has("customer")
            || has("contact")
            || has("billing")
            || has("shipping")
            || has("beneficiary")
            || has("holder")
        {
            return Some(Field::PersonName);
        }
        if parts.len() == 1 || super::lexicon::person_role(parts) {
            return Some(Field::MaybePersonName);
        }
    }
    None
}

/// Values that carry no secret whatever their key: flags, empties, redaction markers,
/// placeholders, env references, durations, sizes and (unless `dates_are_personal`) timestamps.
/// A Windows security identifier (MS-DTYP 2.4.2: `S-1-<authority>-<sub>...`, e.g.
/// `S-1-5-21-...-1104`): it names an account or group, as a user name does; under a `SID`
/// key it is not a session id.
fn windows_sid(t: &str) -> bool {
    let Some(rest) = t.strip_prefix("S-1-") else {
        return false;
    };
    rest.split('-').count() >= 2
        && rest
            .split('-')
            .all(|g| (1..=10).contains(&g.len()) && g.bytes().all(|b| b.is_ascii_digit()))
}

pub(crate) fn benign(v: &str, dates_are_personal: bool) -> bool {
    let t = v.trim();
    if t.is_empty() || t.starts_with("${") || t.starts_with("{{") || t.starts_with("$(") {
        return true;
    }
    // Placeholders, redaction markers and resource names (`arn:aws:kms:...:key/...`).
    if is_placeholder(t) || is_masked(t) || t.starts_with("arn:") {
        return true;
    }
    let lower = t.to_ascii_lowercase();
    const FLAT: &[&str] = &[
        "true",
        "false",
        "null",
        "none",
        "nil",
        "undefined",
        "yes",
        "no",
        "on",
        "off",
        "redacted",
        "filtered",
        "masked",
        "hidden",
        "empty",
        "n/a",
        "na",
        "missing",
        "invalid",
        "expired",
        "bearer",
        "basic",
        "digest",
        "negotiate",
        "ok",
        "success",
        "failed",
        "denied",
        "granted",
        "required",
        "disabled",
        "enabled",
        "unset",
        "set",
        "present",
        "absent",
        "null)",
        "-",
        "--",
        "?",
        "unknown",
        "default",
        "changeme?",
        "not set",
        "notset",
    ];
    if FLAT.contains(&lower.as_str()) || key_algorithm(&lower) || windows_sid(t) {
        return true;
    }
    if !dates_are_personal && is_timestamp(t) {
        return true;
    }
    is_duration(t)
}

/// A public-key algorithm's name as SSH (RFC 4253, 5656, 8709) and PuTTY files write it
/// (`ssh-ed25519`, `ecdsa-sha2-nistp256`, `rsa-sha2-512`): the type of a key, never the key.
fn key_algorithm(lower: &str) -> bool {
    let lower = lower.strip_suffix("-cert-v01@openssh.com").unwrap_or(lower);
    matches!(
        lower,
        "ssh-rsa" | "ssh-dss" | "ssh-ed25519" | "ssh-ed448" | "rsa-sha2-256" | "rsa-sha2-512"
    ) || lower.starts_with("ecdsa-sha2-nistp")
        || lower.starts_with("sk-ssh-ed25519@")
        || lower.starts_with("sk-ecdsa-sha2-nistp256@")
}

/// `[FILTERED]`, `<hidden>`, `***`, `xxxx`, `[REDACTED]`, `sha256:...` digests of a secret.
pub(crate) fn is_masked(t: &str) -> bool {
    let inner = t
        .trim_start_matches(['[', '<', '(', '*'])
        .trim_end_matches([']', '>', ')', '*']);
    let lower = inner.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "filtered"
            | "redacted"
            | "hidden"
            | "masked"
            | "secret"
            | "sensitive"
            | "removed"
            | "omitted"
            | "private"
            | "censored"
            | "scrubbed"
            | ""
    ) && inner.len() < t.len()
    {
        return true;
    }
    t.chars().all(|c| matches!(c, '*' | 'x' | 'X' | '•' | '#')) && t.chars().count() >= 3
        || partly_masked(t)
        || lower.starts_with("hmac-sha256:")
        || lower.starts_with("hmac-sha1:")
}

/// A display form that hides most of a value (`sk_live_****AbCd`, `************4242`,
/// `j***@g***.com`, `XXXXXXXXXXXX4242`): a run of three mask characters (`*`, `•`) or of
/// eight `X`, which no generated secret contains.
fn partly_masked(t: &str) -> bool {
    let run = |c: char, n: usize| {
        let mut best = 0;
        let mut cur = 0;
        for ch in t.chars() {
            cur = if ch == c { cur + 1 } else { 0 };
            best = best.max(cur);
        }
        best >= n
    };
    run('*', 3) || run('•', 3) || run('X', 8) || run('x', 8)
}

/// `<EMAIL_3>` and the like: already masked.
pub(crate) fn is_placeholder(t: &str) -> bool {
    let Some(inner) = t.strip_prefix('<').and_then(|s| s.strip_suffix('>')) else {
        return false;
    };
    let Some((label, n)) = inner.split_once('_') else {
        return false;
    };
    SecretKind::from_label(label).is_some()
        && !n.is_empty()
        && n.bytes().all(|b| b.is_ascii_digit())
}

/// `1500ms`, `30s`, `5m0s`, `1h30m`, `4.755s`.
pub(crate) fn is_duration(t: &str) -> bool {
    let mut rest = t;
    let mut any = false;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if digits == 0 {
            return false;
        }
        let after = &rest[digits..];
        let unit = after
            .find(|c: char| !(c.is_ascii_alphabetic() || c == 'µ'))
            .unwrap_or(after.len());
        if !matches!(
            &after[..unit],
            "ns" | "us"
                | "µs"
                | "ms"
                | "s"
                | "m"
                | "h"
                | "d"
                | "w"
                | "sec"
                | "secs"
                | "min"
                | "mins"
                | "hr"
                | "hrs"
        ) {
            return false;
        }
        any = true;
        rest = &after[unit..];
    }
    any
}

/// ISO dates and date-times (`2024-06-11`, `2024-06-11T08:02:36Z`, `2024-06-17 08:00:37.987`)
/// and epoch seconds or milliseconds.
pub(crate) fn is_timestamp(t: &str) -> bool {
    let b = t.as_bytes();
    if b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
    {
        return b.len() == 10 || matches!(b[10], b'T' | b' ' | b't');
    }
    (b.len() == 10 || b.len() == 13) && b.iter().all(u8::is_ascii_digit) && matches!(b[0], b'1')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_ids_and_settings_about_a_secret() {
        // S3's `x-amz-id-2` is a request id; an algorithm or lifetime setting is not a secret.
        assert!(kept("x-amz-id-2") && kept("request_id_2"));
        assert_eq!(field("password.hash.algo"), None);
        assert_eq!(field("TokenLifetime"), None);
        assert_eq!(field("PasswortAblaufTage"), None);
    }

    #[test]
    fn names_in_every_spelling() {
        for k in [
            "password",
            "dbPassword",
            "DB_PASSWORD",
            "x-db-passwd",
            "PGPASSWORD",
            "smtp.pass",
        ] {
            assert_eq!(field(k), Some(Field::Password), "{k}");
        }
        for k in [
            "api_key",
            "X-Api-Key",
            "apiKey",
            "access_token",
            "client_secret",
            "Cookie",
            "sessionid",
            "session_id",
            "AUTH",
        ] {
            assert_eq!(field(k), Some(Field::Credential), "{k}");
        }
        for k in [
            "ssn",
            "tax_id",
            "document_number",
            "passport_number",
            "iban",
            "nino",
            "codice_fiscale",
        ] {
            assert_eq!(field(k), Some(Field::Id), "{k}");
        }
        assert_eq!(field("mobile"), Some(Field::Phone));
        assert_eq!(field("dob"), Some(Field::Birth));
        assert_eq!(field("date_of_birth"), Some(Field::Birth));
        assert_eq!(field("birth_date"), Some(Field::Birth));
        assert_eq!(field("full_name"), Some(Field::PersonName));
        assert_eq!(field("beneficiary"), Some(Field::PersonName));
        assert_eq!(field("card_holder"), Some(Field::PersonName));
        assert!(benign(
            "S-1-5-21-3623811015-3361044348-30300820-1013",
            false
        ));
        assert!(benign("S-1-5-32-544", false));
        assert!(!benign("S-1-abc", false) && !benign("S-1-5", false));
        for k in [
            "wachtwoord",
            "db_passord",
            "lösenord",
            "salasana",
            "Hasło",
            "пароль",
        ] {
            assert_eq!(field(k), Some(Field::Password), "{k}");
        }
        assert_eq!(field("secret_id"), Some(Field::Credential));
        assert_eq!(field("secretId"), Some(Field::Credential));
        assert_eq!(field("role_id"), None);
        assert_eq!(field("token_id"), None);
        assert_eq!(field("cardHolder"), Some(Field::PersonName));
        assert_eq!(field("card_number"), Some(Field::Card));
        assert_eq!(field("employee"), Some(Field::MaybePersonName));
        assert_eq!(field("shipping"), Some(Field::Address));
        assert_eq!(field("bill_to"), Some(Field::Address));
        assert_eq!(field("shipping_method"), None);
        assert_eq!(field("patient"), Some(Field::MaybePersonName));
        assert_eq!(field("name"), Some(Field::MaybePersonName));
        assert_eq!(field("street_address"), Some(Field::Address));
        for k in ["latitude", "lng", "$lat", "gml:pos"] {
            assert_eq!(field(k), Some(Field::Location), "{k}");
        }
        // A network address's name is not a postal address's.
        for k in [
            "Client IP Address",
            "ip_address",
            "mac_addr",
            "remoteAddress",
            "peer_addr",
        ] {
            assert_eq!(field(k), None, "{k}");
        }
        assert_eq!(field("cvv"), Some(Field::Card));
    }

    #[test]
    fn names_about_a_secret_are_not_secret() {
        for k in [
            "secret_name",
            "secretName",
            "token_path",
            "password_changed_at",
            "api_key_present",
            "token_ttl",
            "key_id",
            "token_type",
            "session_timeout",
            "token_count",
            "service",
            "level",
            "msg",
            "cache_key_prefix_len",
            "host",
        ] {
            assert_eq!(field(k), None, "{k}");
        }
    }

    #[test]
    fn pass_after_an_account_is_a_password_but_english_words_are_not() {
        for k in [
            "adminpass",
            "smtppass",
            "$rootpass",
            "db_rootpass",
            "MAILPASS",
        ] {
            assert_eq!(field(k), Some(Field::Password), "{k}");
        }
        for k in [
            "bypass",
            "cache_bypass",
            "compass",
            "lowpass_hz",
            "firstpass",
            "overpass",
        ] {
            assert_ne!(field(k), Some(Field::Password), "{k}");
        }
    }

    #[test]
    fn acronyms_before_a_word_and_short_password_spellings() {
        // Go's `%+v` prints field names as declared: an acronym, then a word.
        assert_eq!(key_parts("DBPass"), ["db", "pass"]);
        assert_eq!(key_parts("SMTPPassword"), ["smtp", "password"]);
        assert_eq!(key_parts("requestIDs"), ["request", "ids"]);
        assert_eq!(field("DBPass"), Some(Field::Password));
        // A class named after a key is not a key's field; a key's value is.
        assert_eq!(field("RSAKeyLoaderService"), None);
        assert_eq!(field("SECRET_KEY_BASE"), Some(Field::Credential));
        assert_eq!(field("signingKeyPem"), Some(Field::Credential));
        // OpenLDAP and nslcd name their bind passwords `bindpw` / `rootpw`.
        for k in ["bindpw", "rootpw", "dbpwd"] {
            assert_eq!(field(k), Some(Field::Password), "{k}");
        }
        assert_eq!(field("OLDPWD"), None);
        let b = b"config DBPass:x";
        assert!(
            field_word_at(b, 9, 13),
            "`Pass` after an acronym starts a part"
        );
        assert!(field_word_at(b"nslcd bindpw=x", 10, 12));
    }

    #[test]
    fn driving_licences_tokens_and_compound_names() {
        for k in [
            "driver_license",
            "driversLicenceNumber",
            "license_no",
            "dl_number",
        ] {
            assert_eq!(field(k), Some(Field::Id), "{k}");
        }
        // A software licence is named, not numbered.
        assert_eq!(field("license"), None);
        assert_eq!(field("license_type"), None);
        // A personal access token; ASP.NET's forms authentication ticket.
        assert_eq!(field("AZURE_DEVOPS_EXT_PAT"), Some(Field::Credential));
        assert_eq!(field("ASPXAUTH"), Some(Field::Credential));
        // Compound words without a separator still open the field parser.
        assert!(mentions_field("  birthdate: 1980-02-03"));
        assert!(mentions_field("  driver_license: Q1234567"));
        assert_eq!(field("birthdate"), Some(Field::Birth));
    }

    #[test]
    fn lifetimes_key_ids_and_digests_are_about_a_secret() {
        // Vault's `token_policies` lists policy names, like `token_policy`.
        assert_eq!(field("token_policies"), None);
        assert_eq!(field("token_policy"), None);
        // OAuth 2 (RFC 6749 5.1) `expires_in` is seconds, also prefixed by the token it is for.
        assert_eq!(field("expires_in"), None);
        assert_eq!(field("refresh_token_expires_in"), None);
        // A key id names a key; an HMAC value is a digest of a message, its key is secret.
        for k in ["key_id", "signingKeyId", "hmac_header", "X-Hmac-Sha256"] {
            assert_eq!(field(k), None, "{k}");
            assert!(kept(k), "{k}");
        }
        assert!(!kept("hmac_secret"));
        // Except a service account's private key id, which ships inside the key file.
        assert_eq!(field("private_key_id"), Some(Field::Credential));
        assert_eq!(field("hmac_secret"), Some(Field::Credential));
    }

    #[test]
    fn birth_dates_in_other_languages() {
        for k in [
            "date_naissance",
            "data_nascita",
            "dataNascimento",
            "geboortedatum",
        ] {
            assert_eq!(field(k), Some(Field::Birth), "{k}");
            assert!(mentions_field(&format!("{k}=01/02/1990")), "{k}");
        }
    }

    #[test]
    fn local_id_names_short_spellings_and_concatenated_names() {
        for k in ["se_personnummer", "pl_pesel", "fi_hetu", "ahv_nr", "curp"] {
            assert_eq!(field(k), Some(Field::Id), "{k}");
            assert!(mentions_field(&format!("{k}=x")), "{k}");
        }
        assert_eq!(field("pw"), Some(Field::Password));
        assert_eq!(field("snmp_community"), Some(Field::Credential));
        assert_eq!(field("remember_me"), Some(Field::Credential));
        // All-caps names joined without a separator still end in their word.
        assert_eq!(field("SYSTEM_ACCESSTOKEN"), Some(Field::Credential));
        assert!(mentions_field("SYSTEM_ACCESSTOKEN=\"abc\""));
        assert!(!mentions_field("monkeys ate 3 bananas"));
        // The shell's working directory, and amounts of time about a password.
        assert_eq!(field("PWD"), None);
        assert_eq!(field("password_age_days"), None);
        assert_eq!(field("card_masked"), None);
    }

    #[test]
    fn partly_masked_display_forms_are_benign() {
        for v in [
            "sk_live_****AbCd",
            "************4242",
            "j***@g***.com",
            "XXXXXXXXXXXX4242",
        ] {
            assert!(benign(v, false), "{v}");
        }
        for v in ["Xy*z9", "XXL-42", "p*ssw0rd"] {
            assert!(!benign(v, false), "{v}");
        }
    }

    #[test]
    fn key_algorithm_names_are_benign() {
        for v in [
            "ssh-ed25519",
            "ssh-rsa",
            "ecdsa-sha2-nistp384",
            "rsa-sha2-512",
        ] {
            assert!(benign(v, false), "{v}");
        }
        assert!(!benign("ssh-ed25519-AAAAC3NzaC1lZDI1NTE5", false));
    }

    #[test]
    fn every_sensitive_name_is_mentioned() {
        for k in [
            "DB_PASSWORD",
            "x-api-key",
            "tax_id",
            "cellulare",
            "dob",
            "full_name",
            "iban",
            "sessionid",
            "client_secret",
        ] {
            assert!(
                field(k).is_some() && mentions_field(&format!("{k}=x")),
                "{k}"
            );
        }
        assert!(!mentions_field(
            "2024-01-01T00:00:00Z INFO orders-api GET /health 200 12ms"
        ));
    }

    #[test]
    fn benign_values() {
        for v in [
            "true",
            "[FILTERED]",
            "<hidden>",
            "***",
            "<SECRET_2>",
            "30s",
            "5m0s",
            "2024-06-11T08:02:36Z",
            "${DB_PASS}",
            "hmac-sha256:ab12",
        ] {
            assert!(benign(v, false), "{v}");
        }
        assert!(!benign("2024-06-11", true));
        for v in ["hunter2", "s3cr3t", "Tr0ub4dor&3"] {
            assert!(!benign(v, false), "{v}");
        }
    }
}
