/* SPDX-License-Identifier: MIT */
/* libcurl's multi interface on an epoll descriptor (the "multi_socket"
 * API: CURLMOPT_SOCKETFUNCTION and CURLMOPT_TIMERFUNCTION). */
#include "store_http.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

struct sp_http_req {
	struct sp_http *h;
	CURL *easy;
	struct curl_slist *headers;
	char *body;
	char *resp;
	size_t resp_len, resp_cap;
	bool too_large;
	sp_http_done_fn done;
	sp_http_data_fn data;
	void *ctx;
	struct sp_http_req *next, *prev;
};

struct sp_http {
	int epfd, curl_tfd, wake_tfd;
	CURLM *multi;
	struct sp_http_req *reqs;
	size_t n_reqs;
	bool added; /* a request posted since curl last ran */
};

#define RESP_MAX (64u << 20)

uint64_t sp_http_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void arm(int tfd, long ms_from_now)
{
	struct itimerspec its = {0};

	if (ms_from_now >= 0) {
		/* 0 would disarm: "at once" is a nanosecond from now */
		its.it_value.tv_sec = ms_from_now / 1000;
		its.it_value.tv_nsec = ms_from_now % 1000 * 1000000 + (ms_from_now == 0);
	}
	timerfd_settime(tfd, 0, &its, NULL);
}

static int on_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct sp_http *h = userp;
	struct epoll_event ev = {.data.fd = s};

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		epoll_ctl(h->epfd, EPOLL_CTL_DEL, s, NULL);
		curl_multi_assign(h->multi, s, NULL);
		return 0;
	}
	ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0) | (what & CURL_POLL_OUT ? EPOLLOUT : 0);
	if (socketp) {
		epoll_ctl(h->epfd, EPOLL_CTL_MOD, s, &ev);
	} else {
		epoll_ctl(h->epfd, EPOLL_CTL_ADD, s, &ev);
		curl_multi_assign(h->multi, s, h); /* any non-NULL: "added" */
	}
	return 0;
}

static int on_timer(CURLM *multi, long timeout_ms, void *userp)
{
	struct sp_http *h = userp;

	(void)multi;
	arm(h->curl_tfd, timeout_ms);
	return 0;
}

int sp_http_open(struct sp_http **out)
{
	struct sp_http *h = calloc(1, sizeof(*h));
	struct epoll_event ev = {.events = EPOLLIN};
	int ret = -ENOMEM;

	if (!h)
		return -ENOMEM;
	h->epfd = epoll_create1(EPOLL_CLOEXEC);
	h->curl_tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	h->wake_tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (h->epfd < 0 || h->curl_tfd < 0 || h->wake_tfd < 0) {
		ret = -errno;
		goto err;
	}
	ev.data.fd = h->curl_tfd;
	if (epoll_ctl(h->epfd, EPOLL_CTL_ADD, h->curl_tfd, &ev) < 0) {
		ret = -errno;
		goto err;
	}
	ev.data.fd = h->wake_tfd;
	if (epoll_ctl(h->epfd, EPOLL_CTL_ADD, h->wake_tfd, &ev) < 0) {
		ret = -errno;
		goto err;
	}
	h->multi = curl_multi_init();
	if (!h->multi)
		goto err;
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, on_timer);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
	*out = h;
	return 0;
err:
	sp_http_close(h);
	return ret;
}

int sp_http_fd(const struct sp_http *h)
{
	return h->epfd;
}

size_t sp_http_pending(const struct sp_http *h)
{
	return h->n_reqs;
}

static size_t on_write(char *p, size_t size, size_t nmemb, void *userp)
{
	struct sp_http_req *r = userp;
	size_t n = size * nmemb;
	long status = 0;

	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
	/* a stream's bytes go to its callback only on success: an error's
	 * body is the one JSON object of the error, kept for done */
	if (r->data && status == 200)
		return r->data(r->ctx, p, n) ? n : 0;
	if (n > RESP_MAX - r->resp_len) {
		r->too_large = true;
		return 0;
	}
	if (r->resp_len + n + 1 > r->resp_cap) {
		size_t cap = r->resp_cap ? r->resp_cap : 1024;
		curl_off_t whole = -1;
		char *b;

		/* the whole answer's length when it says so: one allocation
		 * instead of a copy per doubling */
		if (!r->resp_cap &&
		    curl_easy_getinfo(r->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &whole) ==
			    CURLE_OK &&
		    whole > 0 && (uint64_t)whole < RESP_MAX)
			cap = (size_t)whole + 1;

		while (cap < r->resp_len + n + 1)
			cap *= 2;
		b = realloc(r->resp, cap);
		if (!b)
			return 0;
		r->resp = b;
		r->resp_cap = cap;
	}
	memcpy(r->resp + r->resp_len, p, n);
	r->resp_len += n;
	r->resp[r->resp_len] = '\0';
	return n;
}

static void req_free(struct sp_http *h, struct sp_http_req *r)
{
	if (r->easy) {
		curl_multi_remove_handle(h->multi, r->easy);
		curl_easy_cleanup(r->easy);
	}
	curl_slist_free_all(r->headers);
	free(r->body);
	free(r->resp);
	if (r->prev)
		r->prev->next = r->next;
	else
		h->reqs = r->next;
	if (r->next)
		r->next->prev = r->prev;
	h->n_reqs--;
	free(r);
}

struct sp_http_req *sp_http_post(struct sp_http *h, const char *url, const char *body,
				 const struct sp_http_opts *o, sp_http_done_fn done,
				 sp_http_data_fn data, void *ctx)
{
	struct sp_http_req *r = calloc(1, sizeof(*r));
	struct curl_slist *hd;
	CURL *e;

	if (!r)
		return NULL;
	r->h = h;
	r->done = done;
	r->data = data;
	r->ctx = ctx;
	r->next = h->reqs;
	if (h->reqs)
		h->reqs->prev = r;
	h->reqs = r;
	h->n_reqs++;
	r->body = strdup(body);
	r->easy = e = curl_easy_init();
	if (!r->body || !e)
		goto err;
	hd = curl_slist_append(NULL, "Content-Type: application/json");
	if (hd && o->token && *o->token) {
		/* never sent without the token it should carry */
		size_t len = strlen(o->token) + 32;
		char *a = malloc(len);
		struct curl_slist *more = NULL;

		if (a) {
			snprintf(a, len, "Authorization: %s", o->token);
			more = curl_slist_append(hd, a);
			free(a);
		}
		if (!more) {
			curl_slist_free_all(hd);
			hd = NULL;
		}
	}
	r->headers = hd;
	if (!hd)
		goto err;
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, hd);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, o->timeout_ms);
	/* a watch may sit silent for hours: TCP keepalive finds a dead peer */
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPIDLE, 10L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPINTVL, 5L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (o->ca && *o->ca)
		curl_easy_setopt(e, CURLOPT_CAINFO, o->ca);
	if (o->cert && *o->cert)
		curl_easy_setopt(e, CURLOPT_SSLCERT, o->cert);
	if (o->key && *o->key)
		curl_easy_setopt(e, CURLOPT_SSLKEY, o->key);
	if (curl_multi_add_handle(h->multi, e) != CURLM_OK)
		goto err;
	h->added = true;
	return r;
err:
	req_free(h, r);
	return NULL;
}

void sp_http_cancel(struct sp_http *h, struct sp_http_req *r)
{
	if (r)
		req_free(h, r);
}

void sp_http_wake_at(struct sp_http *h, uint64_t ms)
{
	uint64_t now = sp_http_now_ms();

	arm(h->wake_tfd, ms == 0 ? -1 : ms <= now ? 0 : (long)(ms - now));
}

static void finish(struct sp_http *h)
{
	CURLMsg *m;
	int left, running;

again:
	while ((m = curl_multi_info_read(h->multi, &left))) {
		struct sp_http_req *r = NULL;
		long status = 0;
		CURLcode rc;

		if (m->msg != CURLMSG_DONE)
			continue;
		rc = m->data.result;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
		curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &status);
		if (r->too_large && rc == CURLE_OK)
			rc = CURLE_WRITE_ERROR;
		/* out of the multi before the callback, which may post again */
		curl_multi_remove_handle(h->multi, r->easy);
		r->done(r->ctx, r, rc, status, r->resp ? r->resp : "", r->resp_len);
		req_free(h, r);
	}
	/* what the callbacks posted goes out now, not when curl's timer next
	 * fires after the caller's work: the next page of a range read is
	 * read by etcd while this one is applied */
	if (h->added) {
		h->added = false;
		curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
		goto again;
	}
}

static void handle(struct sp_http *h, const struct epoll_event *evs, int n)
{
	int running;

	for (int i = 0; i < n; i++) {
		int fd = evs[i].data.fd;
		uint64_t x;

		if (fd == h->wake_tfd) {
			while (read(fd, &x, sizeof(x)) > 0)
				;
		} else if (fd == h->curl_tfd) {
			while (read(fd, &x, sizeof(x)) > 0)
				;
			curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
		} else {
			int flags = (evs[i].events & EPOLLIN ? CURL_CSELECT_IN : 0) |
				    (evs[i].events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
				    (evs[i].events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);

			curl_multi_socket_action(h->multi, fd, flags, &running);
		}
	}
	finish(h);
}

void sp_http_run(struct sp_http *h)
{
	struct epoll_event evs[32];
	int n;

	while ((n = epoll_wait(h->epfd, evs, 32, 0)) > 0) {
		handle(h, evs, n);
		if (n < 32)
			break;
	}
	/* transfers added since (curl's timer asks "at once") */
	finish(h);
}

void sp_http_wait(struct sp_http *h, int ms)
{
	struct epoll_event evs[32];
	int n = epoll_wait(h->epfd, evs, 32, ms);

	if (n > 0)
		handle(h, evs, n);
}

void sp_http_close(struct sp_http *h)
{
	if (!h)
		return;
	while (h->reqs)
		req_free(h, h->reqs);
	if (h->multi)
		curl_multi_cleanup(h->multi);
	if (h->epfd >= 0)
		close(h->epfd);
	if (h->curl_tfd >= 0)
		close(h->curl_tfd);
	if (h->wake_tfd >= 0)
		close(h->wake_tfd);
	free(h);
}
