//! Field names in other languages: the words configuration keys and KYC records use for a
//! password, a postal address, a person's name, date of birth, driving licence, bank account and national id number, and
//! the words that make a key *about* a secret (its change date, validity, expiry) rather
//! than the secret. Written from the languages' ordinary vocabulary (Finnish, Turkish,
//! Scandinavian, Dutch, German, Polish, Czech, Hungarian, Spanish, Portuguese, Korean,
//! Hebrew transliterations), compared like every key by its lowercase parts
//! ([`super::keys::key_parts`]).

use super::keys::Field;

/// A person's (full) name.
const NAME: &[&str] = &[
    "nimi",    // fi
    "navn",    // no, da
    "namn",    // sv
    "naam",    // nl
    "imie",    // pl
    "imię",    // pl
    "jmeno",   // cs
    "jméno",   // cs
    "nev",     // hu
    "név",     // hu
    "isim",    // tr
    "adsoyad", // tr (ad_soyad)
    "nimeke",  // fi (title of a person)
    "ime",     // hr, sr, sl
    "vardas",  // lt
    "nombrecompleto",
    "nomecompleto",
    // SAP HR infotypes 0002 and 0009: last name, first name, payee.
    "nachn",
    "vorna",
    "emftx",
];

/// The word for password where [`super::keys`] does not list it: Galician, Chinese pinyin,
/// Estonian, Lithuanian, Slovenian, Icelandic, Indonesian/Malay, Vietnamese, and the word in
/// CJK, Korean, Hebrew, Arabic, Greek, Thai and Hindi script.
const PASSWORD: &[&str] = &[
    "contrasinal",
    "mima",
    "parool",
    "slaptazodis",
    "slaptažodis",
    "geslo",
    "lykilord",
    "lykilorð",
    "sandi",
    "katalaluan",
    "matkhau",
    "密码",
    "密碼",
    "パスワード",
    "비밀번호",
    "סיסמה",
    "كلمة_المرور",
    "κωδικός",
    "รหัสผ่าน",
    "पासवर्ड",
];

/// A postal address.
const ADDRESS: &[&str] = &[
    "osoite", "adress", "adresa", "adresi", "cím", "morada", "주소", "住所", "地址",
    "stras", // SAP HR infotype 0006: street and house number
];

/// A date of birth, as one word or as the pair its language writes.
const BIRTH: &[&str] = &[
    "syntymaaika",
    "syntymäaika",
    "syntymapaiva",
    "syntymäpäivä",
    "fødselsdato",
    "födelsedag",
    "urodzenia",
    "narozeni",
    "narození",
    "szuletesi",
    "születési",
    "rodjenja",
    "rođenja",
    "nacimento",
    "生年月日",
    "出生日期",
    "생년월일",
    "gbdat", // SAP HR infotype 0002: date of birth
];

/// `dogum_tarihi` (tr), `data_urodzenia` (pl): a birth word and a date word.
const BIRTH_WORD: &[&str] = &["dogum", "doğum", "urodzenia", "lahir", "sinh"];
const DATE_WORD: &[&str] = &["tarihi", "data", "datum", "tanggal", "ngay", "fecha"];

/// A driving licence number.
const LICENCE: &[&str] = &[
    "ajokortti",
    "ehliyet",
    "korkort",
    "körkort",
    "forerkort",
    "førerkort",
    "korekort",
    "kørekort",
    "rijbewijs",
    "fuhrerschein",
    "führerschein",
    "prawojazdy",
    "jogositvany",
    "jogosítvány",
    "vozacka",
    "vozačka",
    "cnh",
    "運転免許証",
    "驾驶证",
    "운전면허",
];

/// A bank account or a national id number.
const ACCOUNT_OR_ID: &[&str] = &[
    "tilinumero",     // fi: account number
    "kontonummer",    // de, sv, no, da
    "rekeningnummer", // nl
    "szamlaszam",     // hu
    "számlaszám",
    "hesap",        // tr: account
    "kimlik",       // tr: identity (TC kimlik no)
    "zehut",        // he: teudat zehut
    "jumin",        // ko: jumin deungnok beonho
    "contribuinte", // pt: número de contribuinte (NIF)
    "cedula",       // es (Latin America): cédula de identidad
    "cédula",
    "cuil", // ar: labour id, same shape as CUIT
    "cuit",
    "nhs",          // uk: NHS number
    "afm",          // gr: ΑΦΜ, tax registration number
    "iin",          // kz: individual identification number (ЖСН)
    "nik",          // id: Nomor Induk Kependudukan
    "taj",          // hu: TAJ szám, social security number
    "matricule",    // lu, fr: matricule / numéro d'identification
    "numerofiscal", // fr: numéro fiscal de référence (SPI)
    "svnummer",     // at: Sozialversicherungsnummer
    "rnokpp",       // ua: РНОКПП, taxpayer registration number
    "pasep",        // br: PIS/PASEP
    "nip",          // pl: Numer Identyfikacji Podatkowej
    "numsegsocial", // es: número de la Seguridad Social
    "perid",        // SAP HR infotype 0002: personnel id number
    "bankn",        // SAP HR infotype 0009: bank account number
    "sozialversicherungsnummer",
    "svnr",
    "henkilötunnus",
];

/// Last parts that make a key about a secret, not the secret: changed, valid, until, expiry,
/// period (`sifre_son_degisim`, `kennwort.gueltig.bis`, `parol_muddati`).
const ABOUT: &[&str] = &[
    "degisim",
    "değişim",
    "gueltig",
    "gültig",
    "bis",
    "ablauf",
    "geaendert",
    "geändert",
    "muddati",
    "muddet",
    "süre",
    "sure",
    "vanhenee",
    "voimassa",
    "geldig",
    "giltig",
    "gyldig",
    "wygasa",
    "vence",
    "vencimento",
    "caducidad",
    // Units: `PasswortAblaufTage` (de), `wachtwoord_geldig_dagen` (nl): an amount of time.
    "tage",
    "stunden",
    "dage",
    "dagen",
    "dagar",
    "dager",
    "jours",
    "giorni",
    "dias",
    "días",
];

/// Words a person's name key is made of in these languages, for the field-word gate
/// ([`super::keys::field_words`]).
pub(crate) fn words() -> impl Iterator<Item = &'static str> {
    NAME.iter()
        .chain(PASSWORD)
        .chain(ADDRESS)
        .chain(BIRTH)
        .chain(BIRTH_WORD)
        .chain(LICENCE)
        .chain(ACCOUNT_OR_ID)
        .copied()
}

/// Whether the key's last part says it is about a secret (a date, a validity), in another
/// language.
pub(crate) fn about(last: &str) -> bool {
    ABOUT.contains(&last)
}

/// `userDisplayName`, `payer_name`: a `name` key whose other words say whose it is — a
/// person's shown name or one side of a payment — so the value is a name when written as
/// one ([`Field::MaybePersonName`]).
pub(crate) fn person_role(parts: &[String]) -> bool {
    parts.iter().any(|p| {
        matches!(
            p.as_str(),
            "display" | "payer" | "payee" | "sender" | "signer" | "debtor" | "creditor"
        )
    })
}

/// The field a key names in another language, from its lowercase parts.
pub(crate) fn field(parts: &[String], joined: &str) -> Option<Field> {
    let has = |w: &str| parts.iter().any(|p| p == w);
    let any = |ws: &[&str]| ws.iter().any(|w| has(w) || joined == *w);
    if any(PASSWORD) {
        return Some(Field::Password);
    }
    if any(BIRTH) || (any(BIRTH_WORD) && (any(DATE_WORD) || parts.len() == 1)) {
        return Some(Field::Birth);
    }
    if any(LICENCE) {
        return Some(Field::Id);
    }
    if any(ACCOUNT_OR_ID) || (has("resident") && has("id")) || joined == "residentid" {
        return Some(Field::Id);
    }
    if any(ADDRESS) {
        return Some(Field::Address);
    }
    if any(NAME) && parts.len() <= 2 {
        return Some(Field::PersonName);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::narrative::redact::keys::key_parts;

    fn f(key: &str) -> Option<Field> {
        let parts = key_parts(key);
        field(&parts, &parts.concat())
    }

    #[test]
    fn names_birth_dates_licences_and_ids_in_other_languages() {
        assert_eq!(f("nimi"), Some(Field::PersonName));
        assert_eq!(f("navn"), Some(Field::PersonName));
        assert_eq!(f("doğum_tarihi"), Some(Field::Birth));
        assert_eq!(f("data_urodzenia"), Some(Field::Birth));
        assert_eq!(f("syntymäaika"), Some(Field::Birth));
        assert_eq!(f("führerschein_nr"), Some(Field::Id));
        assert_eq!(f("rijbewijs"), Some(Field::Id));
        assert_eq!(f("kata_sandi"), Some(Field::Password));
        assert_eq!(f("密码"), Some(Field::Password));
        assert_eq!(f("osoite"), Some(Field::Address));
        assert_eq!(f("kontonummer"), Some(Field::Id));
        assert_eq!(f("tc_kimlik_no"), Some(Field::Id));
        assert_eq!(f("resident_id"), Some(Field::Id));
        for id in [
            "afm",
            "taj_szam",
            "sv_nummer",
            "num_seg_social",
            "pis_pasep",
            "PERID",
        ] {
            assert_eq!(f(id), Some(Field::Id), "{id}");
        }
        assert_eq!(f("NACHN"), Some(Field::PersonName));
        assert_eq!(f("GBDAT"), Some(Field::Birth));
        assert_eq!(f("STRAS"), Some(Field::Address));
        for plain in ["service", "namespace", "runtime", "data"] {
            assert_eq!(f(plain), None, "{plain}");
        }
        assert!(person_role(&key_parts("userDisplayName")));
        assert!(!person_role(&key_parts("service_name")));
        assert!(about("gültig") && about("degisim") && !about("wert"));
    }
}
