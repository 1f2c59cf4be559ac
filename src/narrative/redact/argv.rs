//! Passwords that a tool's documented syntax places without a `password=` name: command-line
//! options of common admin tools, a literal piped into a command that reads its secret from
//! standard input, server configuration directives, ACL rules and ODBC's braced values.
//!
//! - JDK `keytool`: `-storepass`, `-keypass`, `-srcstorepass`, `-deststorepass`,
//!   `-srckeypass`, `-destkeypass`, `-new` take the password as the next argument.
//! - OpenLDAP clients (`ldapsearch`, `ldapmodify`, ...): `-w passwd`.
//! - SQL Server `sqlcmd` / `bcp` / `osql`: `-P password`.
//! - 7-Zip: `-p{password}`, attached; Info-ZIP `zip` / `unzip`: `-P password`.
//! - Sysinternals PsExec: `-p password`; `schtasks`: `/RP password` and `/P password`;
//!   `cmdkey`: `/pass:password`.
//! - Samba `smbclient -U 'DOMAIN\user%password'`: the part after `%`.
//! - `echo 'x' | docker login --password-stdin`, `printf 'x' | podman secret create name -`,
//!   `| chpasswd`, `| passwd --stdin`: the literal written to a command that reads a secret from its stdin.
//! - Secret stores' set commands (`nextflow secrets set NAME 'v'`, `drone secret add ...
//!   --data 'v'`, `gh secret set NAME --body v`): a quoted value right after the name, or the
//!   value of `--data` / `--value` / `--body`.
//! - Net-SNMP tools (`snmpwalk`, `snmpget`, ...): `-c community`; `snmpd.conf`
//!   `rocommunity` / `rwcommunity` (and `6`) directives: a community string is a password.
//! - redis.conf `requirepass <pw>` / `masterauth <pw>`; Redis ACL rules `>password` (adds a
//!   password) and `#<sha256>` (adds its hash).
//! - ODBC connection strings (`Pwd={p;w}`): a braced value may hold `;` and `}` doubled.
//! - Oracle `IDENTIFIED BY "password"` (double-quoted identifiers).

use super::{SecretKind, Span};
use regex::Regex;
use std::sync::OnceLock;

/// One alternative per tool syntax; the password is the first group that took part.
fn argv_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            // keytool
            r#"(?:^|\s)-(?:src|dest)?(?:storepass|keypass)\s+(?:"([^"]*)"|'([^']*)'|([^\s"'\-][^\s"']*))"#,
            // OpenLDAP clients
            r#"|(?-u:\b)ldap(?:search|modify|add|delete|whoami|passwd|compare|modrdn)(?-u:\b)[^\n|;]*?\s-w\s+(?:"([^"]*)"|'([^']*)'|([^\s"'\-][^\s"']*))"#,
            // SQL Server command-line tools
            r#"|(?-u:\b)(?:sqlcmd|bcp|osql)(?-u:\b)[^\n|;]*?\s-P\s*(?:"([^"]*)"|'([^']*)'|([^\s"'\-][^\s"']*))"#,
            // 7-Zip, attached
            r#"|(?-u:\b)7z[ar]?(?:\.exe)?\s[^\n|;]*?\s-p([^\s"']+)"#,
            // Info-ZIP
            r#"|(?-u:\b)(?:zip|unzip)\s[^\n|;]*?-P\s+(?:"([^"]*)"|'([^']*)'|([^\s"']+))"#,
            // PsExec
            r#"|(?i:psexec(?:64)?(?:\.exe)?)\s[^\n|;]*?\s-p\s+(?:"([^"]*)"|'([^']*)'|([^\s"'\-][^\s"']*))"#,
            // schtasks
            r#"|(?i:schtasks)(?:\.exe)?\s[^\n|;]*?\s/R?P\s+(?:"([^"]*)"|([^\s"/][^\s"]*))"#,
            // cmdkey
            r#"|(?i:cmdkey)(?:\.exe)?\s[^\n|;]*?\s/pass:(?:"([^"]*)"|([^\s"]+))"#,
            // smbclient -U 'DOMAIN\user%password'
            r#"|(?-u:\b)smbclient\s[^\n|;]*?(?:-U|--user)[\s=]*['"]?[^\s%'"]+%([^\s'"]+)"#,
            // A literal piped into a command that reads a secret from stdin
            r#"|(?-u:\b)(?:echo|printf)\s+(?:-[ne]+\s+)?(?:'([^']+)'|"([^"]+)"|([^\s|'"]+))\s*\|\s*(?:sudo\s+)?[^\n|]*?(?:--password-stdin|secret\s+create|chpasswd|passwd\s+--stdin)"#,
            // A secret store's set command: NAME 'value', or --data/--value/--body value
            r#"|(?-u:\b)secrets? (?:set|add|create|put)\s+[A-Za-z_][\w.-]*\s+(?:'([^']*)'|"([^"]*)")"#,
            r#"|(?-u:\b)secrets? (?:set|add|create|put)\s[^\n|;]*?--(?:data|value|body)[ =](?:'([^']*)'|"([^"]*)"|([^\s'"-][^\s'"]*))"#,
            // Net-SNMP tools' community
            r#"|(?-u:\b)snmp[a-z]*\s[^\n|;]*?\s-c\s*(?:'([^']*)'|"([^"]*)"|([^\s'"-][^\s'"]*))"#,
            // snmpd.conf community directives
            r#"|^\s*(?:ro|rw)community6?\s+([^\s#]+)"#,
            // The same directives as redis-server's long options
            r#"|(?:^|\s)--(?:requirepass|masterauth)[ =](?:"([^"]*)"|'([^']*)'|([^\s"']+))"#,
            // redis.conf directives
            r#"|^\s*(?:requirepass|masterauth)\s+(?:"([^"]*)"|([^\s"]+))"#,
            // ODBC braced values
            r#"|(?i:(?:^|[;\s"'])(?:pwd|password)\s*=\s*)\{((?:[^}]|\}\})*)\}"#,
            // Oracle double-quoted password
            r#"|(?i:identified\s+by)\s+"([^"]+)""#,
            // The same, single-quoted inside a quoted statement (`\'pw\'`, audit plugins)
            r#"|(?i:identified\s+by)\s+\\'((?:[^\\']|\\[^'])+)\\'"#,
            // rclone obscure <password>: prints the password's obscured form
            r#"|(?-u:\b)rclone\s+obscure\s+(?:'([^']+)'|"([^"]+)"|([^\s'"-][^\s'"]*))"#,
            // Oracle SQL*Plus logon: sqlplus [-s] user/password@connect_identifier
            r#"|(?i:sqlplus)(?:\s+-\S+)*\s+[^\s/@'"]+/([^\s@'"]+)@"#,
            // MySQL server --initialize: "A temporary password is generated for user@host: pw"
            r#"|temporary password is generated for \S+: (\S+)"#,
            // WebLogic WLST connect('user', 'password', 't3://host:port')
            r#"|(?-u:\b)connect\(\s*['"][^'"]*['"]\s*,\s*['"]([^'"]+)['"]\s*,\s*['"]t3s?://"#,
        ))
        .expect("argv regex")
    })
}

/// Redis ACL rules (`user <name> on >password #<sha256> ~keys +@cmds`, `ACL SETUSER`).
fn acl_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?:^|\s)(?:>([^\s]+)|#([0-9a-fA-F]{64}))(?:\s|$)").expect("acl regex")
    })
}

/// Whether a line opens a Redis ACL rule list: `user <name> ` at its start, or `ACL SETUSER`.
fn acl_line(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("user ") || t.contains("ACL SETUSER") || t.contains("acl setuser")
}

/// The words each syntax above cannot match without (ASCII case ignored), with what else the
/// line must hold for that syntax: most lines hold none of them, and a line that names a
/// tool without its password option never reaches the regex.
pub(super) const ANCHORS: &[(&str, &[&str])] = &[
    ("storepass", &[]),
    ("keypass", &[]),
    ("ldap", &["-w"]),
    ("sqlcmd", &["-P"]),
    ("bcp", &["-P"]),
    ("osql", &["-P"]),
    ("7z", &["-p"]),
    ("zip", &["-P"]),
    ("psexec", &["-p"]),
    ("schtasks", &[]),
    ("cmdkey", &[]),
    ("smbclient", &["%"]),
    ("stdin", &["|"]),
    ("snmp", &["-c"]),
    ("community", &[]),
    ("secrets set", &[]),
    ("secrets add", &[]),
    ("secrets create", &[]),
    ("secrets put", &[]),
    ("secret set", &[]),
    ("secret add", &[]),
    ("secret put", &[]),
    ("secret create", &[]),
    ("secret", &["|"]),
    ("chpasswd", &["|"]),
    ("requirepass", &[]),
    ("masterauth", &[]),
    ("pwd", &["{"]),
    ("password", &["{"]),
    ("identified", &[]),
    ("obscure", &["rclone"]),
    ("sqlplus", &["/", "@"]),
    ("temporary", &[": "]),
    ("connect(", &["t3"]),
];

/// Whether some syntax of [`argv_re`] could match `line`: one pass for the anchors, then
/// their companions. Never false where the regex matches.
fn may_match(line: &str) -> bool {
    static AC: OnceLock<aho_corasick::AhoCorasick> = OnceLock::new();
    let ac = AC.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(ANCHORS.iter().map(|(a, _)| a))
            .expect("argv anchors")
    });
    // Leftmost searches (the prefilter skips most bytes) from each hit's next byte, so an
    // anchor that overlaps another is still seen; where one anchor is a prefix of another
    // (`secret`), the longer is listed first and needs no companion.
    let mut at = 0;
    while let Some(m) = ac.find(aho_corasick::Input::new(line).span(at..line.len())) {
        let (_, companions) = ANCHORS[m.pattern().as_usize()];
        if companions.iter().all(|c| line.contains(c)) {
            return true;
        }
        at = m.start() + 1;
    }
    false
}

/// Spans of the passwords the syntaxes above place.
pub(crate) fn find(line: &str, out: &mut Vec<Span>) {
    if acl_line(line) {
        for c in acl_re().captures_iter(line) {
            if let Some(m) = c.get(1).or_else(|| c.get(2)) {
                out.push(Span::new(m.start(), m.end(), SecretKind::Secret));
            }
        }
    }
    if !may_match(line) {
        return;
    }
    // A `$VAR` is the shell's reference to a secret, not the secret.
    let literal = |v: &str| !v.is_empty() && !v.starts_with('$');
    super::first_groups(argv_re(), line, literal, out);
}

#[cfg(test)]
mod tests {
    use super::super::piece_lines;
    use super::*;

    fn masked(line: &str) -> Vec<&str> {
        super::super::masked_by(find, line)
    }

    #[test]
    fn tool_options_that_take_a_password() {
        let cases = [
            (
                "keytool -importkeystore -srcstorepass ch4ngeit -deststorepass 'n3w pw'",
                vec!["ch4ngeit", "n3w pw"],
            ),
            (
                "ldapmodify -x -D cn=admin,dc=x -w s3cret -f a.ldif",
                vec!["s3cret"],
            ),
            (
                "sqlcmd -S db01 -U sa -P 'Pa55word!' -Q \"SELECT 1\"",
                vec!["Pa55word!"],
            ),
            ("7z a -pS3cr3t archive.7z dir/", vec!["S3cr3t"]),
            ("$ tool secrets set DB_PASS 'Sw0rd fish'", vec!["Sw0rd fish"]),
            (
                "ci secret add --repo a/b --name token --data \"xK9 q\"",
                vec!["xK9 q"],
            ),
            ("gh secret set API_KEY --body hunter2x", vec!["hunter2x"]),
            ("tool secrets set DB_PASS --from-file=p.txt", vec![]),
            ("tool secrets list", vec![]),
            ("snmpget -v2c -c pr1vate-7 192.0.2.1 sysDescr.0", vec!["pr1vate-7"]),
            ("rocommunity n0tpublic 10.0.0.0/8", vec!["n0tpublic"]),
            ("snmpwalk -v3 -l authNoPriv -u mon 192.0.2.1", vec![]),
            ("zip -r -P hunter22 out.zip dir/", vec!["hunter22"]),
            (
                "PsExec.exe \\\\host -u DOM\\adm -p Tr0ub4dor cmd",
                vec!["Tr0ub4dor"],
            ),
            (
                "schtasks /Create /TN job /RU DOM\\svc /RP Xyz123abc",
                vec!["Xyz123abc"],
            ),
            (
                "cmdkey /generic:host /user:DOM\\u /pass:Q9w8e7r6",
                vec!["Q9w8e7r6"],
            ),
            (
                "smbclient //fs/share -U 'DOM\\\\user%Zx9!pw' -c ls",
                vec!["Zx9!pw"],
            ),
            (
                "echo 'tok3n-value' | docker login reg.example -u ci --password-stdin",
                vec!["tok3n-value"],
            ),
            ("printf 'p@ss' | podman secret create db_pw -", vec!["p@ss"]),
            ("requirepass f00bar.baz", vec!["f00bar.baz"]),
            (
                "\"_CMDLINE\": \"/usr/bin/redis-server *:6379 --requirepass Zz-9y\"",
                vec!["Zz-9y"],
            ),
            ("Server=db;Uid=app;Pwd={a;b}}c};Encrypt=yes", vec!["a;b}}c"]),
            (
                "ALTER USER APP IDENTIFIED BY \"Secr3t-1\" ACCOUNT UNLOCK;",
                vec!["Secr3t-1"],
            ),
            (
                "QUERY,'CREATE USER \\'bo\\'@\\'%\\' IDENTIFIED BY \\'Pa\\\\ss-9\\'',0",
                vec!["Pa\\\\ss-9"],
            ),
            ("$ rclone obscure 'c0rrect horse'", vec!["c0rrect horse"]),
            (
                "oracle 4242 1 0 09:12 ? 00:00:01 sqlplus -s scott/Tiger-42@//db:1521/ORCL @x.sql",
                vec!["Tiger-42"],
            ),
            (
                "[Note] [MY-010454] [Server] A temporary password is generated for root@localhost: q;7Hd%kP2",
                vec!["q;7Hd%kP2"],
            ),
            (
                "wls:/offline> connect('weblogic', 'W3blogic!', 't3://admin:7001')",
                vec!["W3blogic!"],
            ),
            ("user worker on >pw-9x ~cache:* +@read", vec!["pw-9x"]),
        ];
        for (line, want) in cases {
            assert_eq!(masked(line), want, "{line}");
        }
    }

    #[test]
    fn leaves_other_options_alone() {
        for line in [
            "mysqldump -P 3306 -h db",
            "ls -p /tmp",
            "echo 'hello' | grep h",
            "ldapsearch -x -b dc=example,dc=com",
            "user guide on page 4",
            "sqlcmd -S db01 -E -Q \"SELECT 1\"",
        ] {
            assert!(masked(line).is_empty(), "{line}: {:?}", masked(line));
        }
    }

    /// The anchor gate is never false where the regex matches.
    #[test]
    fn the_gate_never_hides_a_match() {
        let pieces = [
            " ",
            "  ",
            "-",
            "-p",
            "-P",
            "-w",
            " -p ",
            " -P ",
            " -w ",
            "%",
            "|",
            " | ",
            "{",
            "}",
            "\"",
            "'",
            "=",
            ";",
            "/RP ",
            "/P ",
            "/pass:",
            "$X",
            "pw9",
            "S3cret",
            "keytool",
            "-srcstorepass",
            "-keypass",
            "ldapsearch",
            "ldapmodify",
            "sqlcmd",
            "bcp",
            "osql",
            "7z",
            "7za",
            "zip",
            "unzip",
            "PsExec",
            "psexec64.exe",
            "SCHTASKS",
            "cmdkey",
            "smbclient",
            "-U",
            "DOM\\u",
            "echo",
            "printf",
            "--password-stdin",
            "secret create",
            "secrets set",
            "snmpwalk",
            "-c ",
            "rocommunity ",
            "secret add",
            " NAME ",
            "--data ",
            "'v'",
            "chpasswd",
            "passwd --stdin",
            "--requirepass",
            "requirepass",
            "masterauth",
            "Pwd",
            "PASSWORD",
            "identified by",
            "IDENTIFIED BY",
            "sudo",
            "\\'",
            "rclone",
            "obscure",
            "sqlplus",
            "scott/t",
            "@db",
            "temporary password is generated for",
            "r@h:",
            "connect(",
            "'u',",
            "'t3://h'",
        ];
        for line in piece_lines(&pieces, 40_000) {
            if argv_re().is_match(&line) {
                assert!(may_match(&line), "{line:?}");
            }
        }
    }

    /// Every anchor is one of the line features' words, so a line without that word bit
    /// holds none (the caller skips [`find`] on it).
    #[test]
    fn every_anchor_sets_the_word_bit() {
        use super::super::rules::{Features, Word};
        for (a, _) in ANCHORS {
            for line in [a.to_string(), a.to_uppercase(), format!("x {a} y")] {
                assert!(Features::of(&line).has(Word::Argv), "{line}");
            }
        }
        for line in ["user worker on >pw ~* +@all", "ACL SETUSER w on >pw"] {
            assert!(Features::of(line).has(Word::Argv), "{line}");
        }
    }
}
