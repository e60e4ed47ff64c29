/* SPDX-License-Identifier: MIT */
/* daemon.json's two keys for a host's /80, spliced into the text as it is
 * (docker_merge.h). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "docker_merge.h"

/* ---- the scanner: RFC 8259 section 2 to 8.1 ----------------------------- */

struct scanner {
	const char *s;
	size_t n, i;
	const char *expected; /* what the error says was expected, or NULL */
	char bad[48];	      /* or a whole reason */
};

/* The length of the UTF-8 sequence at s[i..n) (RFC 3629 section 4), or 0
 * if it is not one. */
static size_t utf8_len(const unsigned char *s, size_t i, size_t n)
{
	unsigned char c = s[i];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	/* the second byte's range excludes overlong forms, surrogates and
	 * anything past U+10FFFF */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n - i < len || s[i + 1] < lo || s[i + 1] > hi)
		return 0;
	for (size_t k = 2; k < len; k++)
		if (s[i + k] < 0x80 || s[i + k] > 0xbf)
			return 0;
	return len;
}

static int fail(struct scanner *sc, const char *expected)
{
	sc->expected = expected;
	return -EINVAL;
}

static int fail_bad(struct scanner *sc, const char *what, unsigned char c)
{
	snprintf(sc->bad, sizeof(sc->bad), "%s 0x%02x", what, c);
	return -EINVAL;
}

static void skip_ws(struct scanner *sc)
{
	while (sc->i < sc->n && strchr(" \t\n\r", sc->s[sc->i]) && sc->s[sc->i])
		sc->i++;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_digit(const struct scanner *sc)
{
	return sc->i < sc->n && sc->s[sc->i] >= '0' && sc->s[sc->i] <= '9';
}

/* At a '"': past the closing one. Section 7: control characters escaped,
 * the escapes of its table and \uXXXX (any four hex digits: a lone
 * surrogate is valid grammar, section 8.2 only warns about it). */
static int scan_string(struct scanner *sc)
{
	const unsigned char *s = (const unsigned char *)sc->s;

	sc->i++;
	for (;;) {
		if (sc->i >= sc->n)
			return fail(sc, "'\"' to end the string");
		unsigned char c = s[sc->i];
		if (c == '"') {
			sc->i++;
			return 0;
		}
		if (c < 0x20)
			return fail_bad(sc, "unescaped control byte", c);
		if (c == '\\') {
			if (sc->i + 1 >= sc->n)
				return fail(sc, "an escape");
			sc->i++;
			c = s[sc->i];
			if (c == 'u') {
				for (int k = 1; k <= 4; k++) {
					if (sc->i + k >= sc->n || !is_hex(sc->s[sc->i + k])) {
						sc->i += k;
						return fail(sc, "4 hex digits after \\u");
					}
				}
				sc->i += 5;
			} else if (strchr("\"\\/bfnrt", c) && c) {
				sc->i++;
			} else {
				return fail(
					sc,
					"an escape (one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u)");
			}
			continue;
		}
		size_t len = utf8_len(s, sc->i, sc->n);
		if (!len)
			return fail_bad(sc, "invalid UTF-8 byte", c);
		sc->i += len;
	}
}

/* Section 6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?, of any
 * size: the bytes are kept, never converted. */
static int scan_number(struct scanner *sc)
{
	if (sc->s[sc->i] == '-')
		sc->i++;
	if (!is_digit(sc))
		return fail(sc, "a digit");
	if (sc->s[sc->i++] != '0')
		while (is_digit(sc))
			sc->i++;
	if (sc->i < sc->n && sc->s[sc->i] == '.') {
		sc->i++;
		if (!is_digit(sc))
			return fail(sc, "a digit after '.'");
		while (is_digit(sc))
			sc->i++;
	}
	if (sc->i < sc->n && (sc->s[sc->i] == 'e' || sc->s[sc->i] == 'E')) {
		sc->i++;
		if (sc->i < sc->n && (sc->s[sc->i] == '+' || sc->s[sc->i] == '-'))
			sc->i++;
		if (!is_digit(sc))
			return fail(sc, "a digit in the exponent");
		while (is_digit(sc))
			sc->i++;
	}
	return 0;
}

static int scan_literal(struct scanner *sc, const char *word)
{
	for (size_t k = 0; word[k]; k++, sc->i++)
		if (sc->i >= sc->n || sc->s[sc->i] != word[k])
			return fail(sc, word[0] == 't'	 ? "'true'"
					: word[0] == 'f' ? "'false'"
							 : "'null'");
	return 0;
}

static int scan_scalar(struct scanner *sc)
{
	if (sc->i >= sc->n)
		return fail(sc, "a value");
	switch (sc->s[sc->i]) {
	case '"':
		return scan_string(sc);
	case 't':
		return scan_literal(sc, "true");
	case 'f':
		return scan_literal(sc, "false");
	case 'n':
		return scan_literal(sc, "null");
	default:
		if (sc->s[sc->i] == '-' || is_digit(sc))
			return scan_number(sc);
		return fail(sc, "a value");
	}
}

static int add_member(struct docker_json_doc *doc, size_t *cap, size_t key, size_t key_end)
{
	if (doc->n_members == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct docker_json_member *m = realloc(doc->members, ncap * sizeof(*m));
		if (!m)
			return -ENOMEM;
		doc->members = m;
		*cap = ncap;
	}
	doc->members[doc->n_members++] = (struct docker_json_member){key, key_end, 0, 0};
	return 0;
}

/* Iterative, with one byte of stack per level: no recursion to overflow. */
static int scan(struct scanner *sc, struct docker_json_doc *doc)
{
	char *stack = NULL;
	size_t depth = 0, cap = 0, mcap = 0;
	int ret;

	skip_ws(sc);
value:
	if (sc->i < sc->n && (sc->s[sc->i] == '{' || sc->s[sc->i] == '[')) {
		char open = sc->s[sc->i];
		if (depth == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			char *st = realloc(stack, ncap);
			if (!st) {
				ret = -ENOMEM;
				goto out;
			}
			stack = st;
			cap = ncap;
		}
		if (depth == 0 && open == '{') {
			doc->is_object = true;
			doc->open = sc->i;
		}
		stack[depth++] = open;
		sc->i++;
		skip_ws(sc);
		if (sc->i < sc->n && sc->s[sc->i] == (open == '{' ? '}' : ']'))
			goto close;
		if (open == '[')
			goto value;
		goto key;
	}
	if ((ret = scan_scalar(sc)))
		goto out;
	goto after;
key:
	if (sc->i >= sc->n || sc->s[sc->i] != '"') {
		ret = fail(sc, "a name (a string)");
		goto out;
	}
	{
		size_t at = sc->i;
		if ((ret = scan_string(sc)))
			goto out;
		if (depth == 1 && (ret = add_member(doc, &mcap, at, sc->i)))
			goto out;
	}
	skip_ws(sc);
	if (sc->i >= sc->n || sc->s[sc->i] != ':') {
		ret = fail(sc, "':'");
		goto out;
	}
	sc->i++;
	skip_ws(sc);
	if (depth == 1)
		doc->members[doc->n_members - 1].value = sc->i;
	goto value;
close:
	sc->i++;
	if (--depth == 0 && doc->is_object)
		doc->close = sc->i - 1;
after:
	/* a value just ended; at depth 1 of the object, a member's value */
	if (depth == 1 && stack[0] == '{')
		doc->members[doc->n_members - 1].value_end = sc->i;
	skip_ws(sc);
	if (depth == 0) {
		ret = sc->i == sc->n ? 0 : fail(sc, "the end of the text");
		goto out;
	}
	if (sc->i < sc->n && sc->s[sc->i] == ',') {
		sc->i++;
		skip_ws(sc);
		if (stack[depth - 1] == '{')
			goto key;
		goto value;
	}
	if (sc->i < sc->n && sc->s[sc->i] == (stack[depth - 1] == '{' ? '}' : ']'))
		goto close;
	ret = fail(sc, stack[depth - 1] == '{' ? "',' or '}'" : "',' or ']'");
out:
	free(stack);
	return ret;
}

/* Line and column (characters, not bytes) of offset at, 1-based. */
static void where(const char *s, size_t at, unsigned long *line, unsigned long *column)
{
	*line = 1;
	*column = 1;
	for (size_t k = 0; k < at; k++) {
		if (s[k] == '\n') {
			++*line;
			*column = 1;
		} else if (((unsigned char)s[k] & 0xc0) != 0x80) {
			++*column;
		}
	}
}

int docker_json_scan(const char *text, size_t len, struct docker_json_doc *doc,
		     struct docker_json_error *err)
{
	struct scanner sc = {.s = text, .n = len};
	struct docker_json_doc d = {0};
	int ret = scan(&sc, &d);

	if (ret) {
		docker_json_doc_free(&d);
		if (ret != -EINVAL)
			return ret;
		size_t at = sc.i < len ? sc.i : len;
		where(text, at, &err->line, &err->column);
		if (!sc.expected) {
			snprintf(err->why, sizeof(err->why), "%s", sc.bad);
		} else if (sc.i >= len) {
			snprintf(err->why, sizeof(err->why), "expected %s, found the end",
				 sc.expected);
		} else {
			unsigned char c = (unsigned char)text[sc.i];
			if (c > 0x20 && c < 0x7f && c != '\'' && c != '\\')
				snprintf(err->why, sizeof(err->why), "expected %s, found '%c'",
					 sc.expected, c);
			else
				snprintf(err->why, sizeof(err->why),
					 "expected %s, found byte 0x%02x", sc.expected, c);
		}
		return -EINVAL;
	}
	if (!d.is_object) {
		docker_json_doc_free(&d);
		d = (struct docker_json_doc){0};
	}
	*doc = d;
	return 0;
}

void docker_json_doc_free(struct docker_json_doc *doc)
{
	free(doc->members);
	doc->members = NULL;
	doc->n_members = 0;
}

static unsigned hex4(const char *s)
{
	unsigned v = 0;

	for (int k = 0; k < 4; k++) {
		char c = s[k];
		v = v * 16 + (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	return v;
}

static size_t put_utf8(unsigned cp, char *o)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* The scanned string text[at..end) decoded into buf (at most cap bytes):
 * its length, or SIZE_MAX if longer. A lone surrogate decodes as U+FFFD,
 * as Go's encoding/json (dockerd's reader) decodes it. */
static size_t string_decode(const char *text, size_t at, size_t end, char *buf, size_t cap)
{
	size_t o = 0;
	char tmp[4];

	for (size_t i = at + 1; i + 1 < end;) {
		size_t len = 1;
		const char *src = &text[i];
		if (text[i] == '\\') {
			char e = text[i + 1];
			i += 2;
			if (e != 'u') {
				const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
				tmp[0] = to[strchr(from, e) - from];
			} else {
				unsigned cp = hex4(&text[i]);
				i += 4;
				if (cp >= 0xd800 && cp <= 0xdbff && i + 6 <= end - 1 &&
				    text[i] == '\\' && text[i + 1] == 'u') {
					unsigned lo = hex4(&text[i + 2]);
					if (lo >= 0xdc00 && lo <= 0xdfff) {
						cp = 0x10000 + ((cp - 0xd800) << 10) +
						     (lo - 0xdc00);
						i += 6;
					}
				}
				if (cp >= 0xd800 && cp <= 0xdfff)
					cp = 0xfffd;
				len = put_utf8(cp, tmp);
			}
			src = tmp;
		} else {
			i++;
		}
		if (cap - o < len)
			return SIZE_MAX;
		memcpy(buf + o, src, len);
		o += len;
	}
	return o;
}

bool docker_json_string_is(const char *text, size_t at, size_t end, const char *s, size_t n)
{
	char buf[256];

	if (end - at < 2 || text[at] != '"')
		return false;
	size_t len = string_decode(text, at, end, buf, sizeof(buf));
	return len == n && !memcmp(buf, s, n);
}

/* ---- the merge --------------------------------------------------------- */

struct edit {
	size_t from, to; /* replaced: text[from..to), empty for an insertion */
	char *with;
};

static bool same_prefix(const char *text, const struct docker_json_member *m, const char *cidr)
{
	char buf[128];
	struct sixplane_prefix a, b;

	if (text[m->value] != '"')
		return false;
	size_t len = string_decode(text, m->value, m->value_end, buf, sizeof(buf));
	/* the prefix as written: a /64 of the same address is another network */
	return len != SIZE_MAX && !sixplane_prefix_parse(buf, len, 0, &a, NULL) &&
	       !sixplane_prefix_parse(cidr, strlen(cidr), 0, &b, NULL) && a.len == b.len &&
	       !memcmp(&a.addr, &b.addr, sizeof(a.addr));
}

/* What sits between a member's key and its value (": " by default), and
 * what comes before a member ("\n  " in an indented file, else " "), as
 * the file's first member has them. */
static void style(const char *text, const struct docker_json_doc *doc, char *colon, size_t ncolon,
		  char *indent, size_t nindent)
{
	snprintf(colon, ncolon, ": ");
	snprintf(indent, nindent, "\n  ");
	if (!doc->n_members)
		return;
	const struct docker_json_member *m = &doc->members[0];
	size_t n = m->value - m->key_end;
	if (n < ncolon)
		snprintf(colon, ncolon, "%.*s", (int)n, text + m->key_end);
	/* from the last line break before the first key (blank lines and a
	 * comment-like gap are not repeated), "\r\n" kept whole */
	size_t nl = m->key;
	while (nl > doc->open + 1 && text[nl - 1] != '\n')
		nl--;
	if (nl == doc->open + 1) {
		snprintf(indent, nindent, " ");
		return;
	}
	nl--;
	if (nl > doc->open + 1 && text[nl - 1] == '\r')
		nl--;
	if (m->key - nl < nindent)
		snprintf(indent, nindent, "%.*s", (int)(m->key - nl), text + nl);
}

static int apply(const char *text, size_t len, struct edit *e, size_t n, char **out,
		 size_t *out_len)
{
	size_t size = len + 1, at = 0, o = 0;

	for (size_t k = 0; k < n; k++)
		size += strlen(e[k].with);
	char *buf = malloc(size);
	if (!buf)
		return -ENOMEM;
	for (size_t k = 0; k < n; k++) {
		memcpy(buf + o, text + at, e[k].from - at);
		o += e[k].from - at;
		size_t w = strlen(e[k].with);
		memcpy(buf + o, e[k].with, w);
		o += w;
		at = e[k].to;
	}
	memcpy(buf + o, text + at, len - at);
	o += len - at;
	*out = buf;
	*out_len = o;
	return 0;
}

int docker_merge_text(const char *text, size_t len, const char *name, const char *cidr, bool force,
		      char **out, size_t *out_len, char *err, size_t errlen)
{
	struct docker_json_doc doc = {0};
	struct docker_json_error jerr;
	const struct docker_json_member *ipv6 = NULL, *old = NULL;
	char colon[16], indent[64], cidr_member[128], ipv6_member[64], added[256], value[80];
	struct edit edits[3];
	size_t n_edits = 0;
	int ret = EXIT_INPUT;

	*out = NULL;
	if (!text) {
		/* no file: the two keys, as `sixplane docker` prints them */
		snprintf(added, sizeof(added), "{\n  \"%s\": true,\n  \"%s\": \"%s\"\n}\n",
			 DOCKER_KEY_IPV6, DOCKER_KEY_CIDR, cidr);
		if (!(*out = strdup(added)))
			goto nomem;
		*out_len = strlen(added);
		return 0;
	}
	switch (docker_json_scan(text, len, &doc, &jerr)) {
	case 0:
		break;
	case -EINVAL:
		snprintf(err, errlen, "invalid JSON in '%s' at line %lu, column %lu: %s",
			 cli_q(name), jerr.line, jerr.column, jerr.why);
		return EXIT_INPUT;
	default:
		goto nomem;
	}
	if (!doc.is_object) {
		snprintf(err, errlen, "invalid daemon.json '%s': the top level is not an object",
			 cli_q(name));
		goto out;
	}
	for (size_t k = 0; k < doc.n_members; k++) {
		const struct docker_json_member *m = &doc.members[k];
		const struct docker_json_member **slot = NULL;
		const char *key = NULL;
		if (docker_json_string_is(text, m->key, m->key_end, DOCKER_KEY_IPV6,
					  strlen(DOCKER_KEY_IPV6)))
			slot = &ipv6, key = DOCKER_KEY_IPV6;
		else if (docker_json_string_is(text, m->key, m->key_end, DOCKER_KEY_CIDR,
					       strlen(DOCKER_KEY_CIDR)))
			slot = &old, key = DOCKER_KEY_CIDR;
		if (!slot)
			continue;
		if (*slot) {
			/* dockerd's reader would take the last; which one is meant? */
			where(text, m->key, &jerr.line, &jerr.column);
			snprintf(
				err, errlen,
				"invalid daemon.json '%s' at line %lu, column %lu: \"%s\" is given "
				"twice",
				cli_q(name), jerr.line, jerr.column, key);
			goto out;
		}
		*slot = m;
	}
	bool same_cidr = old && same_prefix(text, old, cidr);
	if (old && !same_cidr && !force) {
		char was[128];
		size_t n = text[old->value] == '"' ? string_decode(text, old->value, old->value_end,
								   was, sizeof(was) - 1)
						   : SIZE_MAX;
		if (n != SIZE_MAX) {
			was[n] = '\0';
			snprintf(value, sizeof(value), "'%s'", cli_q(was));
		} else {
			snprintf(value, sizeof(value), "%s",
				 text[old->value] == '"' ? "(a long string)" : "(not a string)");
		}
		snprintf(err, errlen,
			 "'%s' already has fixed-cidr-v6 %s; --force replaces it with '%s'",
			 cli_q(name), value, cli_q(cidr));
		goto out;
	}
	bool ipv6_true = ipv6 && ipv6->value_end - ipv6->value == 4 &&
			 !memcmp(text + ipv6->value, "true", 4);
	if (ipv6_true && same_cidr) {
		ret = 0; /* up to date */
		goto out;
	}

	style(text, &doc, colon, sizeof(colon), indent, sizeof(indent));
	snprintf(ipv6_member, sizeof(ipv6_member), "\"%s\"%strue", DOCKER_KEY_IPV6, colon);
	snprintf(cidr_member, sizeof(cidr_member), "\"%s\"%s\"%s\"", DOCKER_KEY_CIDR, colon, cidr);
	snprintf(value, sizeof(value), "\"%s\"", cidr);

	/* in place, in the order of the text */
	const struct docker_json_member *first = ipv6, *second = old;
	char *first_with = "true", *second_with = value;
	if (ipv6 && old && old->key < ipv6->key) {
		first = old, second = ipv6;
		first_with = value, second_with = "true";
	}
	if (first && !(first == ipv6 ? ipv6_true : same_cidr))
		edits[n_edits++] = (struct edit){first->value, first->value_end, first_with};
	if (second && !(second == ipv6 ? ipv6_true : same_cidr))
		edits[n_edits++] = (struct edit){second->value, second->value_end, second_with};

	/* what is missing, after the last member (or as the only ones) */
	if (!ipv6 || !old) {
		const char *close = "";
		size_t at;
		added[0] = '\0';
		if (doc.n_members) {
			at = doc.members[doc.n_members - 1].value_end;
		} else {
			/* {} or { }: replaced whole, indented as the file is printed */
			edits[n_edits++] = (struct edit){doc.open, doc.close + 1, "{"};
			at = doc.close + 1;
			close = "\n}";
		}
		size_t o = 0;
		if (!ipv6)
			o += (size_t)snprintf(added + o, sizeof(added) - o, "%s%s%s",
					      doc.n_members ? "," : "", indent, ipv6_member);
		if (!old)
			o += (size_t)snprintf(added + o, sizeof(added) - o, "%s%s%s",
					      doc.n_members || !ipv6 ? "," : "", indent,
					      cidr_member);
		snprintf(added + o, sizeof(added) - o, "%s", close);
		edits[n_edits++] = (struct edit){at, at, added};
	}
	if (apply(text, len, edits, n_edits, out, out_len))
		goto nomem;
	ret = 0;
out:
	docker_json_doc_free(&doc);
	return ret;
nomem:
	docker_json_doc_free(&doc);
	snprintf(err, errlen, "cannot merge '%s': %s", cli_q(name), strerror(ENOMEM));
	return EXIT_SYSTEM;
}
