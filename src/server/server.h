/*
 * server.h — `citystar serve`: the HTTP transport (http.c, on libmicrohttpd), the JSON API
 * (api.c), who may do what (authz.c) and the score cache (cache.c). The server keeps no state of
 * its own between requests beyond the database: sessions, login limits and the audit log live in
 * the store, so several servers can run behind one reverse proxy against one PostgreSQL. The
 * only memory it keeps is derived and checked on every use (compiled frameworks, scores keyed
 * by the data revision they were computed at).
 */
#ifndef CS_SERVER_H
#define CS_SERVER_H

#include <pthread.h>
#include <stdio.h>

#include "service/service.h"

typedef struct {
    char *address;          /* listen address, default 127.0.0.1 */
    int port;               /* default 8080 */
    char *database;         /* SQLite path or PostgreSQL connection string */
    char *frameworks_dir;
    char *targets_dir;      /* target files (发展目标) for GET /api/targets */
    char *static_dir;       /* the built web UI (web/dist); may be absent */
    char *access_log;       /* file, or "-" for standard error */
    int threads;            /* worker threads, default 4 */
    size_t max_body;        /* largest JSON request body, default 1 MiB */
    size_t max_upload;      /* largest evidence or workbook upload, default 32 MiB */
    int timeout;            /* seconds a connection may stay idle or slow, default 30 */
    int session_hours;      /* session lifetime, default 12 */
    int secure_cookies;     /* always mark cookies Secure (behind TLS) */
    int trust_proxy;        /* take the client address from X-Forwarded-For, and Secure from
                             * X-Forwarded-Proto: https (only behind a proxy you run) */
} cs_server_config;

/* Defaults, then the config file (JSON object with the field names above; NULL = none), as the
 * caller then overrides with flags. Errors name the file and the field. */
cs_status cs__server_config_load(cs_server_config *c, const char *path, cs_diag *diag);
void cs__server_config_free(cs_server_config *c);

/* Runs until SIGTERM or SIGINT, then stops taking connections, lets running requests finish
 * (up to the timeout) and returns. */
cs_status cs__serve(const cs_server_config *cfg, cs_diag *diag);

/* ---- Inside the server ----------------------------------------------------------------------- */

typedef struct cs__score_cache cs__score_cache;

typedef struct {
    cs_server_config cfg;
    cs_framework **fws;
    int nfws;
    cs_plan **plans;        /* by framework */
    cs__catalog cat;
    cs__strmap dept_elements; /* "department \x1f element" for every element an indicator led by
                               * that department reads, across frameworks */
    cs__score_cache *cache;
    FILE *log;
    pthread_mutex_t log_mu;
    pthread_key_t store_key; /* each worker thread's own store connection */
} cs__server;

/* The logged-in account of a request (copied out of the store). */
typedef struct {
    int logged_in;
    int64_t id;
    char login[72], name[128], role[24], region[32], department[128];
    char csrf[65];
} cs__user;

/* One request as the API sees it: no libmicrohttpd types. */
typedef struct {
    cs__server *srv;
    cs_store *store;
    const char *method, *path;
    const char *body;
    size_t body_len;
    const char *content_type;
    const char *csrf_header;   /* X-CSRF-Token */
    const char *session;       /* the session cookie, or NULL */
    char origin[64];           /* client address */
    int secure;                /* reached over TLS (cookies get Secure) */
    void *conn;                /* for query arguments */
    const char *query;         /* without a connection: "k=v&…" (tests and fuzzing) */
    char query_value[16][256]; /* arguments read from query (a handler reads fewer than 16) */
    int nquery_values;
    cs__user user;
} cs__req;

typedef struct {
    int status;
    cs__buf body;
    const char *type;          /* Content-Type; default application/json */
    char *disposition;         /* Content-Disposition (downloads), owned */
    char *set_cookie[2];       /* owned */
    char *location;
    char *owned_type;          /* a Content-Type made for this response, owned */
    int retry_after;           /* seconds, for Retry-After (0 = none) */
} cs__resp;

/* Loads and compiles the frameworks and sets up the server's shared state (no socket); freed with
 * cs__server_free. */
cs_status cs__server_init(cs__server *srv, const cs_server_config *cfg, cs_diag *diag);
void cs__server_free(cs__server *srv);

/* A query argument of the request, or NULL. */
const char *cs__req_arg(const cs__req *req, const char *key);

/* Handles one /api/ request. */
void cs__api_handle(cs__req *req, cs__resp *resp);

/* The thread's store connection (opened on first use). */
cs_store *cs__server_store(cs__server *srv, cs_diag *diag);

/* ---- Score cache (cache.c) ---------------------------------------------------------------- */

/* Scores of one framework, province and period at one data revision, shared read-only by
 * requests until a newer revision replaces them. */
typedef struct {
    cs__store_scores sc;
    const cs_plan *plan;
    char key[160];
    int64_t as_of;
    int approved_only;
    cs__strmap rows;        /* region code → result row */
    int *rank;              /* by row: rank by total among the peers (1 = best), 0 when no total */
    size_t npeers;          /* rows with a total (ranked) */
    char **json;            /* by row: the serialised result, made on first request */
    pthread_mutex_t json_mu;
    int refs;
} cs__scores_entry;

cs__score_cache *cs__score_cache_new(int capacity);
void cs__score_cache_free(cs__score_cache *c);
/* The scores for plan, the province above region and period at the store's current revision:
 * from the cache when that revision was already scored, else computed (outside the lock) and
 * kept. Release with cs__score_cache_release. */
cs_status cs__score_cache_get(cs__score_cache *c, cs_store *s, const cs_plan *plan, const char *region,
                              const char *period, int approved_only, cs__scores_entry **out, cs_diag *diag);
void cs__score_cache_release(cs__score_cache *c, cs__scores_entry *e);
/* The JSON text of row r of e (made once, then shared). */
const char *cs__scores_entry_json(cs__scores_entry *e, size_t r);

#endif
