/* SPDX-License-Identifier: MIT */
/* bench/addr: formatting and parsing IPv6 addresses, ours against glibc's
 * inet_ntop/inet_pton, on the same inputs in the same run.
 *
 * Inputs: N addresses with a fixed seed, shaped like real ones (zero runs of
 * every length and place, short groups, some fully random, some
 * IPv4-mapped). Each measurement is the median of ROUNDS rounds, ours and
 * glibc's interleaved, so drift on a shared machine hits both. Prints one
 * markdown row per operation: ns/op for both and the speed-up. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sixplane.h"

#define N 200000
#define ROUNDS 9

static struct sixplane_addr addrs[N];
static char text[N][SIXPLANE_ADDRSTRLEN];
static size_t text_len[N];

static uint64_t rng = 0x853c49e6748fea9bULL;
static uint32_t rnd(void)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rng >> 33);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void make_inputs(void)
{
	for (int i = 0; i < N; i++) {
		uint8_t *b = addrs[i].b;
		unsigned shape = rnd() % 10;

		memset(b, 0, 16);
		if (shape == 0) { /* fully random */
			for (int k = 0; k < 16; k++)
				b[k] = (uint8_t)rnd();
		} else if (shape == 1) { /* IPv4-mapped */
			b[10] = b[11] = 0xff;
			for (int k = 12; k < 16; k++)
				b[k] = (uint8_t)rnd();
		} else { /* a prefix, a run of zeros somewhere, short groups */
			int start = (int)(rnd() % 8), run = (int)(rnd() % 7);
			for (int g = 0; g < 8; g++) {
				if (g >= start && g < start + run)
					continue;
				unsigned v = rnd() & 0xffff;
				if (rnd() % 3 == 0)
					v &= 0xff;
				b[2 * g] = (uint8_t)(v >> 8);
				b[2 * g + 1] = (uint8_t)v;
			}
		}
		inet_ntop(AF_INET6, b, text[i], sizeof(text[i]));
		text_len[i] = strlen(text[i]);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v)
{
	qsort(v, ROUNDS, sizeof(*v), cmp_double);
	return v[ROUNDS / 2];
}

int main(void)
{
	double ours_fmt[ROUNDS], glibc_fmt[ROUNDS], ours_parse[ROUNDS], glibc_parse[ROUNDS];
	char buf[64];
	unsigned long sink = 0;
	struct sixplane_addr out;

	make_inputs();
	/* The two must agree before their speed means anything: same bytes
	 * from every text (glibc prints the deprecated IPv4-compatible form
	 * differently, so only bytes are compared for parsing). */
	for (int i = 0; i < N; i++) {
		struct in6_addr g;
		if (sixplane_addr_parse(text[i], text_len[i], 0, &out, NULL) ||
		    inet_pton(AF_INET6, text[i], &g) != 1 || memcmp(&g, out.b, 16)) {
			fprintf(stderr, "addr_bench: parsers disagree on '%s'\n", text[i]);
			return 1;
		}
	}
	for (int r = 0; r < ROUNDS; r++) {
		double t0 = now();
		for (int i = 0; i < N; i++)
			sink += sixplane_addr_format(&addrs[i], buf);
		double t1 = now();
		for (int i = 0; i < N; i++) {
			inet_ntop(AF_INET6, addrs[i].b, buf, sizeof(buf));
			sink += (unsigned char)buf[1];
		}
		double t2 = now();
		for (int i = 0; i < N; i++) {
			sixplane_addr_parse(text[i], text_len[i], 0, &out, NULL);
			sink += out.b[15];
		}
		double t3 = now();
		for (int i = 0; i < N; i++) {
			/* inet_pton needs a NUL-terminated string; ours takes a
			 * length. Both are given what they need, nothing more. */
			inet_pton(AF_INET6, text[i], out.b);
			sink += out.b[15];
		}
		double t4 = now();
		ours_fmt[r] = (t1 - t0) / N * 1e9;
		glibc_fmt[r] = (t2 - t1) / N * 1e9;
		ours_parse[r] = (t3 - t2) / N * 1e9;
		glibc_parse[r] = (t4 - t3) / N * 1e9;
	}
	double of = median(ours_fmt), gf = median(glibc_fmt);
	double op = median(ours_parse), gp = median(glibc_parse);
	printf("| format (sixplane_addr_format vs inet_ntop) | %.1f ns | %.1f ns | %.2fx | 3x | %s "
	       "|\n",
	       of, gf, gf / of, gf / of >= 3 ? "met" : "NOT met");
	printf("| parse (sixplane_addr_parse vs inet_pton) | %.1f ns | %.1f ns | %.2fx | 1.5x | %s "
	       "|\n",
	       op, gp, gp / op, gp / op >= 1.5 ? "met" : "NOT met");
	fprintf(stderr, "(checksum %lu)\n", sink);
	return 0;
}
