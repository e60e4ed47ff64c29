/* SPDX-License-Identifier: MIT */
/* The private key file's content (common/wg_key.c) as wg(8) reads a key
 * file: the key's text at the start, then blanks only. Beyond not
 * crashing: an accepted file's key formats back to exactly its first 44
 * bytes and all after them are blanks; the key alone parses to the same
 * key; a refusal leaves the output untouched; and any 32 bytes format to a
 * text that parses back to them. */
#include <errno.h>

#include "fuzz.h"
#include "wg_key.h"

static int blank(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	uint8_t key[SP_WG_KEY_LEN], again[SP_WG_KEY_LEN];
	char text[SP_WG_KEY_B64LEN + 1];
	int r;

	memset(key, FUZZ_SENTINEL, sizeof(key));
	r = sp_wg_key_text_parse(s, size, key);
	CHECK(r == 0 || r == -EINVAL, data, size);
	if (r == 0) {
		CHECK(size >= SP_WG_KEY_B64LEN, data, size);
		for (size_t i = SP_WG_KEY_B64LEN; i < size; i++)
			CHECK(blank(data[i]), data, size);
		sp_wg_key_format(key, text);
		CHECK(strlen(text) == SP_WG_KEY_B64LEN, data, size);
		CHECK(!memcmp(text, s, SP_WG_KEY_B64LEN), data, size);
		CHECK(sp_wg_key_parse(s, SP_WG_KEY_B64LEN, again) == 0, data, size);
		CHECK(!memcmp(again, key, SP_WG_KEY_LEN), data, size);
	} else {
		CHECK(fuzz_all(key, sizeof(key), FUZZ_SENTINEL), data, size);
	}

	/* the key's text alone: accepted exactly when it is one key's text */
	memset(again, FUZZ_SENTINEL, sizeof(again));
	r = sp_wg_key_parse(s, size, again);
	CHECK(r == 0 || r == -EINVAL, data, size);
	if (r == 0) {
		CHECK(size == SP_WG_KEY_B64LEN, data, size);
		sp_wg_key_format(again, text);
		CHECK(!memcmp(text, s, SP_WG_KEY_B64LEN), data, size);
	} else {
		CHECK(fuzz_all(again, sizeof(again), FUZZ_SENTINEL), data, size);
		/* a text the file parser took is one the key parser takes */
		CHECK(size != SP_WG_KEY_B64LEN || sp_wg_key_text_parse(s, size, key) != 0, data,
		      size);
	}

	/* any 32 bytes: one text, read back the same */
	if (size >= SP_WG_KEY_LEN) {
		sp_wg_key_format(data, text);
		CHECK(text[SP_WG_KEY_B64LEN - 1] == '=' && text[SP_WG_KEY_B64LEN] == '\0', data,
		      size);
		CHECK(sp_wg_key_parse(text, SP_WG_KEY_B64LEN, again) == 0, data, size);
		CHECK(!memcmp(again, data, SP_WG_KEY_LEN), data, size);
		text[SP_WG_KEY_B64LEN - 1] = 'A';
		CHECK(sp_wg_key_parse(text, SP_WG_KEY_B64LEN, again) == -EINVAL, data, size);
	}
	return 0;
}
