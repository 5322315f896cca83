//! The grammar, a byte at a time: where the scanner is in the JSON structure, which value is
//! `log.entries[i].response.status`, and what is kept of each entry.

use super::scan::{describe, is_simple_escape, Bad, Esc, Lit, LitStep};
use super::{
    Expect, Frame, Kind, Lex, RawEntry, Role, Splitter, KEEP_BUFFER_BYTES, KEY_CAP, LONE_SURROGATE,
    MAX_DEPTH, MAX_LITERAL_BYTES,
};
use crate::engine::can_diagnose;

impl Splitter {
    pub(super) fn byte(&mut self, b: u8) {
        match self.lex {
            Lex::Bom(n) => self.bom(n, b),
            Lex::Normal => self.structural(b),
            Lex::Literal {
                lit,
                len,
                int,
                status,
            } => match lit.next(b) {
                LitStep::More(lit) => {
                    if len >= MAX_LITERAL_BYTES {
                        return self.fail(format!(
                            "a number or literal longer than {MAX_LITERAL_BYTES} bytes"
                        ));
                    }
                    let int = match (int, b) {
                        (Some(v), b'0'..=b'9') => {
                            Some(v.saturating_mul(10).saturating_add(u32::from(b - b'0')))
                        }
                        _ => None,
                    };
                    self.keep(b);
                    self.lex = Lex::Literal {
                        lit,
                        len: len + 1,
                        int,
                        status,
                    };
                }
                LitStep::End => {
                    self.end_literal();
                    if !self.finished {
                        self.structural(b);
                    }
                }
                LitStep::Bad => self.fail(format!("invalid literal: unexpected {}", describe(b))),
            },
            Lex::String { .. } => self.string_byte(b),
        }
    }

    pub(super) fn bom(&mut self, n: u8, b: u8) {
        const BOM: [u8; 3] = [0xef, 0xbb, 0xbf];
        if BOM.get(n as usize) == Some(&b) {
            self.lex = if n == 2 { Lex::Normal } else { Lex::Bom(n + 1) };
        } else if n == 0 {
            self.lex = Lex::Normal;
            self.structural(b);
        } else {
            self.fail(format!(
                "{} is not valid at the start of a file",
                describe(b)
            ));
        }
    }

    pub(super) fn keep(&mut self, b: u8) {
        if self.capturing {
            self.buf.push(b);
        }
    }

    /// A byte inside a string outside plain content: the closing quote, or part of an escape.
    pub(super) fn string_byte(&mut self, b: u8) {
        let Lex::String {
            key,
            esc,
            len,
            high,
            cut,
        } = self.lex
        else {
            return;
        };
        if esc == Esc::None && self.utf8.need > 0 {
            return self.fail(Bad::Utf8.message());
        }
        if esc == Esc::None && b == b'"' {
            if high {
                return self.fail(LONE_SURROGATE);
            }
            self.keep(b);
            self.lex = Lex::Normal;
            self.end_string(key);
            return;
        }
        if b < 0x20 {
            return self.fail(Bad::Control(b).message());
        }
        let (esc, high_next) = match esc {
            Esc::None if b == b'\\' => (Esc::Backslash, high),
            Esc::None => (Esc::None, false),
            Esc::Backslash => match b {
                _ if high && b != b'u' => return self.fail(LONE_SURROGATE),
                _ if is_simple_escape(b) => (Esc::None, false),
                b'u' => (Esc::Hex(4, 0), high),
                _ => {
                    return self.fail(format!("invalid escape '\\{}' in a string", b as char));
                }
            },
            Esc::Hex(left, value) => {
                let Some(d) = (b as char).to_digit(16) else {
                    return self.fail(format!("invalid \\u escape: {}", describe(b)));
                };
                let value = (value << 4) | d as u16;
                if left == 1 {
                    // A low surrogate must follow a high one, and only a low one may.
                    if high != (0xdc00..0xe000).contains(&value) {
                        return self.fail(LONE_SURROGATE);
                    }
                    (Esc::None, (0xd800..0xdc00).contains(&value))
                } else {
                    (Esc::Hex(left - 1, value), high)
                }
            }
        };
        // Cutting a long string happens only where a new character or escape begins, and never
        // between the halves of a surrogate pair.
        let at_boundary = matches!(self.lex, Lex::String { esc: Esc::None, .. })
            && !(0x80..0xc0).contains(&b)
            && !(b == b'\\' && high);
        let cut = cut || (self.capturing && at_boundary && len >= self.max_string_bytes);
        if !cut {
            self.keep(b);
        }
        if key {
            if self.key_len < KEY_CAP {
                self.key[self.key_len] = b;
                self.key_len += 1;
            } else {
                self.key_over = true;
            }
        }
        self.lex = Lex::String {
            key,
            esc,
            len: len + 1,
            high: high_next,
            cut,
        };
        if self.capturing && self.buf.len() > self.max_entry_bytes {
            self.too_large();
        }
    }

    pub(super) fn end_string(&mut self, key: bool) {
        if !key {
            return self.value_done();
        }
        let k = &self.key[..self.key_len];
        let top = self.stack.last().map(|f| f.role);
        self.next_role = match (top, self.key_over, k) {
            (Some(Role::Root), false, b"log") => Role::Log,
            (Some(Role::Log), false, b"entries") => Role::Entries,
            (Some(Role::Entry), false, b"response") => Role::Response,
            (Some(Role::Response), false, b"status") => Role::Status,
            _ => Role::Other,
        };
        self.expect = Expect::Colon;
    }

    pub(super) fn end_literal(&mut self) {
        let Lex::Literal {
            lit, int, status, ..
        } = self.lex
        else {
            return;
        };
        if !lit.complete() {
            return self.fail("invalid literal: it ends too early");
        }
        self.lex = Lex::Normal;
        // A status that is not a plain integer is left to the full parse, which says why.
        if let (true, Some(Ok(s))) = (status, int.map(u16::try_from)) {
            self.status_found(s);
        }
        self.value_done();
    }

    /// The entry's `response.status` is known: an entry that cannot be a payment failure is
    /// only validated from here on.
    pub(super) fn status_found(&mut self, status: u16) {
        if !can_diagnose(status) && self.capturing {
            self.capturing = false;
            self.skipping = true;
            if self.buf.capacity() > KEEP_BUFFER_BYTES {
                self.buf = Vec::new();
            } else {
                self.buf.clear();
            }
        }
    }

    /// A value other than the entries themselves just ended: the grammar moves on.
    pub(super) fn value_done(&mut self) {
        self.expect = if self.stack.is_empty() {
            Expect::TopDone
        } else {
            Expect::CommaOrEnd
        };
    }

    pub(super) fn role_for_value(&mut self, b: u8) -> Option<Role> {
        let role = if self.stack.is_empty() {
            Role::Root
        } else {
            self.next_role
        };
        let wanted = match role {
            Role::Root | Role::Log | Role::Entry => Some(b'{'),
            Role::Entries => Some(b'['),
            Role::Response | Role::Status | Role::Other => None,
        };
        match wanted {
            Some(w) if w != b => {
                let msg = match role {
                    Role::Root => format!(
                        "not a HAR file: expected a JSON object at the top level, found {}",
                        describe(b)
                    ),
                    Role::Log => "not a HAR file: \"log\" is not an object".to_string(),
                    Role::Entries => "not a HAR file: log.entries is not an array".to_string(),
                    _ => format!(
                        "entry {} is not a JSON object (found {})",
                        self.entries_started,
                        describe(b)
                    ),
                };
                self.fail(msg);
                None
            }
            _ => Some(role),
        }
    }

    pub(super) fn start_value(&mut self, b: u8) {
        let Some(role) = self.role_for_value(b) else {
            return;
        };
        if matches!(role, Role::Response | Role::Status) && self.skipping {
            // The entry was judged by the first one and not kept: which counts is unknowable.
            let what = if role == Role::Status {
                "response.status"
            } else {
                "response"
            };
            return self.fail(format!("\"{what}\" appears twice in this entry"));
        }
        match b {
            b'{' | b'[' => {
                if self.stack.len() >= MAX_DEPTH {
                    return self.fail(format!("JSON nested deeper than {MAX_DEPTH} levels"));
                }
                match role {
                    Role::Log => self.seen_log = true,
                    Role::Entries => self.seen_entries = true,
                    Role::Entry => {
                        self.in_entry = true;
                        self.capturing = true;
                        self.skipping = false;
                        self.buf.clear();
                        self.entry_start.offset = self.at;
                        self.start_pending = true;
                        self.entries_started += 1;
                    }
                    _ => {}
                }
                self.keep(b);
                let kind = if b == b'{' { Kind::Object } else { Kind::Array };
                let role = match (role, kind) {
                    (Role::Response, Kind::Object) => Role::Response,
                    (Role::Response | Role::Status, _) => Role::Other,
                    _ => role,
                };
                self.stack.push(Frame { kind, role });
                self.expect = if kind == Kind::Object {
                    Expect::KeyOrEnd
                } else {
                    Expect::ValueOrEnd
                };
                self.next_role = if role == Role::Entries {
                    Role::Entry
                } else {
                    Role::Other
                };
            }
            b'"' => {
                self.keep(b);
                self.lex = Lex::String {
                    key: false,
                    esc: Esc::None,
                    len: 0,
                    high: false,
                    cut: false,
                };
            }
            _ => match Lit::start(b) {
                Some(lit) => {
                    self.keep(b);
                    self.lex = Lex::Literal {
                        lit,
                        len: 1,
                        int: b.is_ascii_digit().then(|| u32::from(b - b'0')),
                        status: role == Role::Status,
                    };
                }
                None => self.fail(format!("expected a value, found {}", describe(b))),
            },
        }
    }

    pub(super) fn close(&mut self, b: u8) {
        let Some(frame) = self.stack.pop() else {
            return self.fail(format!("unexpected {}", describe(b)));
        };
        self.keep(b);
        if frame.role == Role::Entry {
            if self.capturing {
                let bytes = std::mem::take(&mut self.buf);
                self.ready.push_back(RawEntry {
                    index: self.entries_read,
                    start: self.entry_start,
                    bytes,
                });
            }
            self.in_entry = false;
            self.capturing = false;
            self.skipping = false;
            self.entries_read += 1;
        }
        self.value_done();
        // Back in the entries array, the next value is again an entry.
        if self.stack.last().map(|f| f.role) == Some(Role::Entries) {
            self.next_role = Role::Entry;
        }
    }

    pub(super) fn structural(&mut self, b: u8) {
        if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
            return self.keep(b);
        }
        let kind = self.stack.last().map(|f| f.kind);
        match (self.expect, b) {
            (Expect::TopDone, _) => self.fail(format!(
                "unexpected {} after the end of the JSON document",
                describe(b)
            )),
            (Expect::ValueOrEnd, b']') | (Expect::KeyOrEnd, b'}') => self.close(b),
            (Expect::TopValue | Expect::Value | Expect::ValueOrEnd, b'}' | b']') => {
                self.fail(format!("expected a value, found {}", describe(b)))
            }
            (Expect::CommaOrEnd, b']') if kind == Some(Kind::Array) => self.close(b),
            (Expect::CommaOrEnd, b'}') if kind == Some(Kind::Object) => self.close(b),
            (Expect::CommaOrEnd, b',') => {
                self.keep(b);
                self.expect = if kind == Some(Kind::Object) {
                    Expect::Key
                } else {
                    Expect::Value
                };
            }
            (Expect::CommaOrEnd, _) => {
                let want = if kind == Some(Kind::Object) {
                    "',' or '}'"
                } else {
                    "',' or ']'"
                };
                self.fail(format!("expected {want}, found {}", describe(b)))
            }
            (Expect::KeyOrEnd | Expect::Key, b'"') => {
                self.keep(b);
                self.key_len = 0;
                self.key_over = false;
                self.lex = Lex::String {
                    key: true,
                    esc: Esc::None,
                    len: 0,
                    high: false,
                    cut: false,
                };
            }
            (Expect::KeyOrEnd | Expect::Key, _) => self.fail(format!(
                "expected an object key in double quotes, found {}",
                describe(b)
            )),
            (Expect::Colon, b':') => {
                self.keep(b);
                self.expect = Expect::Value;
            }
            (Expect::Colon, _) => self.fail(format!("expected ':', found {}", describe(b))),
            (Expect::TopValue | Expect::Value | Expect::ValueOrEnd, _) => self.start_value(b),
        }
    }
}
