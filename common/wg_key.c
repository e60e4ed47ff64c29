/* SPDX-License-Identifier: MIT */
/* WireGuard keys: text, public key, and the private key file. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wg_key.h"

/* A key file is 44 characters and a newline; wg(8) allows any trailing
 * blanks, but a file past this size is something else. */
#define KEY_FILE_MAX 4096

/* sodium_init is idempotent and thread-safe; it fails only when the
 * system has no random source. */
static int sodium_ready(void)
{
	return sodium_init() < 0 ? -EIO : 0;
}

static int fail(char *err, size_t errlen, const char *path, int r, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* "PrivateKeyFile '/path': why"; returns r. */
static int fail(char *err, size_t errlen, const char *path, int r, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!errlen)
		return r;
	n = snprintf(err, errlen, "PrivateKeyFile '%s': ", path);
	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return r;
}

static void clear(char *err, size_t errlen)
{
	if (errlen)
		err[0] = '\0';
}

/* The 43 characters are of RFC 4648's base64 alphabet (table 1) and the
 * 44th is '='. libsodium 1.0.18 takes every byte above 0x7f for '/' (63),
 * so its decoder alone would give one key many texts. No branch on the
 * key's characters: they are secret in a private key file. */
static bool in_alphabet(const char *text)
{
	unsigned bad = 0;

	for (size_t i = 0; i < SP_WG_KEY_B64LEN - 1; i++) {
		unsigned c = (unsigned char)text[i];
		unsigned ok = ((c - 'A') < 26u) | ((c - 'a') < 26u) | ((c - '0') < 10u) |
			      (c == '+') | (c == '/');
		bad |= ok ^ 1u;
	}
	bad |= (unsigned)(text[SP_WG_KEY_B64LEN - 1] != '=');
	return bad == 0;
}

int sp_wg_key_parse(const char *text, size_t len, uint8_t out[SP_WG_KEY_LEN])
{
	uint8_t tmp[SP_WG_KEY_LEN];
	size_t got = 0;
	const char *end = NULL;
	int r = -EINVAL;

	if (len != SP_WG_KEY_B64LEN || !in_alphabet(text))
		return -EINVAL;
	/* With the padded variant libsodium wants the '=' and refuses
	 * non-zero bits after the key's last one (its codecs.c), so one key
	 * has one text, as wg(8)'s key_from_base64 has it. */
	if (sodium_base642bin(tmp, sizeof(tmp), text, len, NULL, &got, &end,
			      sodium_base64_VARIANT_ORIGINAL) == 0 &&
	    got == SP_WG_KEY_LEN && end == text + len) {
		memcpy(out, tmp, SP_WG_KEY_LEN);
		r = 0;
	}
	sodium_memzero(tmp, sizeof(tmp));
	return r;
}

void sp_wg_key_format(const uint8_t key[SP_WG_KEY_LEN], char out[SP_WG_KEY_B64LEN + 1])
{
	sodium_bin2base64(out, SP_WG_KEY_B64LEN + 1, key, SP_WG_KEY_LEN,
			  sodium_base64_VARIANT_ORIGINAL);
}

/* isspace() of the C locale, as wg(8)'s char_is_space */
static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

int sp_wg_key_text_parse(const char *buf, size_t len, uint8_t out[SP_WG_KEY_LEN])
{
	if (len < SP_WG_KEY_B64LEN)
		return -EINVAL;
	for (size_t i = SP_WG_KEY_B64LEN; i < len; i++)
		if (!is_blank(buf[i]))
			return -EINVAL;
	return sp_wg_key_parse(buf, SP_WG_KEY_B64LEN, out);
}

int sp_wg_key_public(const uint8_t priv[SP_WG_KEY_LEN], uint8_t pub[SP_WG_KEY_LEN])
{
	uint8_t tmp[SP_WG_KEY_LEN];
	int r;

	if ((r = sodium_ready()))
		return r;
	/* RFC 7748 section 5: X25519(k, 9), k clamped by libsodium */
	if (crypto_scalarmult_curve25519_base(tmp, priv) != 0)
		return -EINVAL;
	memcpy(pub, tmp, SP_WG_KEY_LEN);
	return 0;
}

void sp_wg_key_free(uint8_t *priv)
{
	if (priv)
		sodium_free(priv); /* wipes it first */
}

/* The folder of path ("." for a bare name) and where its last component
 * starts; -EINVAL for a path that names no file ("", "dir/"). */
static int split(const char *path, char *dir, size_t size, const char **base, char *err,
		 size_t errlen)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	if (!path[0] || (slash && !slash[1]))
		return fail(err, errlen, path, -EINVAL, "names no file");
	if (!slash) {
		snprintf(dir, size, ".");
		*base = path;
		return 0;
	}
	n = slash == path ? 1 : (size_t)(slash - path);
	if (n >= size)
		return fail(err, errlen, path, -ENAMETOOLONG, "%s", strerror(ENAMETOOLONG));
	memcpy(dir, path, n);
	dir[n] = '\0';
	*base = slash + 1;
	return 0;
}

/* Open path to read, the last component not followed unless follow: a
 * descriptor, or a negative errno (-ENOENT: missing) with err. Every check
 * after this is on the descriptor, so what is checked is what is read. */
static int open_key(const char *path, bool follow, char *err, size_t errlen)
{
	struct stat st;
	int fd, e;

	if (!path[0])
		return fail(err, errlen, path, -EINVAL, "names no file");
	/* O_NONBLOCK: a FIFO is refused by its type, not waited on */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (follow ? 0 : O_NOFOLLOW));
	e = errno;

	if (fd >= 0)
		return fd;
	if (e == ELOOP && !follow && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		return fail(err, errlen, path, -ELOOP,
			    "a symbolic link (name the file itself: a link is not followed)");
	return fail(err, errlen, path, -e, "%s", strerror(e));
}

/* The file's type, and with strict its mode and owner. */
static int check_fd(int fd, const char *path, bool strict, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st))
		return fail(err, errlen, path, -errno, "%s", strerror(errno));
	if (S_ISDIR(st.st_mode))
		return fail(err, errlen, path, -EISDIR, "a folder, not a key file");
	if (!S_ISREG(st.st_mode))
		return fail(err, errlen, path, -EINVAL, "not a regular file");
	if (!strict)
		return 0;
	if (st.st_mode & 077)
		return fail(err, errlen, path, -EACCES,
			    "mode %04o lets group or others in (a private key must be 0600: "
			    "chmod 600 it)",
			    (unsigned)(st.st_mode & 07777));
	if (st.st_uid != geteuid() && st.st_uid != 0)
		return fail(err, errlen, path, -EPERM,
			    "owned by uid %lu, neither this user (uid %lu) nor root",
			    (unsigned long)st.st_uid, (unsigned long)geteuid());
	return 0;
}

/* The key in fd, into key (SP_WG_KEY_LEN bytes). The text is read into
 * locked memory and wiped. */
static int read_fd(int fd, const char *path, uint8_t *key, char *err, size_t errlen)
{
	char *buf = sodium_malloc(KEY_FILE_MAX + 1);
	size_t n = 0;
	int r;

	if (!buf)
		return fail(err, errlen, path, -ENOMEM, "%s", strerror(ENOMEM));
	while (n <= KEY_FILE_MAX) {
		ssize_t got = read(fd, buf + n, KEY_FILE_MAX + 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			r = fail(err, errlen, path, -errno, "%s", strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	if (n == 0)
		r = fail(err, errlen, path, -EINVAL, "empty: no key in it");
	else if (n > KEY_FILE_MAX)
		r = fail(err, errlen, path, -EINVAL,
			 "more than %d bytes: not a key file (one key is 44 characters)",
			 KEY_FILE_MAX);
	else if (sp_wg_key_text_parse(buf, n, key))
		r = fail(err, errlen, path, -EINVAL,
			 "not one WireGuard key (the base64 of 32 bytes, 44 characters, as wg "
			 "genkey writes it)");
	else
		r = 0;
out:
	sodium_free(buf);
	return r;
}

/* Read and check an open file; *priv on success. */
static int load_fd(int fd, const char *path, bool strict, uint8_t **priv, char *err, size_t errlen)
{
	uint8_t *key;
	int r;

	if ((r = check_fd(fd, path, strict, err, errlen)))
		return r;
	if (!(key = sodium_malloc(SP_WG_KEY_LEN)))
		return fail(err, errlen, path, -ENOMEM, "%s", strerror(ENOMEM));
	if ((r = read_fd(fd, path, key, err, errlen))) {
		sodium_free(key);
		return r;
	}
	*priv = key;
	return 0;
}

/* Whether dir is a folder the caller may create files in: 0, -ENOENT
 * (missing; err untouched), or another negative errno with err. */
static int writable_folder(const char *path, const char *dir, char *err, size_t errlen)
{
	struct stat st;
	int e;

	if (stat(dir, &st)) {
		if ((e = errno) == ENOENT)
			return -ENOENT;
		return fail(err, errlen, path, -e, "its folder '%s': %s", dir, strerror(e));
	}
	if (!S_ISDIR(st.st_mode))
		return fail(err, errlen, path, -ENOTDIR, "'%s' is not a folder", dir);
	if (faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS)) {
		e = errno;
		return fail(err, errlen, path, -e, "cannot create it in '%s': %s", dir,
			    strerror(e));
	}
	return 0;
}

/* The folder of a missing key file: there, or made (0700) in a parent that
 * is there (only one level: a missing folder above it is more likely a
 * typo than a wish). With make false, only whether it could be. */
static int folder(const char *path, const char *dir, bool make, char *err, size_t errlen)
{
	char parent[PATH_MAX];
	const char *base;
	int r = writable_folder(path, dir, err, errlen);

	if (r != -ENOENT)
		return r;
	if ((r = split(dir, parent, sizeof(parent), &base, err, errlen)))
		return r;
	r = writable_folder(path, parent, err, errlen);
	if (r == -ENOENT)
		return fail(err, errlen, path, -ENOENT,
			    "missing, and so are its folder '%s' and that folder's parent", dir);
	if (r)
		return r;
	if (!make)
		return 0;
	if (mkdir(dir, 0700) && errno != EEXIST)
		return fail(err, errlen, path, -errno, "cannot make its folder '%s': %s", dir,
			    strerror(errno));
	/* 0700 whatever the umask, as the key's folder should be */
	if (chmod(dir, 0700))
		return fail(err, errlen, path, -errno, "cannot set the mode of '%s': %s", dir,
			    strerror(errno));
	return 0;
}

/* Write all of buf to fd. */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Make the key file: 0 with *priv, 1 if another process made it first
 * (load that one), or a negative errno. */
static int create_key(const char *path, uint8_t **priv, char *err, size_t errlen)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	const char *base;
	uint8_t *key = NULL;
	char *text = NULL;
	int fd = -1, r;

	if ((r = split(path, dir, sizeof(dir), &base, err, errlen)))
		return r;
	if ((r = folder(path, dir, true, err, errlen)))
		return r;
	if (snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, base) >= (int)sizeof(tmp))
		return fail(err, errlen, path, -ENAMETOOLONG, "%s", strerror(ENAMETOOLONG));
	key = sodium_malloc(SP_WG_KEY_LEN);
	text = sodium_malloc(SP_WG_KEY_B64LEN + 2);
	if (!key || !text) {
		r = fail(err, errlen, path, -ENOMEM, "%s", strerror(ENOMEM));
		goto out;
	}
	/* RFC 7748 section 5's decodeScalar25519, as wg genkey's
	 * curve25519_clamp_secret: the key is a valid X25519 scalar as
	 * stored, whoever reads it. */
	randombytes_buf(key, SP_WG_KEY_LEN);
	key[0] &= 248;
	key[31] = (uint8_t)((key[31] & 127) | 64);
	sp_wg_key_format(key, text);
	text[SP_WG_KEY_B64LEN] = '\n';

	/* mkstemp: O_EXCL and mode 0600 */
	fd = mkstemp(tmp);
	if (fd < 0) {
		r = fail(err, errlen, path, -errno, "cannot create '%s': %s", tmp, strerror(errno));
		goto out;
	}
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) || fchmod(fd, 0600) ||
	    (r = write_all(fd, text, SP_WG_KEY_B64LEN + 1)) || fsync(fd)) {
		r = r ? r : -errno;
		r = fail(err, errlen, path, r, "cannot write '%s': %s", tmp, strerror(-r));
		goto drop;
	}
	if (close(fd)) {
		fd = -1;
		r = fail(err, errlen, path, -errno, "cannot write '%s': %s", tmp, strerror(errno));
		goto drop;
	}
	fd = -1;
	/* link, not rename: a key file that appeared meanwhile (another
	 * sixplaned, an operator's wg genkey) is never replaced */
	if (link(tmp, path)) {
		r = errno == EEXIST ? 1
				    : fail(err, errlen, path, -errno, "cannot create it: %s",
					   strerror(errno));
		goto drop;
	}
	unlink(tmp);
	/* make the new name itself durable */
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(fd);
		close(fd);
		fd = -1;
	}
	*priv = key;
	key = NULL;
	r = 0;
	goto out;
drop:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
out:
	sodium_free(text);
	sodium_free(key);
	return r;
}

int sp_wg_key_file_load(const char *path, bool create, uint8_t **priv, bool *created, char *err,
			size_t errlen)
{
	int fd, r;

	clear(err, errlen);
	if ((r = sodium_ready()))
		return fail(err, errlen, path, r, "libsodium cannot start");
	/* twice at most: when another process makes the file while this one
	 * does, its key is the one loaded */
	for (int tries = 0; tries < 2; tries++) {
		uint8_t *key = NULL;

		fd = open_key(path, false, err, errlen);
		if (fd >= 0) {
			r = load_fd(fd, path, true, &key, err, errlen);
			close(fd);
			if (r)
				return r;
			*priv = key;
			*created = false;
			return 0;
		}
		if (fd != -ENOENT || !create)
			return fd;
		clear(err, errlen);
		r = create_key(path, &key, err, errlen);
		if (r < 0)
			return r;
		if (r == 0) {
			*priv = key;
			*created = true;
			return 0;
		}
	}
	return fail(err, errlen, path, -EAGAIN, "made and removed by another process meanwhile");
}

int sp_wg_key_file_read(const char *path, uint8_t **priv, char *err, size_t errlen)
{
	int fd, r;

	clear(err, errlen);
	if ((r = sodium_ready()))
		return fail(err, errlen, path, r, "libsodium cannot start");
	if ((fd = open_key(path, true, err, errlen)) < 0)
		return fd;
	r = load_fd(fd, path, false, priv, err, errlen);
	close(fd);
	return r;
}

int sp_wg_key_file_check(const char *path, char *err, size_t errlen)
{
	char dir[PATH_MAX];
	const char *base;
	uint8_t *key = NULL;
	int fd, r;

	clear(err, errlen);
	if ((r = sodium_ready()))
		return fail(err, errlen, path, r, "libsodium cannot start");
	fd = open_key(path, false, err, errlen);
	if (fd >= 0) {
		r = load_fd(fd, path, true, &key, err, errlen);
		close(fd);
		sp_wg_key_free(key);
		return r;
	}
	if (fd != -ENOENT)
		return fd;
	/* missing: made at start, if its folder can be */
	clear(err, errlen);
	if ((r = split(path, dir, sizeof(dir), &base, err, errlen)))
		return r;
	return folder(path, dir, false, err, errlen);
}
