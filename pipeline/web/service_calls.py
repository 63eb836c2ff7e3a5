"""Does a SPARQL query call another service (SERVICE <url> { ... })?

The store behind `koko serve` would carry out such a call, making the public endpoint send
requests anywhere on its network. This reads the query as the SPARQL grammar does (codepoint
escapes first, then strings, IRIs and comments skipped) and finds the SERVICE keyword.
"""

from __future__ import annotations

import re

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_IRI = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_NAME = re.compile(r"[^\W\d][\w\-.]*")  # a keyword, or a prefix or local name (trailing dots cut)
_LOCAL = re.compile(r"[\w\-.:%\\]*")
_VAR = re.compile(r"[?$]\w*|@[A-Za-z0-9\-]*")  # variables and language tags
_QUOTES = ('"""', "'''", '"', "'")


def _unescape(text: str) -> str:
    def one(m):
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF else m.group(0)
    return _ESCAPE.sub(one, text)


def calls_service(query: str) -> bool:
    text = _unescape(query)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif c in "\"'":
            i = _after_string(text, i)
        elif c == "<" and (m := _IRI.match(text, i)):
            i = m.end()
        elif c in "?$@":
            i = _VAR.match(text, i).end()
        elif c == ":":
            i = _name_end(text, _LOCAL.match(text, i + 1).end())
        elif m := _NAME.match(text, i):
            end = _name_end(text, m.end())
            if end < n and text[end] == ":":  # a prefixed name (blank node labels too: _:x)
                i = _name_end(text, _LOCAL.match(text, end + 1).end())
            elif text[i:end].upper() == "SERVICE":
                return True
            else:
                i = end
        else:
            i += 1
    return False


def _name_end(text: str, end: int) -> int:
    while text[end - 1] == ".":  # a name does not end in a dot: that dot ends a triple
        end -= 1
    return end


def _after_string(text: str, i: int) -> int:
    quote = next(q for q in _QUOTES if text.startswith(q, i))
    j = i + len(quote)
    while j < len(text):
        if text[j] == "\\":
            j += 2
        elif text.startswith(quote, j):
            return j + len(quote)
        elif len(quote) == 1 and text[j] in "\r\n":
            return j  # an unclosed short string: the parser will reject the query anyway
        else:
            j += 1
    return j
