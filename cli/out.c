/* SPDX-License-Identifier: MIT */
/* Buffered stdout and the three forms of a result. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* Large, for one write(2) per ~6,000 addresses; a trickling input still
 * gets each chunk's answers (each_stdin_block flushes per read). */
static char obuf[1 << 18];
static size_t olen;
static int oerr;

static void drain(void)
{
	size_t off = 0;

	while (off < olen && !oerr) {
		ssize_t n = write(STDOUT_FILENO, obuf + off, olen - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			oerr = errno;
			break;
		}
		off += (size_t)n;
	}
	olen = 0;
}

/* Messages for a stderr that is not stdout's file (cli/msg.c), sent with
 * stdout's: a write(2) per refused line cost more than the line (bench/addr's
 * log input, stderr to a file), and the order of two files cannot be seen.
 * Nothing to report a failure to: it is dropped. */
static char ebuf[1 << 14];
static size_t elen;

static void drain_err(void)
{
	for (size_t off = 0; off < elen;) {
		ssize_t n = write(STDERR_FILENO, ebuf + off, elen - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	elen = 0;
}

void err_write(const char *s, size_t n)
{
	if (n > sizeof(ebuf) - elen)
		drain_err();
	if (n > sizeof(ebuf)) { /* messages are shorter; never reached */
		memcpy(ebuf, s, sizeof(ebuf));
		elen = sizeof(ebuf);
		drain_err();
		return;
	}
	memcpy(ebuf + elen, s, n);
	elen += n;
}

/* n <= 64 bytes with a few fixed-size moves, not a memcpy call: a record's
 * fields are short, and the calls were a third of `sixplane plane -`. */
static inline void copy_short(char *d, const char *s, size_t n)
{
	if (n >= 32) {
		memcpy(d, s, 32);
		memcpy(d + n - 32, s + n - 32, 32);
	} else if (n >= 16) {
		memcpy(d, s, 16);
		memcpy(d + n - 16, s + n - 16, 16);
	} else if (n >= 8) {
		memcpy(d, s, 8);
		memcpy(d + n - 8, s + n - 8, 8);
	} else if (n >= 4) {
		memcpy(d, s, 4);
		memcpy(d + n - 4, s + n - 4, 4);
	} else if (n) {
		d[0] = s[0];
		d[n / 2] = s[n / 2];
		d[n - 1] = s[n - 1];
	}
}

void out_write(const char *s, size_t n)
{
	if (n <= 64 && n <= sizeof(obuf) - olen) {
		copy_short(obuf + olen, s, n);
		olen += n;
		return;
	}
	if (n > sizeof(obuf) - olen) {
		drain();
		if (n > sizeof(obuf)) {
			memcpy(obuf, s, sizeof(obuf));
			olen = sizeof(obuf);
			out_write(s + sizeof(obuf), n - sizeof(obuf));
			return;
		}
	}
	memcpy(obuf + olen, s, n);
	olen += n;
}

char *out_reserve(size_t n)
{
	if (n > sizeof(obuf) - olen)
		drain();
	return obuf + olen;
}

void out_commit(const char *end)
{
	olen = (size_t)(end - obuf);
}

void out_str(const char *s)
{
	out_write(s, strlen(s));
}

int out_flush(void)
{
	static int reported;

	drain();
	drain_err();
	if (oerr && !reported) {
		reported = 1;
		fprintf(stderr, "%s: cannot write to standard output: %s\n", prog, strerror(oerr));
	}
	return oerr ? EXIT_SYSTEM : 0;
}

void rec_init(struct rec *r)
{
	r->n = 0;
	r->used = 0;
}

static int rec_slot(struct rec *r, const char *key, enum rec_type t)
{
	int i = r->n++;

	r->key[i] = key;
	r->type[i] = t;
	r->off[i] = (unsigned short)r->used;
	r->len[i] = 0;
	return i;
}

void rec_str(struct rec *r, const char *key, const char *val, size_t len)
{
	if (r->n == REC_MAX || len > sizeof(r->store) - r->used)
		return; /* records are sized for their commands; never reached */
	int i = rec_slot(r, key, REC_STR);
	if (len <= 64)
		copy_short(r->store + r->used, val, len);
	else
		memcpy(r->store + r->used, val, len);
	r->len[i] = (unsigned short)len;
	r->used += len;
}

void rec_cstr(struct rec *r, const char *key, const char *val)
{
	rec_str(r, key, val, strlen(val));
}

void rec_bool(struct rec *r, const char *key, bool v)
{
	if (r->n < REC_MAX)
		r->num[rec_slot(r, key, REC_BOOL)] = v;
}

void rec_int(struct rec *r, const char *key, long long v)
{
	if (r->n < REC_MAX)
		r->num[rec_slot(r, key, REC_INT)] = v;
}

void rec_addr(struct rec *r, const char *key, const struct sixplane_addr *a)
{
	char s[SIXPLANE_ADDRSTRLEN];

	rec_str(r, key, s, sixplane_addr_format(a, s));
}

void rec_prefix(struct rec *r, const char *key, const struct sixplane_prefix *p)
{
	char s[SIXPLANE_PREFIXSTRLEN];

	rec_str(r, key, s, sixplane_prefix_format(p, s));
}

void rec_mac(struct rec *r, const char *key, const struct sixplane_mac *m)
{
	char s[SIXPLANE_MACSTRLEN];

	rec_str(r, key, s, sixplane_mac_format(m, s));
}

void rec_nwid(struct rec *r, const char *key, uint64_t nwid)
{
	char s[SIXPLANE_NWIDSTRLEN];

	rec_str(r, key, s, sixplane_nwid_format(nwid, s));
}

void rec_node(struct rec *r, const char *key, uint64_t node)
{
	char s[SIXPLANE_NODESTRLEN];

	rec_str(r, key, s, sixplane_node_format(node, s));
}

static void emit_value(const struct rec *r, int i)
{
	char num[24];

	switch (r->type[i]) {
	case REC_STR:
		out_write(r->store + r->off[i], r->len[i]);
		break;
	case REC_BOOL:
		out_str(r->num[i] ? "yes" : "no");
		break;
	case REC_INT:
		out_write(num, (size_t)snprintf(num, sizeof(num), "%lld", r->num[i]));
		break;
	}
}

int out_json(const json_t *j, size_t flags)
{
	char *s = j ? json_dumps(j, flags) : NULL;

	if (!s) {
		cli_error("out of memory");
		return EXIT_SYSTEM;
	}
	out_str(s);
	out_write("\n", 1);
	free(s);
	return 0;
}

static void emit_json(const struct rec *r)
{
	json_t *o = json_object();

	for (int i = 0; i < r->n; i++) {
		json_t *v = r->type[i] == REC_STR    ? json_stringn(r->store + r->off[i], r->len[i])
			    : r->type[i] == REC_BOOL ? json_boolean(r->num[i])
						     : json_integer(r->num[i]);
		json_object_set_new(o, r->key[i], v);
	}
	out_json(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
}

void rec_emit(const struct rec *r, enum rec_form form, bool first)
{
	static const char pad[] = "                        ";
	size_t width = 0;

	switch (form) {
	case FORM_JSON:
		emit_json(r);
		return;
	case FORM_TSV:
		for (int i = 0; i < r->n; i++) {
			if (i)
				out_write("\t", 1);
			emit_value(r, i);
		}
		out_write("\n", 1);
		return;
	case FORM_TEXT:
		if (!first)
			out_write("\n", 1);
		for (int i = 0; i < r->n; i++)
			if (strlen(r->key[i]) > width)
				width = strlen(r->key[i]);
		for (int i = 0; i < r->n; i++) {
			size_t k = strlen(r->key[i]);
			out_write(r->key[i], k);
			out_write(pad, width + 2 - k < sizeof(pad) ? width + 2 - k : 1);
			emit_value(r, i);
			out_write("\n", 1);
		}
		return;
	}
}
