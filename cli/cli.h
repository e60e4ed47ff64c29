/* SPDX-License-Identifier: MIT */
/* Shared pieces of the sixplane command line. */
#ifndef SIXPLANE_CLI_H
#define SIXPLANE_CLI_H

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sixplane.h"

/* Exit statuses (sixplane(1)): bad usage or input, system failure. */
enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_SYSTEM = 2 };

struct command {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *summary;
};

int plane_main(int argc, char **argv);
int slaac_main(int argc, char **argv);
int decode_main(int argc, char **argv);
int addr_main(int argc, char **argv);
int mac_main(int argc, char **argv);
int node_main(int argc, char **argv);
int docker_main(int argc, char **argv);
int cni_main(int argc, char **argv);
int stats_main(int argc, char **argv);
int smartos_main(int argc, char **argv);
int status_main(int argc, char **argv);
int wg_key_main(int argc, char **argv);
int site_main(int argc, char **argv);
/* What sixplaned answers on its stats socket (cli/stats.c); NULL and a
 * message (and *ret) on failure. */
char *daemon_fetch(const char *path, int *ret);
/* The options (--socket, --json, --help) and the answer of a command that
 * asks the daemon: 0 with *root set, 0 with *root NULL when --help was
 * printed, or the exit status after a message. */
int daemon_command(int argc, char **argv, const char *cmd, const char *help, bool *json,
		   json_t **root, const char **path);

extern const char *prog;

/* ---- messages: one line on stderr, "sixplane: ..." --------------------- */

/* The line number of the stdin record being processed, 0 outside bulk mode;
 * errors and warnings then start with "line N: ". */
extern unsigned long cli_line;

void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "sixplane: ..." that is neither an error nor a warning (what --write did):
 * in order with stdout and the other messages. */
void cli_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "invalid WHAT 'VALUE': WHY", the value quoted with control bytes escaped.
 * Returns EXIT_INPUT. */
int cli_bad_value(const char *what, const char *s, size_t len, const char *why);
/* s made safe for a one-line message: control bytes, backslashes and
 * non-ASCII escaped, cut after 64 bytes. Valid until four more calls. */
const char *cli_q(const char *s);
/* The same for a whole message of a library (a configuration error, which
 * quotes values itself), cut after 512 bytes. Valid until the next call. */
const char *cli_qmsg(const char *s);
/* Misuse of the command line: the message, then "Try 'sixplane CMD --help'". */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- typed arguments: parse or report, EXIT_INPUT on error -------------- */

int arg_nwid(const char *s, size_t len, uint64_t *out);
int arg_node(const char *s, size_t len, uint64_t *out);
int arg_mac(const char *s, size_t len, struct sixplane_mac *out);
int arg_addr(const char *s, size_t len, unsigned flags, struct sixplane_addr *out);
int arg_prefix(const char *s, size_t len, unsigned flags, struct sixplane_prefix *out);
/* Why s is not a Linux interface name (1-15 bytes, no '/', ':' or
 * whitespace, not . or ..), or NULL. */
const char *bad_ifname(const char *s);
/* The node id in a ZeroTier identity file; EXIT_SYSTEM if unreadable. */
int arg_identity_file(const char *path, uint64_t *out);
/* The options that name this host on a network, shared by the host
 * commands (docker, cni, site): --network, --node / --identity, or -c FILE
 * (sixplaned's configuration, --network then picks among its networks). */
struct host_args {
	const char *nwid, *node, *identity, *config;
};
/* clang-format off */
#define HOST_OPTIONS                                                                               \
	{"network", required_argument, NULL, 'n'}, {"node", required_argument, NULL, 'N'},         \
	{"identity", required_argument, NULL, 'i'}, {"config", required_argument, NULL, 'c'}
/* clang-format on */
#define HOST_SHORT_OPTIONS "n:N:i:c:"
/* true when opt (getopt_long's, its value in optarg) is one of them */
bool host_option(int opt, struct host_args *h);
int arg_host(const char *cmd, const struct host_args *h, uint64_t *nwid, uint64_t *node);
/* A warning for node ids ZeroTier reserves and for networks whose halves
 * are equal (they all share fc00::/40). */
void warn_node(uint64_t node);
void warn_nwid(uint64_t nwid);

/* ---- output: buffered stdout -------------------------------------------- */

void out_write(const char *s, size_t n);
/* Bytes for stderr, written when stdout is flushed (cli/msg.c). */
void err_write(const char *s, size_t n);
void out_str(const char *s);
/* Room for at least n bytes (n at most the buffer's 256 KiB) at the end of the
 * output, to format into directly; out_commit then says where what was
 * written ends. Nothing else may write in between. */
char *out_reserve(size_t n);
void out_commit(const char *end);
/* Flush; EXIT_SYSTEM with a message if stdout failed, else 0. */
int out_flush(void);
/* j as JSON (jansson dump flags) and a newline; EXIT_SYSTEM if it cannot
 * be dumped (out of memory), else 0. */
int out_json(const json_t *j, size_t flags);

/* A result: ordered key/value pairs printed in one of three forms. Keys
 * are the column names of the design's contract and the JSON keys. */
enum rec_type { REC_STR, REC_BOOL, REC_INT };
enum rec_form {
	FORM_TEXT, /* "key   value" lines, a blank line between records */
	FORM_TSV,  /* values only, tab-separated, one line */
	FORM_JSON, /* one compact JSON object per line */
};
#define REC_MAX 32
struct rec {
	int n;
	const char *key[REC_MAX];
	enum rec_type type[REC_MAX];
	unsigned short off[REC_MAX]; /* into store */
	unsigned short len[REC_MAX];
	long long num[REC_MAX];
	char store[2048];
	size_t used;
};

void rec_init(struct rec *r);
void rec_str(struct rec *r, const char *key, const char *val, size_t len);
void rec_cstr(struct rec *r, const char *key, const char *val);
void rec_bool(struct rec *r, const char *key, bool v);
void rec_int(struct rec *r, const char *key, long long v);
void rec_addr(struct rec *r, const char *key, const struct sixplane_addr *a);
void rec_prefix(struct rec *r, const char *key, const struct sixplane_prefix *p);
void rec_mac(struct rec *r, const char *key, const struct sixplane_mac *m);
void rec_nwid(struct rec *r, const char *key, uint64_t nwid);
void rec_node(struct rec *r, const char *key, uint64_t node);
/* Print r; `first` tells FORM_TEXT whether a separating blank line is due. */
void rec_emit(const struct rec *r, enum rec_form form, bool first);

/* ---- files replaced whole (cli/replace.c) ------------------------------ */

struct stat;
/* Room for the temporary name: the path and ".sixplane-XXXXXX". */
#define REPLACE_TMP_MAX (PATH_MAX + 16)
/* Write len bytes of text to a new temporary file beside path (tmp gets its
 * name), with old's mode and owner (0644 when NULL), and fsync it: a
 * reader of path still sees the old file. 0, or EXIT_SYSTEM after a
 * message with nothing left behind. */
int replace_prepare(const char *path, const char *text, size_t len, const struct stat *old,
		    char tmp[REPLACE_TMP_MAX]);
/* rename(2) tmp over path and fsync the folder: a reader (dockerd, radvd)
 * sees the old file or the new, never half. EXIT_SYSTEM after a message,
 * tmp removed. */
int replace_commit(const char *tmp, const char *path);
/* Both at once, for one file. */
int replace_file(const char *path, const char *text, size_t len, const struct stat *old);
/* The folder, made (0755 whatever the umask, as the docker.io package
 * makes /etc/docker) if missing, not its parents (a missing folder above
 * it is more likely a typo than a wish); *made says so. EXIT_SYSTEM with a
 * message when it cannot be, or is not a folder. */
int make_folder(const char *dir, bool *made);

/* ---- bulk stdin ----------------------------------------------------------- */

/* Calls fn for every line of stdin (without its "\n" or "\r\n"), setting
 * cli_line; what names the expected value for lines too long to be one.
 * Output is flushed whenever the input pauses, so results stream. Returns EXIT_INPUT if any call
 * returned non-zero, EXIT_SYSTEM on a read error, else 0. */
int each_stdin_line(const char *what, int (*fn)(const char *line, size_t len, void *ctx),
		    void *ctx);
/* The same, a block of whole lines at a time for loops that want no call
 * per line: [p, p + n) is lines each ending in "\n", except at the end of
 * the input, where it is the last line, without one. fn counts cli_line
 * itself (one per line, set before any message), strips a "\r" before the
 * "\n", returns non-zero if any line was bad. STDIN_BLOCK_PAD readable
 * bytes follow p + n, for loads wider than the line. */
#define STDIN_BLOCK_PAD 64
int each_stdin_block(const char *what, int (*fn)(const char *p, size_t n, void *ctx), void *ctx);
/* Lines longer than this are reported and skipped, whatever the reads that
 * brought them: no valid record comes close. A block's fn reports such a
 * line (length without "\n", set cli_line first) with stdin_line_too_long,
 * which returns EXIT_INPUT. */
#define STDIN_LINE_MAX 4096
int stdin_line_too_long(const char *line, size_t len);

/* ---- common option handling -------------------------------------------- */

/* true when argv[i] is "--help"/"-h" anywhere before a "--". */
bool wants_help(int argc, char **argv);
/* Report what getopt_long refused (its '?' or ':'): names the option. */
int bad_option(const char *cmd, int argc, char **argv);
/* --help text to stdout, exit status 0. */
int print_help(const char *text);

#endif
