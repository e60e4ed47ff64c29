/* SPDX-License-Identifier: MIT */
/* WireGuard keys (doc/wireguard.md): the text `wg genkey` and `wg pubkey`
 * print, the public key of a private one, and the file a host's private
 * key lives in. The arithmetic and the base64 are libsodium's.
 *
 * A private key is kept only in sodium_malloc'd memory (locked, left out
 * of core dumps, wiped when freed), every buffer that held its text is
 * wiped, and no message here ever holds a key: errors name the file and
 * say why, in one line. */
#ifndef SIXPLANE_WG_KEY_H
#define SIXPLANE_WG_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h" /* SP_WG_KEY_LEN */

/* The text of a key: standard base64 (RFC 4648 section 4) of 32 bytes,
 * 43 characters and one '=' of padding:
 *
 *     yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=
 *     \_________________ 43 _________________/ \ '='
 *
 * The last character before '=' carries 4 bits of the key and 2 bits that
 * must be zero, as in wg(8): one text per key. */
#define SP_WG_KEY_B64LEN 44

/* A key's text, exactly SP_WG_KEY_B64LEN bytes (no blanks, no newline:
 * that is sp_wg_key_text_parse's). 0 with out set, or -EINVAL with out
 * untouched. Constant time in the key's bytes (libsodium's decoder). */
int sp_wg_key_parse(const char *text, size_t len, uint8_t out[SP_WG_KEY_LEN]);
/* The text of key, NUL-terminated. */
void sp_wg_key_format(const uint8_t key[SP_WG_KEY_LEN], char out[SP_WG_KEY_B64LEN + 1]);
/* A key file's content as wg(8) reads one (`wg set ... private-key FILE`):
 * the key's text at the start, then nothing but blanks (space, tab, CR,
 * LF, VT, FF). 0 with out set, or -EINVAL (an empty file too) with out
 * untouched. */
int sp_wg_key_text_parse(const char *buf, size_t len, uint8_t out[SP_WG_KEY_LEN]);

/* The public key of a private one: X25519 of the base point (RFC 7748
 * section 5; the scalar is clamped there, so an unclamped private key
 * gives what `wg pubkey` gives). 0, -EINVAL if libsodium refuses the key,
 * -EIO if libsodium cannot start. */
int sp_wg_key_public(const uint8_t priv[SP_WG_KEY_LEN], uint8_t pub[SP_WG_KEY_LEN]);

/* The private key file (PrivateKeyFile). sixplaned accepts a file that:
 * - is a regular file, and not a symbolic link (the last component: a link
 *   would let whoever can change it point the daemon at another file; the
 *   folders above may be links);
 * - gives group and others no access at all (mode 0600 or 0400);
 * - is owned by the calling user (effective uid) or root;
 * - holds one key, as sp_wg_key_text_parse reads it.
 * A missing file is made at start (sp_wg_key_file_load with create).
 *
 * Errors are one line, "PrivateKeyFile '/path': why", and negative errno:
 * -ENOENT missing, -ELOOP a symbolic link, -EISDIR or -EINVAL not a
 * regular file, -EACCES a mode that lets others in, -EPERM another owner,
 * -EINVAL content that is not one key, -EIO libsodium would not start,
 * else what the system said. */

/* For sixplaned -t: the file would be accepted, or it is missing and
 * would be made: its folder exists (and the caller may write in it), or
 * the folder's parent does (the folder is then made, 0700). 0, or a
 * negative errno and err. Nothing is created; a key read is wiped. */
int sp_wg_key_file_check(const char *path, char *err, size_t errlen);
/* Load the private key. With create, a missing file is made first: 32
 * random bytes from libsodium, clamped as RFC 7748 section 5 and `wg
 * genkey` do, written as text and a newline, mode 0600, into a temporary
 * file in the same folder (O_EXCL), synced, then linked to the path: no
 * half-written key is ever under that name, and a key another process
 * made in the meantime is kept and loaded, never replaced. The folder is
 * made (0700) if missing, as in sp_wg_key_file_check.
 * On success *priv is SP_WG_KEY_LEN bytes of sodium_malloc'd memory (free
 * it with sp_wg_key_free) and *created says whether the file was made;
 * on error neither is written. */
int sp_wg_key_file_load(const char *path, bool create, uint8_t **priv, bool *created, char *err,
			size_t errlen);
/* Read a key another user guards, for showing its public key (`sixplane
 * wg-key`): a regular file holding one key, symbolic links followed, mode
 * and owner not checked. Never creates. Returns and errors as above. */
int sp_wg_key_file_read(const char *path, uint8_t **priv, char *err, size_t errlen);
/* Wipe and free a key of sp_wg_key_file_load or _read; NULL is ignored. */
void sp_wg_key_free(uint8_t *priv);

#endif
