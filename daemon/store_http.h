/* SPDX-License-Identifier: MIT */
/* HTTP POSTs of JSON on libcurl's multi interface, driven by one epoll
 * descriptor of their own (curl's sockets, curl's timer as a timerfd, and
 * a wake-up timerfd for the caller's deadlines). Nothing blocks. */
#ifndef SIXPLANED_STORE_HTTP_H
#define SIXPLANED_STORE_HTTP_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sp_http;
struct sp_http_req;

/* TLS and auth of every request (strings may be "" for none). */
struct sp_http_opts {
	const char *ca, *cert, *key;
	const char *token; /* the Authorization header's value */
	long timeout_ms;   /* 0: none (a stream) */
};

/* The end of a request: rc is curl's, status the HTTP status, body what
 * came (for a stream, only what no data callback took). The request is
 * freed after the call. */
typedef void (*sp_http_done_fn)(void *ctx, struct sp_http_req *r, CURLcode rc, long status,
				const char *body, size_t n);
/* A stream's bytes as they come; false aborts the transfer (its done then
 * comes with CURLE_WRITE_ERROR). */
typedef bool (*sp_http_data_fn)(void *ctx, const char *p, size_t n);

int sp_http_open(struct sp_http **out);
int sp_http_fd(const struct sp_http *h);
/* POST body (copied) to url. NULL when curl refuses (out of memory). */
struct sp_http_req *sp_http_post(struct sp_http *h, const char *url, const char *body,
				 const struct sp_http_opts *o, sp_http_done_fn done,
				 sp_http_data_fn data, void *ctx);
/* Drop a request without its done callback. */
void sp_http_cancel(struct sp_http *h, struct sp_http_req *r);
/* Arm the wake-up for a CLOCK_MONOTONIC time in ms (0: none). */
void sp_http_wake_at(struct sp_http *h, uint64_t ms);
/* Do what the descriptor says is due, without waiting; the callbacks run
 * from here. */
void sp_http_run(struct sp_http *h);
/* Wait up to ms for the descriptor, then run: for the exit's revocation. */
void sp_http_wait(struct sp_http *h, int ms);
size_t sp_http_pending(const struct sp_http *h);
/* Cancels everything left. NULL is fine. */
void sp_http_close(struct sp_http *h);

uint64_t sp_http_now_ms(void);

#endif
