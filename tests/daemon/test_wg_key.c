/* SPDX-License-Identifier: MIT */
/* WireGuard keys (common/wg_key.c): the text, X25519 against RFC 7748's
 * vectors, and the private key file: made 0600 and loaded back the same,
 * every refusal with the file named and never the key, and a made key
 * read alike by wg(8) and `sixplane wg-key`.
 *
 *     test_wg_key [SIXPLANE]   (the CLI to compare, when given) */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "wg_key.h"

/* RFC 7748 section 6.1: Alice's and Bob's keys */
#define ALICE_PRIV "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo="
#define ALICE_PUB "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo="
#define BOB_PRIV "XasIfmJKikt54X+Lg4AO5m87sSkmGLb9HC+LJ/+I4Os="
#define BOB_PUB "3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08="

static const char *sixplane_bin;
static char dir[64];
static char path[128];

static void hex(const char *s, uint8_t out[SP_WG_KEY_LEN])
{
	for (int i = 0; i < SP_WG_KEY_LEN; i++) {
		unsigned v;
		assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static void test_rfc7748(void **state)
{
	static const struct {
		const char *priv, *pub, *priv_b64, *pub_b64;
	} v[] = {
		{"77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
		 "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", ALICE_PRIV,
		 ALICE_PUB},
		{"5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
		 "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", BOB_PRIV,
		 BOB_PUB},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint8_t priv[SP_WG_KEY_LEN], pub[SP_WG_KEY_LEN], want[SP_WG_KEY_LEN],
			parsed[SP_WG_KEY_LEN];
		char text[SP_WG_KEY_B64LEN + 1];

		hex(v[i].priv, priv);
		hex(v[i].pub, want);
		assert_int_equal(sp_wg_key_public(priv, pub), 0);
		assert_memory_equal(pub, want, SP_WG_KEY_LEN);
		/* the text of both, both ways */
		sp_wg_key_format(priv, text);
		assert_string_equal(text, v[i].priv_b64);
		sp_wg_key_format(pub, text);
		assert_string_equal(text, v[i].pub_b64);
		assert_int_equal(sp_wg_key_parse(v[i].priv_b64, SP_WG_KEY_B64LEN, parsed), 0);
		assert_memory_equal(parsed, priv, SP_WG_KEY_LEN);
		assert_int_equal(sp_wg_key_parse(v[i].pub_b64, SP_WG_KEY_B64LEN, parsed), 0);
		assert_memory_equal(parsed, want, SP_WG_KEY_LEN);
	}
}

/* X25519 clamps: bits 0-2 and 255 of the scalar do not matter, bit 254
 * is set whatever it was (RFC 7748 section 5). */
static void test_public_clamps(void **state)
{
	uint8_t priv[SP_WG_KEY_LEN], other[SP_WG_KEY_LEN], a[SP_WG_KEY_LEN], b[SP_WG_KEY_LEN];

	(void)state;
	assert_int_equal(sp_wg_key_parse(ALICE_PRIV, SP_WG_KEY_B64LEN, priv), 0);
	memcpy(other, priv, sizeof(other));
	other[0] |= 7;
	other[31] |= 128;
	assert_int_equal(sp_wg_key_public(priv, a), 0);
	assert_int_equal(sp_wg_key_public(other, b), 0);
	assert_memory_equal(a, b, SP_WG_KEY_LEN);
	other[0] ^= 8; /* a bit that counts */
	assert_int_equal(sp_wg_key_public(other, b), 0);
	assert_memory_not_equal(a, b, SP_WG_KEY_LEN);
}

static void test_parse_refusals(void **state)
{
	static const char *const bad[] = {
		"",
		"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo",	 /* no '=' */
		"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCoA",	 /* 33 bytes */
		"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LC==",	 /* 31 bytes */
		"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCp=",	 /* bits after the key */
		"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCr=",	 /* bits after the key */
		"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo= ", /* blanks: the file's */
		"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=\n",
		" dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=",
		"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25L o=", /* a blank inside */
		"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25L*o=", /* not base64 */
		"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25L-o=", /* the URL alphabet */
		"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25L_o=",
		"=wdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=",
		/* libsodium 1.0.18 alone reads bytes above 0x7f as '/' */
		"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25L\xffo=",
		"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25L\x80o=",
		"\303\251dtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=",
	};
	uint8_t out[SP_WG_KEY_LEN];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(out, 0xa5, sizeof(out));
		if (sp_wg_key_parse(bad[i], strlen(bad[i]), out) != -EINVAL)
			fail_msg("accepted '%s'", bad[i]);
		for (size_t j = 0; j < sizeof(out); j++)
			assert_int_equal(out[j], 0xa5); /* untouched */
	}
	/* a NUL inside, at the length given */
	char nul[] = ALICE_PRIV;
	nul[10] = '\0';
	assert_int_equal(sp_wg_key_parse(nul, SP_WG_KEY_B64LEN, out), -EINVAL);
	/* only the length given is read */
	assert_int_equal(sp_wg_key_parse(ALICE_PRIV "junk", SP_WG_KEY_B64LEN, out), 0);
}

/* The file's content, as wg(8) reads a key file. */
static void test_text_parse(void **state)
{
	static const char *const good[] = {
		ALICE_PRIV,
		ALICE_PRIV "\n",
		ALICE_PRIV "\r\n",
		ALICE_PRIV " \t\r\n\v\f\n\n",
	};
	static const char *const bad[] = {
		"",
		"\n",
		" " ALICE_PRIV "\n",
		"\n" ALICE_PRIV,
		ALICE_PRIV "\n" ALICE_PRIV "\n", /* two keys */
		ALICE_PRIV ALICE_PRIV,
		ALICE_PRIV "\nx",
		ALICE_PRIV "#",
		"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo\n",
	};
	uint8_t out[SP_WG_KEY_LEN], want[SP_WG_KEY_LEN];

	(void)state;
	assert_int_equal(sp_wg_key_parse(ALICE_PRIV, SP_WG_KEY_B64LEN, want), 0);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		memset(out, 0, sizeof(out));
		assert_int_equal(sp_wg_key_text_parse(good[i], strlen(good[i]), out), 0);
		assert_memory_equal(out, want, SP_WG_KEY_LEN);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (sp_wg_key_text_parse(bad[i], strlen(bad[i]), out) != -EINVAL)
			fail_msg("accepted '%s'", bad[i]);
	char nul[] = ALICE_PRIV "\n\0\n";
	assert_int_equal(sp_wg_key_text_parse(nul, sizeof(nul) - 1, out), -EINVAL);
}

/* ---- the file ---- */

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/sixplane-test-wgkey-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/host.key", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *p, const char *text, size_t len, mode_t mode)
{
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(p, mode), 0);
}

/* The names in d, but . and .. */
static int entries(const char *d)
{
	DIR *dh = opendir(d);
	struct dirent *e;
	int n = 0;

	assert_non_null(dh);
	while ((e = readdir(dh)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(dh);
	return n;
}

/* Both check and load refuse path with errno want, a message naming the
 * file and holding why, and nothing written. */
static void refused(const char *p, int want, const char *why)
{
	char err[512], prefix[256];
	uint8_t *priv = (uint8_t *)0x1;
	bool created = true;

	snprintf(prefix, sizeof(prefix), "PrivateKeyFile '%s': ", p);
	assert_int_equal(sp_wg_key_file_check(p, err, sizeof(err)), want);
	if (strncmp(err, prefix, strlen(prefix)) || !strstr(err, why))
		fail_msg("check: got '%s', want '%s...%s'", err, prefix, why);
	assert_null(strchr(err, '\n'));
	for (int create = 0; create < 2; create++) {
		err[0] = '\0';
		assert_int_equal(sp_wg_key_file_load(p, create, &priv, &created, err, sizeof(err)),
				 want);
		if (strncmp(err, prefix, strlen(prefix)) || !strstr(err, why))
			fail_msg("load: got '%s', want '%s...%s'", err, prefix, why);
		assert_ptr_equal(priv, (uint8_t *)0x1);
		assert_true(created);
		/* the key in a refused file is never quoted */
		assert_null(strstr(err, "dwdtCnMY"));
		assert_null(strstr(err, "pR25LCo"));
	}
}

/* What `cmd` prints, its first line, or "" with *status set. */
static void run(const char *cmd, char *out, size_t size, int *status)
{
	FILE *f = popen(cmd, "r");

	assert_non_null(f);
	out[0] = '\0';
	if (!fgets(out, (int)size, f))
		out[0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	*status = pclose(f);
}

static bool have_wg(void)
{
	return system("command -v wg >/dev/null 2>&1") == 0;
}

static void test_created(void **state)
{
	uint8_t *priv = NULL, *again = NULL, pub[SP_WG_KEY_LEN];
	char err[512], text[SP_WG_KEY_B64LEN + 1], content[64], cmd[512], out[128];
	bool created = false;
	struct stat st;
	FILE *f;
	int status;

	(void)state;
	/* -t on a missing file: fine, and nothing made */
	assert_int_equal(sp_wg_key_file_check(path, err, sizeof(err)), 0);
	assert_int_equal(entries(dir), 0);
	/* without create: missing */
	assert_int_equal(sp_wg_key_file_load(path, false, &priv, &created, err, sizeof(err)),
			 -ENOENT);
	assert_null(priv);
	assert_non_null(strstr(err, path));

	assert_int_equal(sp_wg_key_file_load(path, true, &priv, &created, err, sizeof(err)), 0);
	assert_non_null(priv);
	assert_true(created);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_uid, geteuid());
	assert_int_equal(st.st_nlink, 1); /* the temporary name is gone */
	assert_int_equal(entries(dir), 1);
	/* clamped as wg genkey does */
	assert_int_equal(priv[0] & 7, 0);
	assert_int_equal(priv[31] & 0xc0, 0x40);
	/* the key's text and a newline, as `wg genkey > file` */
	f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(content, 1, sizeof(content), f);
	fclose(f);
	assert_int_equal(n, SP_WG_KEY_B64LEN + 1);
	assert_int_equal(content[SP_WG_KEY_B64LEN], '\n');
	sp_wg_key_format(priv, text);
	assert_memory_equal(content, text, SP_WG_KEY_B64LEN);

	/* loaded back the same, and not made again */
	created = true;
	assert_int_equal(sp_wg_key_file_load(path, true, &again, &created, err, sizeof(err)), 0);
	assert_false(created);
	assert_memory_equal(again, priv, SP_WG_KEY_LEN);
	sp_wg_key_free(again);
	again = NULL;
	assert_int_equal(sp_wg_key_file_load(path, false, &again, &created, err, sizeof(err)), 0);
	assert_memory_equal(again, priv, SP_WG_KEY_LEN);
	sp_wg_key_free(again);
	assert_int_equal(sp_wg_key_file_check(path, err, sizeof(err)), 0);
	assert_int_equal(sp_wg_key_file_read(path, &again, err, sizeof(err)), 0);
	assert_memory_equal(again, priv, SP_WG_KEY_LEN);
	sp_wg_key_free(again);

	assert_int_equal(sp_wg_key_public(priv, pub), 0);
	sp_wg_key_format(pub, text);
	sp_wg_key_free(priv);
	sp_wg_key_free(NULL);

	/* a key wg(8) reads, with the public key it gives */
	if (!have_wg()) {
		if (getenv("CI") && !strcmp(getenv("CI"), "true"))
			fail_msg("wg not found (CI=true: not a skip)");
		skip();
	}
	snprintf(cmd, sizeof(cmd), "wg pubkey < '%s'", path);
	run(cmd, out, sizeof(out), &status);
	assert_int_equal(status, 0);
	assert_string_equal(out, text);
	if (sixplane_bin) {
		snprintf(cmd, sizeof(cmd), "'%s' wg-key '%s'", sixplane_bin, path);
		run(cmd, out, sizeof(out), &status);
		assert_int_equal(status, 0);
		assert_string_equal(out, text);
	}
}

/* Keys made by wg genkey, loaded: the public keys agree with wg pubkey. */
static void test_wg_genkey(void **state)
{
	char cmd[512], out[128], err[512], text[SP_WG_KEY_B64LEN + 1];
	uint8_t *priv, pub[SP_WG_KEY_LEN];
	bool created;
	int status;

	(void)state;
	if (!have_wg()) {
		if (getenv("CI") && !strcmp(getenv("CI"), "true"))
			fail_msg("wg not found (CI=true: not a skip)");
		skip();
	}
	for (int i = 0; i < 20; i++) {
		unlink(path);
		snprintf(cmd, sizeof(cmd), "umask 077; wg genkey > '%s' && wg pubkey < '%s'", path,
			 path);
		run(cmd, out, sizeof(out), &status);
		assert_int_equal(status, 0);
		assert_int_equal(sp_wg_key_file_load(path, true, &priv, &created, err, sizeof(err)),
				 0);
		assert_false(created);
		assert_int_equal(sp_wg_key_public(priv, pub), 0);
		sp_wg_key_free(priv);
		sp_wg_key_format(pub, text);
		assert_string_equal(text, out);
	}
}

static void test_modes(void **state)
{
	static const struct {
		mode_t mode;
		bool ok;
	} m[] = {
		{0600, true},  {0400, true},  {0700, true},  {0200, true}, /* unreadable to all but
									      root */
		{0644, false}, {0640, false}, {0604, false}, {0660, false}, {0606, false},
		{0610, false}, {0601, false}, {0777, false},
	};
	char err[512], want[32];

	(void)state;
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		if (m[i].mode == 0200 && geteuid() != 0)
			continue; /* its owner cannot read it: EACCES, rightly */
		write_file(path, ALICE_PRIV "\n", SP_WG_KEY_B64LEN + 1, m[i].mode);
		if (m[i].ok) {
			uint8_t *priv = NULL, want_key[SP_WG_KEY_LEN];
			bool created;
			if (sp_wg_key_file_check(path, err, sizeof(err)))
				fail_msg("mode %04o: %s", (unsigned)m[i].mode, err);
			assert_int_equal(
				sp_wg_key_file_load(path, true, &priv, &created, err, sizeof(err)),
				0);
			assert_int_equal(sp_wg_key_parse(ALICE_PRIV, SP_WG_KEY_B64LEN, want_key),
					 0);
			assert_memory_equal(priv, want_key, SP_WG_KEY_LEN);
			sp_wg_key_free(priv);
		} else {
			snprintf(want, sizeof(want), "mode %04o", (unsigned)m[i].mode);
			refused(path, -EACCES, want);
			/* the CLI's reader takes it: the mode is sixplaned's rule */
			uint8_t *priv = NULL;
			assert_int_equal(sp_wg_key_file_read(path, &priv, err, sizeof(err)), 0);
			sp_wg_key_free(priv);
		}
		unlink(path);
	}
}

static void test_owner(void **state)
{
	char err[512];

	(void)state;
	if (geteuid() != 0)
		skip(); /* only root can give a file away */
	write_file(path, ALICE_PRIV "\n", SP_WG_KEY_B64LEN + 1, 0600);
	assert_int_equal(chown(path, 65534, 65534), 0);
	refused(path, -EPERM, "owned by uid 65534");
	/* a file of root's is taken whoever loads it: checked as root here */
	assert_int_equal(chown(path, 0, 0), 0);
	assert_int_equal(sp_wg_key_file_check(path, err, sizeof(err)), 0);
}

static void test_content(void **state)
{
	static const struct {
		const char *text;
		const char *why;
	} c[] = {
		{"", "empty"},
		{"garbage\n", "not one WireGuard key"},
		{ALICE_PRIV "\n" BOB_PRIV "\n", "not one WireGuard key"},
		{" " ALICE_PRIV "\n", "not one WireGuard key"},
		{"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCp=\n", "not one WireGuard key"},
		{"PrivateKey = " ALICE_PRIV "\n", "not one WireGuard key"},
	};
	char big[5000];

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		write_file(path, c[i].text, strlen(c[i].text), 0600);
		refused(path, -EINVAL, c[i].why);
	}
	/* blanks after the key, but more than a key file holds */
	memset(big, '\n', sizeof(big));
	memcpy(big, ALICE_PRIV, SP_WG_KEY_B64LEN);
	write_file(path, big, sizeof(big), 0600);
	refused(path, -EINVAL, "more than 4096 bytes");
	write_file(path, big, 4096, 0600);
	assert_int_equal(sp_wg_key_file_check(path, big, sizeof(big)), 0);
	assert_int_equal(entries(dir), 1); /* nothing made beside it */
}

static void test_not_regular(void **state)
{
	char sub[160], fifo[160];

	(void)state;
	snprintf(sub, sizeof(sub), "%s/folder.key", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	refused(sub, -EISDIR, "a folder");
	snprintf(fifo, sizeof(fifo), "%s/fifo.key", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	refused(fifo, -EINVAL, "not a regular file"); /* and not waited on */
	refused("/dev/null", -EINVAL, "not a regular file");
	refused("", -EINVAL, "names no file");
}

/* Symbolic links: the last component is never followed by sixplaned (a
 * link would let whoever may change it point the daemon at another
 * file); the folders above may be links. The CLI's reader follows. */
static void test_symlinks(void **state)
{
	char target[160], link_path[160], dlink[160], linked_dir[160], via[200], err[512];
	uint8_t *priv = NULL;
	bool created;
	struct stat st;

	(void)state;
	snprintf(target, sizeof(target), "%s/real.key", dir);
	snprintf(link_path, sizeof(link_path), "%s/link.key", dir);
	write_file(target, ALICE_PRIV "\n", SP_WG_KEY_B64LEN + 1, 0600);
	assert_int_equal(symlink("real.key", link_path), 0);
	refused(link_path, -ELOOP, "a symbolic link");
	assert_int_equal(sp_wg_key_file_read(link_path, &priv, err, sizeof(err)), 0);
	sp_wg_key_free(priv);

	/* a dangling link is not created through */
	snprintf(dlink, sizeof(dlink), "%s/dangling.key", dir);
	assert_int_equal(symlink("nowhere.key", dlink), 0);
	refused(dlink, -ELOOP, "a symbolic link");
	snprintf(via, sizeof(via), "%s/nowhere.key", dir);
	assert_int_equal(lstat(via, &st), -1);

	/* a link among the folders is followed */
	snprintf(linked_dir, sizeof(linked_dir), "%s/linked", dir);
	assert_int_equal(symlink(".", linked_dir), 0);
	snprintf(via, sizeof(via), "%s/real.key", linked_dir);
	assert_int_equal(sp_wg_key_file_load(via, false, &priv, &created, err, sizeof(err)), 0);
	sp_wg_key_free(priv);
}

/* The folder: made 0700 when its parent is there, else refused. */
static void test_folders(void **state)
{
	char sub[160], p[200], err[512];
	uint8_t *priv = NULL;
	bool created;
	struct stat st;

	(void)state;
	snprintf(sub, sizeof(sub), "%s/state", dir);
	snprintf(p, sizeof(p), "%s/host.key", sub);
	assert_int_equal(sp_wg_key_file_check(p, err, sizeof(err)), 0);
	assert_int_equal(lstat(sub, &st), -1); /* -t makes nothing */
	assert_int_equal(sp_wg_key_file_load(p, true, &priv, &created, err, sizeof(err)), 0);
	assert_true(created);
	sp_wg_key_free(priv);
	assert_int_equal(stat(sub, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);

	/* two levels missing: refused, nothing made */
	snprintf(p, sizeof(p), "%s/a/b/host.key", dir);
	priv = NULL;
	assert_int_equal(sp_wg_key_file_check(p, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "its folder"));
	assert_int_equal(sp_wg_key_file_load(p, true, &priv, &created, err, sizeof(err)), -ENOENT);
	assert_null(priv);
	snprintf(sub, sizeof(sub), "%s/a", dir);
	assert_int_equal(lstat(sub, &st), -1);

	/* a folder that is a file */
	snprintf(sub, sizeof(sub), "%s/plain", dir);
	write_file(sub, "x", 1, 0600);
	snprintf(p, sizeof(p), "%s/host.key", sub);
	assert_int_equal(sp_wg_key_file_load(p, true, &priv, &created, err, sizeof(err)), -ENOTDIR);
	assert_int_equal(sp_wg_key_file_check(p, err, sizeof(err)), -ENOTDIR);

	/* a path that names no file */
	snprintf(p, sizeof(p), "%s/", dir);
	assert_int_equal(sp_wg_key_file_load(p, true, &priv, &created, err, sizeof(err)), -EISDIR);
}

/* A folder the caller cannot write in: -t says so (root writes anywhere). */
static void test_folder_readonly(void **state)
{
	char sub[160], p[200], err[512];

	(void)state;
	if (geteuid() == 0)
		skip();
	snprintf(sub, sizeof(sub), "%s/ro", dir);
	assert_int_equal(mkdir(sub, 0500), 0);
	snprintf(p, sizeof(p), "%s/host.key", sub);
	assert_int_equal(sp_wg_key_file_check(p, err, sizeof(err)), -EACCES);
	assert_non_null(strstr(err, "cannot create it"));
	chmod(sub, 0700);
}

/* Hosts starting at once on one file: one makes it, all load that key. */
static void test_race(void **state)
{
	enum { N = 8 };
	int fds[2];
	pid_t pids[N];
	uint8_t keys[N][SP_WG_KEY_LEN + 1];
	int made = 0;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	for (int i = 0; i < N; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			uint8_t *priv, msg[SP_WG_KEY_LEN + 1];
			bool created;
			char err[512];
			close(fds[0]);
			if (sp_wg_key_file_load(path, true, &priv, &created, err, sizeof(err)))
				_exit(1);
			memcpy(msg, priv, SP_WG_KEY_LEN);
			msg[SP_WG_KEY_LEN] = created;
			_exit(write(fds[1], msg, sizeof(msg)) == (ssize_t)sizeof(msg) ? 0 : 1);
		}
	}
	close(fds[1]);
	for (int i = 0; i < N; i++) {
		int status;
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	for (int i = 0; i < N; i++) {
		assert_int_equal(read(fds[0], keys[i], sizeof(keys[i])), sizeof(keys[i]));
		assert_memory_equal(keys[i], keys[0], SP_WG_KEY_LEN);
		made += keys[i][SP_WG_KEY_LEN];
	}
	close(fds[0]);
	assert_int_equal(made, 1);
	assert_int_equal(entries(dir), 1);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc7748),
		cmocka_unit_test(test_public_clamps),
		cmocka_unit_test(test_parse_refusals),
		cmocka_unit_test(test_text_parse),
		cmocka_unit_test_setup_teardown(test_created, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wg_genkey, setup, teardown),
		cmocka_unit_test_setup_teardown(test_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_owner, setup, teardown),
		cmocka_unit_test_setup_teardown(test_content, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_regular, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlinks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_folders, setup, teardown),
		cmocka_unit_test_setup_teardown(test_folder_readonly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_race, setup, teardown),
	};

	if (argc > 1)
		sixplane_bin = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
