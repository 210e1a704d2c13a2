/*
 * http.c — the HTTP side of `citystar serve` on libmicrohttpd: a pool of worker threads, each
 * with its own store connection; request bodies collected up to a limit (413 beyond it); idle
 * and slow connections closed after the timeout; one JSON access-log line per request; the web
 * UI's files from the static folder (with index.html for the app's own routes); and a graceful
 * stop on SIGTERM: no new connections, running requests finish, then the process exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "server.h"

/* ---- Configuration --------------------------------------------------------------------------- */

cs_status cs__server_config_load(cs_server_config *c, const char *path, cs_diag *diag)
{
    memset(c, 0, sizeof *c);
    c->address = cs__xstrdup("127.0.0.1");
    c->port = 8080;
    c->access_log = cs__xstrdup("-");
    c->threads = 4;
    c->max_body = 1u << 20;
    c->max_upload = 32u << 20;
    c->timeout = 30;
    c->session_hours = 12;
    if (!path) return CS_OK;
    json_error_t err;
    json_t *j = json_load_file(path, 0, &err);
    if (!j || !json_is_object(j)) {
        cs__diag_add(diag, CS__ERROR, path, j ? 1 : err.line, j ? 1 : err.column,
                     "配置文件不是有效的 JSON 对象 / the config file is not a JSON object%s%s", j ? "" : ": ", j ? "" : err.text);
        json_decref(j);
        return CS_EUSAGE;
    }
    static const struct {
        const char *name;
        char type;   /* s string, i integer, b boolean, z size */
        size_t off;
    } fields[] = {
        {"address", 's', offsetof(cs_server_config, address)},
        {"port", 'i', offsetof(cs_server_config, port)},
        {"database", 's', offsetof(cs_server_config, database)},
        {"frameworks_dir", 's', offsetof(cs_server_config, frameworks_dir)},
        {"targets_dir", 's', offsetof(cs_server_config, targets_dir)},
        {"static_dir", 's', offsetof(cs_server_config, static_dir)},
        {"access_log", 's', offsetof(cs_server_config, access_log)},
        {"threads", 'i', offsetof(cs_server_config, threads)},
        {"max_body", 'z', offsetof(cs_server_config, max_body)},
        {"max_upload", 'z', offsetof(cs_server_config, max_upload)},
        {"timeout", 'i', offsetof(cs_server_config, timeout)},
        {"session_hours", 'i', offsetof(cs_server_config, session_hours)},
        {"secure_cookies", 'b', offsetof(cs_server_config, secure_cookies)},
        {"trust_proxy", 'b', offsetof(cs_server_config, trust_proxy)},
    };
    cs_status rc = CS_OK;
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v)
    {
        size_t f = 0, nf = sizeof fields / sizeof fields[0];
        while (f < nf && strcmp(fields[f].name, key)) f++;
        if (f == nf) {
            cs__diag_add(diag, CS__ERROR, path, 0, 0, "未知的配置项 '%s' / unknown setting '%s'", key, key);
            rc = CS_EUSAGE;
            continue;
        }
        char *p = (char *)c + fields[f].off;
        int ok = 1;
        switch (fields[f].type) {
        case 's':
            if ((ok = json_is_string(v))) {
                free(*(char **)p);
                *(char **)p = cs__xstrdup(json_string_value(v));
            }
            break;
        case 'i':
            if ((ok = json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= 65535))
                *(int *)p = (int)json_integer_value(v);
            break;
        case 'z':
            if ((ok = json_is_integer(v) && json_integer_value(v) > 0)) *(size_t *)p = (size_t)json_integer_value(v);
            break;
        case 'b':
            if ((ok = json_is_boolean(v))) *(int *)p = json_is_true(v);
            break;
        }
        if (!ok) {
            cs__diag_add(diag, CS__ERROR, path, 0, 0, "配置项 '%s' 的值类型不对 / setting '%s' has the wrong type", key, key);
            rc = CS_EUSAGE;
        }
    }
    json_decref(j);
    return rc;
}

void cs__server_config_free(cs_server_config *c)
{
    free(c->address);
    free(c->database);
    free(c->frameworks_dir);
    free(c->targets_dir);
    free(c->static_dir);
    free(c->access_log);
    memset(c, 0, sizeof *c);
}

/* ---- Per-thread store ------------------------------------------------------------------------ */

static void close_store(void *p)
{
    cs_store_close(p);
}

cs_store *cs__server_store(cs__server *srv, cs_diag *diag)
{
    cs_store *s = pthread_getspecific(srv->store_key);
    if (s) return s;
    if (cs_store_open(srv->cfg.database, &s, diag) != CS_OK) return NULL;
    pthread_setspecific(srv->store_key, s);
    return s;
}

/* ---- Requests -------------------------------------------------------------------------------- */

/* Requests begun and not yet answered: a graceful stop waits for these, not for idle keep-alive
 * connections. */
static int in_flight;

typedef struct {
    cs__buf body;
    size_t limit;
    int too_large;
    struct timespec start;
    int status;
    size_t bytes;
    char user[72];
    char method[12];
    char path[240];
} conn_state;

const char *cs__req_arg(const cs__req *req, const char *key)
{
    if (req->conn) return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, key);
    /* a request made without a connection (the fuzz target): "k=v&k2=v2", not decoded */
    size_t n = strlen(key);
    for (const char *p = req->query; p && *p;) {
        const char *end = strchr(p, '&');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > n && !strncmp(p, key, n) && p[n] == '=') {
            cs__req *r = (cs__req *)req;
            char *out = r->query_value[r->nquery_values++ % 16];
            size_t v = len - n - 1;
            if (v >= sizeof r->query_value[0]) v = sizeof r->query_value[0] - 1;
            memcpy(out, p + n + 1, v);
            out[v] = 0;
            return out;
        }
        p = end ? end + 1 : NULL;
    }
    return NULL;
}

static double ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

static void client_address(struct MHD_Connection *conn, int trust_proxy, char out[64])
{
    snprintf(out, 64, "unknown");
    const char *fwd = trust_proxy ? MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-For") : NULL;
    if (fwd && *fwd) {
        /* the proxy appends the address it saw last: the client is the last hop it added */
        const char *last = strrchr(fwd, ',');
        last = last ? last + 1 : fwd;
        while (*last == ' ') last++;
        snprintf(out, 64, "%.63s", last);
        return;
    }
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr) return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET) inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, 64);
    else if (sa->sa_family == AF_INET6) inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, 64);
}

static const char *media_type_of(const char *path)
{
    static const char *const map[][2] = {
        {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},         {".svg", "image/svg+xml"},                  {".png", "image/png"},
        {".ico", "image/x-icon"},              {".woff2", "font/woff2"},                   {".woff", "font/woff"},
        {".txt", "text/plain; charset=utf-8"}, {".map", "application/json"},
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(dot, map[i][0])) return map[i][1];
    return "application/octet-stream";
}

static const char no_ui_page[] =
    "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>citystar</title>"
    "<body style=\"font-family:sans-serif;max-width:40em;margin:3em auto\"><h1>citystar 智慧城市评估</h1>"
    "<p>网页界面尚未构建（运行 <code>make run</code> 会构建它）。接口在 <a href=\"/api/health\">/api/</a> 下，说明见 docs/api.md。</p>"
    "<p>The web UI is not built (<code>make run</code> builds it). The JSON API is under /api/; see docs/api.md.</p></body></html>";

/* A file of the web UI; paths that name no file get index.html (the app routes them). */
static void serve_static(const cs__server *srv, const char *url, cs__resp *resp)
{
    const char *dir = srv->cfg.static_dir;
    int bad = strstr(url, "..") != NULL || strchr(url, '\\') != NULL;
    char path[4096];
    struct stat st;
    if (!bad && dir) {
        snprintf(path, sizeof path, "%s%s", dir, url);
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            /* a missing asset is a 404; an app route is the app */
            if (!strncmp(url, "/assets/", 8)) bad = 2;
            else snprintf(path, sizeof path, "%s/index.html", dir);
        }
    }
    cs_diag *quiet = cs_diag_new();
    if (!bad && dir && cs__read_file(path, &resp->body, 64u << 20, quiet) == CS_OK) {
        resp->status = 200;
        resp->type = media_type_of(path);
    } else if (!bad) {
        cs__buf_reset(&resp->body);
        cs__buf_append(&resp->body, no_ui_page);
        resp->status = 200;
        resp->type = "text/html; charset=utf-8";
    } else {
        cs__buf_reset(&resp->body);
        cs__buf_append(&resp->body, "not found\n");
        resp->status = 404;
        resp->type = "text/plain; charset=utf-8";
    }
    cs_diag_free(quiet);
}

static void json_error(cs__resp *resp, int status, const char *code, const char *message)
{
    json_t *j = json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", message);
    char *t = json_dumps(j, JSON_COMPACT);
    cs__buf_reset(&resp->body);
    cs__buf_append(&resp->body, t);
    free(t);
    json_decref(j);
    resp->status = status;
    resp->type = "application/json";
}

static enum MHD_Result send_response(struct MHD_Connection *conn, const cs__server *srv, const char *url,
                                     cs__resp *resp, conn_state *cs)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(resp->body.len, resp->body.len ? resp->body.s : (void *)"",
                                                             MHD_RESPMEM_MUST_COPY);
    if (!r) return MHD_NO;
    MHD_add_response_header(r, "Content-Type", resp->type ? resp->type : "application/json");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "same-origin");
    if (!strncmp(url, "/api/", 5)) MHD_add_response_header(r, "Cache-Control", "no-store");
    else MHD_add_response_header(r, "X-Frame-Options", "DENY");
    if (resp->disposition) MHD_add_response_header(r, "Content-Disposition", resp->disposition);
    for (int i = 0; i < 2; i++)
        if (resp->set_cookie[i]) MHD_add_response_header(r, "Set-Cookie", resp->set_cookie[i]);
    if (resp->retry_after) {
        char ra[16];
        snprintf(ra, sizeof ra, "%d", resp->retry_after);
        MHD_add_response_header(r, "Retry-After", ra);
    }
    (void)srv;
    cs->status = resp->status;
    cs->bytes = resp->body.len;
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)resp->status, r);
    MHD_destroy_response(r);
    return ret;
}

static void resp_free(cs__resp *resp)
{
    cs__buf_free(&resp->body);
    free(resp->disposition);
    free(resp->set_cookie[0]);
    free(resp->set_cookie[1]);
    free(resp->location);
    free(resp->owned_type);
}

/* The value of cookie name in a Cookie header, copied into out. */
static const char *cookie_value(const char *header, const char *name, char *out, size_t cap)
{
    size_t n = strlen(name);
    for (const char *p = header; p && *p;) {
        while (*p == ' ' || *p == ';') p++;
        if (!strncmp(p, name, n) && p[n] == '=') {
            const char *v = p + n + 1, *e = strchr(v, ';');
            size_t len = e ? (size_t)(e - v) : strlen(v);
            if (len >= cap) return NULL;
            memcpy(out, v, len);
            out[len] = 0;
            return out;
        }
        p = strchr(p, ';');
    }
    return NULL;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
    (void)version;
    cs__server *srv = cls;
    conn_state *cs = *con_cls;
    if (!cs) {
        cs = cs__xcalloc(1, sizeof *cs);
        __atomic_add_fetch(&in_flight, 1, __ATOMIC_SEQ_CST);
        clock_gettime(CLOCK_MONOTONIC, &cs->start);
        /* uploads (evidence, workbooks) may be larger than JSON bodies */
        int upload = !strncmp(url, "/api/evidence", 13) || !strncmp(url, "/api/imports", 12);
        cs->limit = upload ? srv->cfg.max_upload : srv->cfg.max_body;
        snprintf(cs->method, sizeof cs->method, "%s", method);
        snprintf(cs->path, sizeof cs->path, "%s", url);
        /* the log line is JSON: bytes of the request that are not UTF-8 (or a character cut by the
         * size above) become '?' */
        for (char *f[] = {cs->method, cs->path}, **p = f; p < f + 2; p++)
            for (size_t n = strlen(*p), at = 0; at < n;) {
                at += cs__utf8_valid_prefix(*p + at, n - at);
                if (at < n) (*p)[at++] = '?';
            }
        *con_cls = cs;
        const char *len = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        if (len && strtoull(len, NULL, 10) > cs->limit) cs->too_large = 1;
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!cs->too_large && cs->body.len + *upload_data_size > cs->limit) cs->too_large = 1;
        if (!cs->too_large) cs__buf_appendn(&cs->body, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    cs__resp resp = {0};
    resp.status = 200;
    enum MHD_Result ret;
    if (cs->too_large) {
        char msg[160];
        char token[80];
        cs_diag *quiet = cs_diag_new();
        cs_store *st = cs__server_store(srv, quiet);
        cs_account who;
        char csrf[65];
        const char *tok = cookie_value(MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Cookie"), "citystar_session", token,
                                       sizeof token);
        if (st && tok && cs_store_session(st, tok, &who, csrf, quiet) == CS_OK) snprintf(cs->user, sizeof cs->user, "%s", who.login);
        cs_diag_free(quiet);
        snprintf(msg, sizeof msg, "请求内容超过上限 %zu 字节 / the request body exceeds %zu bytes", cs->limit, cs->limit);
        json_error(&resp, 413, "payload_too_large", msg);
    } else if (!strncmp(url, "/api/", 5) || !strcmp(url, "/api")) {
        cs_diag *d = cs_diag_new();
        cs__req req = {0};
        req.srv = srv;
        req.store = cs__server_store(srv, d);
        req.method = method;
        req.path = url;
        req.body = cs__buf_str(&cs->body);
        req.body_len = cs->body.len;
        req.content_type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
        req.csrf_header = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-CSRF-Token");
        char token[80];
        req.session = cookie_value(MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Cookie"), "citystar_session", token,
                                   sizeof token);
        client_address(conn, srv->cfg.trust_proxy, req.origin);
        const char *proto = srv->cfg.trust_proxy ? MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-Proto") : NULL;
        req.secure = srv->cfg.secure_cookies || (proto && !strcmp(proto, "https"));
        req.conn = conn;
        if (!req.store) json_error(&resp, 503, "database_unavailable", "数据库暂时无法连接 / the database is unavailable");
        else cs__api_handle(&req, &resp);
        snprintf(cs->user, sizeof cs->user, "%s", req.user.logged_in ? req.user.login : "");
        cs_diag_free(d);
    } else if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
        json_error(&resp, 405, "method_not_allowed", "不支持的请求方法 / method not allowed");
    } else {
        serve_static(srv, url, &resp);
    }
    ret = send_response(conn, srv, url, &resp, cs);
    resp_free(&resp);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    cs__server *srv = cls;
    conn_state *cs = *con_cls;
    if (!cs) return;
    char ip[64];
    client_address(conn, srv->cfg.trust_proxy, ip);
    if (srv->log) {
        char at[32];
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
        json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:i, s:I, s:f, s:s, s:s}", "at", at, "ip", ip, "method", cs->method, "path",
                              cs->path, "status", cs->status, "bytes", (json_int_t)cs->bytes, "ms", ms_since(&cs->start),
                              "user", cs->user, "end", toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "ok" : "aborted");
        char *line = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(6));
        pthread_mutex_lock(&srv->log_mu);
        fprintf(srv->log, "%s\n", line);
        fflush(srv->log);
        pthread_mutex_unlock(&srv->log_mu);
        free(line);
        json_decref(j);
    }
    cs__buf_free(&cs->body);
    free(cs);
    *con_cls = NULL;
    __atomic_sub_fetch(&in_flight, 1, __ATOMIC_SEQ_CST);
}

/* ---- Start and stop -------------------------------------------------------------------------- */

/* "department \x1f element" for every element an indicator led by department reads. */
static void index_departments(cs__server *srv)
{
    for (int f = 0; f < srv->nfws; f++) {
        const cs_framework *fw = srv->fws[f];
        unsigned char *used = cs__xcalloc((size_t)fw->nelements + 1, 1);
        unsigned char *walked = cs__xcalloc((size_t)fw->nmeasures + 1, 1);
        for (int i = 0; i < fw->nindicators; i++) {
            const cs__indicator *ind = &fw->indicators[i];
            if (!ind->ndepartments) continue;
            memset(used, 0, (size_t)fw->nelements + 1);
            memset(walked, 0, (size_t)fw->nmeasures + 1);
            cs__fw_indicator_elements(fw, i, used, walked);
            for (int d = 0; d < ind->ndepartments; d++)
                for (int e = 0; e < fw->nelements; e++) {
                    if (!used[e]) continue;
                    char key[512];
                    snprintf(key, sizeof key, "%s\x1f%s", ind->departments[d], fw->elements[e].code);
                    cs__strmap_intern(&srv->dept_elements, key);
                }
        }
        free(used);
        free(walked);
    }
}

cs_status cs__server_init(cs__server *srv, const cs_server_config *cfg, cs_diag *diag)
{
    memset(srv, 0, sizeof *srv);
    srv->cfg = *cfg;
    cs_status rc = cs__frameworks_load_all(cfg->frameworks_dir, &srv->fws, &srv->nfws, diag);
    if (rc != CS_OK) return rc;
    srv->plans = cs__xcalloc((size_t)srv->nfws + 1, sizeof *srv->plans);
    cs__catalog_init(&srv->cat, (const cs_framework *const *)srv->fws, srv->nfws);
    for (int i = 0; i < srv->nfws && rc == CS_OK; i++) rc = cs_plan_compile(srv->fws[i], &srv->plans[i], diag);
    if (rc == CS_OK) index_departments(srv);
    srv->cache = cs__score_cache_new(32);
    pthread_mutex_init(&srv->log_mu, NULL);
    pthread_key_create(&srv->store_key, close_store);
    return rc;
}

void cs__server_free(cs__server *srv)
{
    if (srv->log && srv->log != stderr) fclose(srv->log);
    if (srv->cache) {
        cs__score_cache_free(srv->cache);
        pthread_mutex_destroy(&srv->log_mu);
        pthread_key_delete(srv->store_key);
    }
    cs__strmap_free(&srv->dept_elements);
    if (srv->plans) {
        cs__catalog_clear(&srv->cat);
        for (int i = 0; i < srv->nfws; i++) cs_plan_free(srv->plans[i]);
        free(srv->plans);
    }
    cs__frameworks_free(srv->fws, srv->nfws);
    memset(srv, 0, sizeof *srv);
}

cs_status cs__serve(const cs_server_config *cfg, cs_diag *diag)
{
    cs__server srv;
    cs_status rc = cs__server_init(&srv, cfg, diag);
    if (rc != CS_OK) goto out;
    /* the database must be at this program's schema: serve never migrates on its own */
    {
        cs_store *s = NULL;
        int cur = 0, latest = 0;
        if ((rc = cs_store_open(cfg->database, &s, diag)) != CS_OK) goto out;
        rc = cs_store_schema_version(s, &cur, &latest, diag);
        cs_store_close(s);
        if (rc != CS_OK) goto out;
        if (cur != latest) {
            cs__diag_add(diag, CS__ERROR, NULL, 0, 0,
                         "数据库结构版本为 %d，需要 %d：请先运行 citystar db migrate / the database is at schema %d, this program needs %d: run 'citystar db migrate'",
                         cur, latest, cur, latest);
            rc = CS_EDB;
            goto out;
        }
    }
    srv.log = !strcmp(cfg->access_log, "-") ? stderr : fopen(cfg->access_log, "a");
    if (!srv.log) {
        cs__diag_add(diag, CS__ERROR, cfg->access_log, 0, 0, "无法写入访问日志 / cannot open the access log: %s", strerror(errno));
        rc = CS_EIO;
        goto out;
    }
    struct sockaddr_in6 a6;
    struct sockaddr_in a4;
    struct sockaddr *sa;
    memset(&a6, 0, sizeof a6);
    memset(&a4, 0, sizeof a4);
    if (inet_pton(AF_INET, cfg->address, &a4.sin_addr) == 1) {
        a4.sin_family = AF_INET;
        a4.sin_port = htons((uint16_t)cfg->port);
        sa = (struct sockaddr *)&a4;
    } else if (inet_pton(AF_INET6, cfg->address, &a6.sin6_addr) == 1) {
        a6.sin6_family = AF_INET6;
        a6.sin6_port = htons((uint16_t)cfg->port);
        sa = (struct sockaddr *)&a6;
    } else {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "监听地址 '%s' 无效（需要 IP 地址）/ invalid listen address '%s'", cfg->address,
                     cfg->address);
        rc = CS_EUSAGE;
        goto out;
    }
    /* signals go to this thread only, where sigwait takes them */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (sa->sa_family == AF_INET6) flags |= MHD_USE_IPv6;
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, (uint16_t)cfg->port, NULL, NULL, on_request, &srv, MHD_OPTION_SOCK_ADDR, sa, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)(cfg->threads > 0 ? cfg->threads : 1), MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->timeout,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000, MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)0,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, &srv, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(256 * 1024),
        MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1, MHD_OPTION_END);
    if (!d) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "无法在 %s:%d 上监听（端口被占用？）/ cannot listen on %s:%d (port in use?)",
                     cfg->address, cfg->port, cfg->address, cfg->port);
        pthread_sigmask(SIG_UNBLOCK, &stop, NULL);
        rc = CS_EIO;
        goto out;
    }
    fprintf(stderr, "citystar: 服务已启动 http://%s:%d/ （%d 个工作线程）/ serving with %d worker threads\n", cfg->address,
            cfg->port, cfg->threads, cfg->threads);
    int sig = 0;
    sigwait(&stop, &sig);
    fprintf(stderr, "citystar: 收到 %s，停止接受新连接，等待处理中的请求完成 / stopping: finishing running requests\n",
            sig == SIGTERM ? "SIGTERM" : "SIGINT");
    MHD_socket ls = MHD_quiesce_daemon(d);
    if (ls != MHD_INVALID_SOCKET) close(ls);
    for (int waited = 0; waited < cfg->timeout * 10 && __atomic_load_n(&in_flight, __ATOMIC_SEQ_CST) > 0; waited++) {
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    MHD_stop_daemon(d);
    pthread_sigmask(SIG_UNBLOCK, &stop, NULL);
    fprintf(stderr, "citystar: 服务已停止 / stopped\n");
out:
    cs__server_free(&srv);
    return rc;
}
