/*
 * api.c — the JSON API under /api/ (documented in docs/api.md). Each route names the method, the
 * path, whether it needs a session, and its handler; the handler checks what the user may do
 * (authz.c) and calls the store, the import service or the engine — the same calls the CLI makes.
 * Errors are {"error": {"code": stable-code, "message": "中文 / English", "problems": [...]}};
 * lists are {"items": [...], "page": n, "per_page": n, "total": n}.
 */
#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "authz.h"
#include "io/io.h"
#include "output/output.h"
#include "planner/compare.h"
#include "planner/planner.h"
#include "planner/targets.h"
#include "report/report.h"
#include "server.h"

/* ---- Replies ----------------------------------------------------------------------------------- */

static void reply(cs__resp *resp, int status, json_t *j)
{
    char *t = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
    cs__buf_reset(&resp->body);
    if (t) {
        cs__buf_append(&resp->body, t);
    } else {
        /* a value jansson refused (text that is not UTF-8): a fixed answer, never a crash */
        status = 500;
        cs__buf_append(&resp->body, "{\"error\":{\"code\":\"internal_error\",\"message\":\"无法生成应答 / cannot encode the answer\"}}");
    }
    free(t);
    json_decref(j);
    resp->status = status;
    resp->type = "application/json";
}

/* Makes text valid UTF-8 in place: a sequence that is not (a byte from a request, a character cut
 * by a size limit) becomes '?'. */
static void utf8_repair(char *text)
{
    size_t n = strlen(text), at = 0;
    while (at < n) {
        size_t ok = cs__utf8_valid_prefix(text + at, n - at);
        at += ok;
        if (at < n) text[at++] = '?';
    }
}

static void fail(cs__resp *resp, int status, const char *code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    utf8_repair(msg);
    reply(resp, status, json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", msg));
}

/* what: "中文 / to English" */
static void forbid(cs__resp *resp, const char *what)
{
    const char *en = strstr(what, " / ");
    int zh = en ? (int)(en - what) : (int)strlen(what);
    fail(resp, 403, "forbidden", "无权%.*s / not permitted%s", zh, what, en ? en + 2 : "");
}

/* A store or service failure: the status code's HTTP meaning, the first error as the message and
 * every message as problems. */
static void fail_diag(cs__resp *resp, cs_status rc, const cs_diag *d)
{
    static const struct {
        cs_status rc;
        int http;
        const char *code;
    } map[] = {
        {CS_EDATA, 422, "invalid_data"},        {CS_ENOTFOUND, 404, "not_found"},  {CS_EUSAGE, 400, "bad_request"},
        {CS_ELOCKED, 423, "locked"},            {CS_ESTATE, 409, "invalid_state"}, {CS_ECONFLICT, 409, "conflict"},
        {CS_EAUTH, 401, "wrong_credentials"},   {CS_ELIMIT, 429, "too_many_attempts"},
        {CS_EFORBIDDEN, 403, "forbidden"},
    };
    int http = 500;
    const char *code = "internal_error";
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (map[i].rc == rc) http = map[i].http, code = map[i].code;
    /* errors are the problems; warnings (which may quote other regions' figures) are left out */
    json_t *problems = json_array();
    const char *first = NULL;
    for (size_t i = 0; i < cs_diag_count(d); i++) {
        if (!cs__diag_is_error(d, i)) continue;
        const char *t = cs_diag_text(d, i);
        json_t *js = json_string(t);
        if (!js) js = json_string("（无法显示的消息 / unprintable message）");
        else if (!first) first = t;
        json_array_append_new(problems, js);
    }
    if (http == 500 && rc == CS_EDB) code = "database_error";
    reply(resp, http,
          json_pack("{s:{s:s, s:s, s:o}}", "error", "code", code, "message", first ? first : cs_status_message(rc), "problems",
                    problems));
    if (rc == CS_ELIMIT) resp->retry_after = CS_LOGIN_WINDOW;
}

static json_t *parse_body(const cs__req *req, cs__resp *resp)
{
    if (!req->content_type || strncmp(req->content_type, "application/json", 16)) {
        fail(resp, 415, "unsupported_media_type", "请求内容须为 JSON（Content-Type: application/json）/ send JSON");
        return NULL;
    }
    json_error_t err;
    json_t *j = json_loadb(req->body, req->body_len, 0, &err);
    if (!j || !json_is_object(j)) {
        if (j) fail(resp, 400, "bad_json", "请求内容须为 JSON 对象 / the body must be a JSON object");
        else fail(resp, 400, "bad_json", "JSON 格式错误（第 %d 行第 %d 列）：%s / malformed JSON", err.line, err.column, err.text);
        json_decref(j);
        return NULL;
    }
    return j;
}

static const char *jstr(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

typedef struct {
    size_t page, per_page, skip, total;
    json_t *items;
} pager;

static void pager_init(const cs__req *req, pager *p)
{
    const char *a = cs__req_arg(req, "page"), *b = cs__req_arg(req, "per_page");
    long page = a ? atol(a) : 1, per = b ? atol(b) : 50;
    p->page = page < 1 ? 1 : (size_t)page;
    p->per_page = per < 1 ? 1 : per > 500 ? 500 : (size_t)per;
    p->skip = (p->page - 1) * p->per_page;
    p->total = 0;
    p->items = json_array();
}

/* Counts an item; returns whether it is on the page. */
static int pager_take(pager *p)
{
    size_t i = p->total++;
    return i >= p->skip && i < p->skip + p->per_page;
}

static void pager_reply(cs__resp *resp, pager *p)
{
    reply(resp, 200, json_pack("{s:o, s:I, s:I, s:I}", "items", p->items, "page", (json_int_t)p->page, "per_page",
                               (json_int_t)p->per_page, "total", (json_int_t)p->total));
}

/* The pager's items as the answer, or the failure rc (the items are dropped). */
static void pager_finish(cs__resp *resp, pager *p, cs_status rc, const cs_diag *d)
{
    if (rc == CS_OK) {
        pager_reply(resp, p);
        return;
    }
    json_decref(p->items);
    fail_diag(resp, rc, d);
}

static const cs_plan *plan_of(const cs__req *req, const char *id)
{
    for (int i = 0; id && i < req->srv->nfws; i++)
        if (!strcmp(req->srv->fws[i]->id, id)) return req->srv->plans[i];
    return NULL;
}

static const cs_plan *need_plan(const cs__req *req, cs__resp *resp, const char *id)
{
    const cs_plan *p = plan_of(req, id);
    if (!p) fail(resp, 404, "not_found", "没有框架 '%s' / no framework '%s'", id ? id : "", id ? id : "");
    return p;
}

static json_t *user_json(const cs__user *u)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)u->id, "login", u->login, "name", u->name, "role",
                     u->role, "region", u->region, "department", u->department);
}

static json_t *account_json(const cs_account *a)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s}", "id", (json_int_t)a->id, "login", a->login, "name",
                     a->name, "role", a->role, "region", a->region, "department", a->department, "active", a->active,
                     "created_at", a->created_at, "changed_at", a->changed_at);
}

static void copy_user(cs__user *u, const cs_account *a, const char *csrf)
{
    u->logged_in = 1;
    u->id = a->id;
    snprintf(u->login, sizeof u->login, "%s", a->login);
    snprintf(u->name, sizeof u->name, "%s", a->name);
    snprintf(u->role, sizeof u->role, "%s", a->role);
    snprintf(u->region, sizeof u->region, "%s", a->region);
    snprintf(u->department, sizeof u->department, "%s", a->department);
    snprintf(u->csrf, sizeof u->csrf, "%s", csrf);
}

/* ---- Session ------------------------------------------------------------------------------------ */

static void session_cookie(const cs__req *req, cs__resp *resp, const char *token, long max_age)
{
    char c[256];
    snprintf(c, sizeof c, "citystar_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%ld%s", token, max_age,
             req->secure ? "; Secure" : "");
    resp->set_cookie[0] = cs__xstrdup(c);
}

/* The element codes a reporter may write (the elements of indicators its department leads). */
static json_t *writable_elements(const cs__req *req)
{
    json_t *list = json_array();
    size_t n = strlen(req->user.department);
    const cs__strmap *m = &req->srv->dept_elements;
    for (size_t i = 0; n && i < m->n; i++)
        if (!strncmp(m->keys[i], req->user.department, n) && m->keys[i][n] == '\x1f')
            json_array_append_new(list, json_string(m->keys[i] + n + 1));
    return list;
}

/* The answer to a login and to GET /api/session: the account, its CSRF token and, for a
 * reporter, the elements it may write. */
static json_t *session_json(const cs__req *req)
{
    json_t *j = json_pack("{s:o, s:s}", "user", user_json(&req->user), "csrf", req->user.csrf);
    if (!strcmp(req->user.role, CS_ROLE_REPORTER)) json_object_set_new(j, "writable_elements", writable_elements(req));
    return j;
}

static void h_login(cs__req *req, cs__resp *resp)
{
    json_t *b = parse_body(req, resp);
    if (!b) return;
    const char *login = jstr(b, "login"), *password = jstr(b, "password");
    if (!login || !password) {
        fail(resp, 400, "bad_request", "需要 login 和 password / login and password are required");
        json_decref(b);
        return;
    }
    char token[65], csrf[65];
    cs_account a;
    cs_diag *d = cs_diag_new();
    int64_t ttl = (int64_t)req->srv->cfg.session_hours * 3600;
    cs_status rc = cs_store_login(req->store, login, password, ttl, token, csrf, &a, d);
    if (rc != CS_OK) {
        fail_diag(resp, rc, d);
    } else {
        copy_user(&req->user, &a, csrf);
        session_cookie(req, resp, token, (long)ttl);
        reply(resp, 200, session_json(req));
    }
    cs_diag_free(d);
    json_decref(b);
}

static void h_me(cs__req *req, cs__resp *resp)
{
    reply(resp, 200, session_json(req));
}

static void h_logout(cs__req *req, cs__resp *resp)
{
    cs_diag *d = cs_diag_new();
    cs_status rc = cs_store_logout(req->store, req->session, req->user.login, d);
    if (rc != CS_OK) fail_diag(resp, rc, d);
    else {
        session_cookie(req, resp, "", 0);
        reply(resp, 200, json_pack("{s:b}", "ok", 1));
    }
    cs_diag_free(d);
}

/* POST /api/session/password {"current", "password"}: one's own password; every session ends. */
static void h_password(cs__req *req, cs__resp *resp)
{
    json_t *b = parse_body(req, resp);
    if (!b) return;
    const char *cur = jstr(b, "current"), *pw = jstr(b, "password");
    if (!cur || !pw) {
        fail(resp, 400, "bad_request", "需要 current 和 password / current and password are required");
    } else {
        cs_diag *d = cs_diag_new();
        cs_status rc = cs_store_change_password(req->store, req->user.id, cur, pw, d);
        if (rc != CS_OK) {
            fail_diag(resp, rc, d);
        } else {
            session_cookie(req, resp, "", 0);
            reply(resp, 200, json_pack("{s:b, s:s}", "ok", 1, "message", "密码已修改，请重新登录 / password changed: log in again"));
        }
        cs_diag_free(d);
    }
    json_decref(b);
}

static void h_health(cs__req *req, cs__resp *resp)
{
    int cur = 0, latest = 0;
    cs_diag *d = cs_diag_new();
    cs_status rc = cs_store_schema_version(req->store, &cur, &latest, d);
    if (rc != CS_OK) fail_diag(resp, rc, d);
    else
        reply(resp, 200, json_pack("{s:s, s:s, s:i, s:i}", "status", "ok", "backend", cs_store_backend(req->store), "schema",
                                   cur, "frameworks", req->srv->nfws));
    cs_diag_free(d);
}

/* ---- Frameworks ------------------------------------------------------------------------------ */

/* The rating names of a framework, lowest first (an empty array for a monitor). */
static json_t *rating_names(const cs_framework *fw)
{
    json_t *a = json_array();
    for (int r = 0; r < fw->nratings; r++) json_array_append_new(a, json_string(fw->ratings[r].name));
    return a;
}

static void h_frameworks(cs__req *req, cs__resp *resp)
{
    json_t *items = json_array();
    for (int i = 0; i < req->srv->nfws; i++) {
        const cs_framework *fw = req->srv->fws[i];
        static const char *scoring[] = {"points", "weighted", "monitor"};
        json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s, s:i, s:f, s:i, s:s, s:o}", "id", fw->id, "title",
                                               fw->title, "issuer", fw->issuer ? fw->issuer : "", "region_level",
                                               fw->region_level, "indicators", fw->nindicators, "max_score",
                                               fw->max_score, "year", fw->year, "scoring", scoring[fw->scoring],
                                               "ratings", rating_names(fw)));
    }
    reply(resp, 200, json_pack("{s:o}", "items", items));
}

static void h_framework(cs__req *req, cs__resp *resp, const char *id)
{
    const cs_plan *plan = need_plan(req, resp, id);
    if (!plan) return;
    json_t *j = cs__json_framework(plan->fw);
    json_t *inds = json_object_get(j, "indicators");
    for (size_t i = 0; json_is_array(inds) && i < json_array_size(inds); i++)
        json_object_set_new(json_array_get(inds, i), "qualitative", json_boolean(cs__indicator_qualitative(plan->fw, (int)i)));
    reply(resp, 200, j);
}

/* The periods (years) that have figures in the store, oldest first: what the UI offers. */
static void h_periods(cs__req *req, cs__resp *resp)
{
    char **ps = NULL;
    size_t n = 0;
    cs_diag *d = cs_diag_new();
    cs_status rc = cs_store_periods(req->store, &ps, &n, d);
    if (rc != CS_OK) fail_diag(resp, rc, d);
    else {
        json_t *items = json_array();
        for (size_t i = 0; i < n; i++) {
            json_array_append_new(items, json_string(ps[i]));
            free(ps[i]);
        }
        free(ps);
        reply(resp, 200, json_pack("{s:o}", "items", items));
    }
    cs_diag_free(d);
}

/* ---- Regions ------------------------------------------------------------------------------------- */

static json_t *region_json(const cs_region *r)
{
    return json_pack("{s:s, s:s, s:s, s:o, s:s}", "code", r->code, "name", r->name, "level", r->level, "parent",
                     r->parent ? json_string(r->parent) : json_null(), "kind", r->kind ? r->kind : "gb2260");
}

typedef struct {
    pager *p;
    const char *q, *level, *parent;
} region_list;

static int list_region(void *ctx, const cs_region *r)
{
    region_list *c = ctx;
    if (c->parent && (!r->parent || strcmp(r->parent, c->parent))) return 0;
    if (c->level && strcmp(r->level, c->level)) return 0;
    if (c->q && !strstr(r->name, c->q) && strncmp(r->code, c->q, strlen(c->q))) return 0;
    if (pager_take(c->p)) json_array_append_new(c->p->items, region_json(r));
    return 0;
}

static void h_regions(cs__req *req, cs__resp *resp)
{
    /* children of parent (default: the user's own region and its children); with q, a search of
     * the whole subtree by name or code prefix */
    const char *parent = cs__req_arg(req, "parent"), *q = cs__req_arg(req, "q"), *level = cs__req_arg(req, "level");
    const char *root = parent ? parent : req->user.region;
    if (!cs__in_scope(req, root)) {
        forbid(resp, "查看该地区 / to read this region");
        return;
    }
    pager p;
    pager_init(req, &p);
    region_list c = {&p, q && *q ? q : NULL, level, NULL};
    cs_diag *d = cs_diag_new();
    cs_status rc;
    if (c.q || level) {
        rc = cs_store_regions(req->store, root, NULL, list_region, &c, d);
    } else {
        cs_region r;
        rc = cs_store_region(req->store, root, &r, d);
        const char *max = NULL;
        static const char *const levels[] = {"province", "city", "county", "street", "community"};
        int rank = rc == CS_OK ? cs_region_level_rank(r.level) : -1;
        max = rank >= 0 && rank < 4 ? levels[rank + 1] : levels[4];
        if (rc == CS_OK) {
            if (!parent && pager_take(&p)) json_array_append_new(p.items, region_json(&r));
            c.parent = root;
            rc = cs_store_regions(req->store, root, max, list_region, &c, d);
        }
    }
    pager_finish(resp, &p, rc, d);
    cs_diag_free(d);
}

static void h_region(cs__req *req, cs__resp *resp, const char *code)
{
    cs_diag *d = cs_diag_new();
    cs_region r;
    char up_start[64] = "";
    cs_status rc = cs_store_region(req->store, code, &r, d);
    /* the region as JSON before the scope check reuses the store's buffers */
    json_t *j = rc == CS_OK ? region_json(&r) : NULL;
    if (rc == CS_ENOTFOUND) {
        fail(resp, 404, "not_found", "没有地区 %s / no region %s", code, code);
    } else if (rc != CS_OK) {
        fail_diag(resp, rc, d);
    } else if (!cs__in_scope(req, code)) {
        json_decref(j);
        forbid(resp, "查看该地区 / to read this region");
    } else {
        snprintf(up_start, sizeof up_start, "%s", jstr(j, "parent") ? jstr(j, "parent") : "");
        /* the path from the province down, for breadcrumbs */
        json_t *path = json_array();
        char up[64];
        snprintf(up, sizeof up, "%s", up_start);
        while (*up && cs_store_region(req->store, up, &r, d) == CS_OK) {
            json_array_insert_new(path, 0, json_pack("{s:s, s:s, s:s}", "code", r.code, "name", r.name, "level", r.level));
            snprintf(up, sizeof up, "%s", r.parent ? r.parent : "");
        }
        json_object_set_new(j, "path", path);
        reply(resp, 200, j);
    }
    cs_diag_free(d);
}

static int region_exists(const cs__req *req, const char *code)
{
    cs_region r;
    cs_diag *quiet = cs_diag_new();
    int found = cs_store_region(req->store, code, &r, quiet) == CS_OK;
    cs_diag_free(quiet);
    return found;
}

static void h_region_add(cs__req *req, cs__resp *resp)
{
    json_t *b = parse_body(req, resp);
    if (!b) return;
    cs_region r = {jstr(b, "code"), jstr(b, "name"), jstr(b, "level"), jstr(b, "parent"), "manual"};
    if (!r.code || !r.name || !r.level || !r.parent) {
        fail(resp, 400, "bad_request", "需要 code、name、level 和 parent / code, name, level and parent are required");
    } else if (!cs__is_admin(&req->user) || !cs__in_scope(req, r.parent)) {
        forbid(resp, "在该地区下添加地区 / to add a region there");
    } else if (region_exists(req, r.code)) {
        fail(resp, 409, "conflict", "地区代码 %s 已存在：接口只能新增地区，不能修改已有地区 / region %s exists: the API adds regions, it does not change them",
             r.code, r.code);
    } else {
        cs_diag *d = cs_diag_new();
        size_t added = 0, updated = 0;
        cs_status rc = cs_store_put_regions(req->store, &r, 1, "api", req->user.login, &added, &updated, d);
        if (rc != CS_OK) fail_diag(resp, rc, d);
        else reply(resp, added ? 201 : 200, json_pack("{s:o, s:I, s:I}", "region", region_json(&r), "added", (json_int_t)added,
                                                        "updated", (json_int_t)updated));
        cs_diag_free(d);
    }
    json_decref(b);
}

/* The required region argument when it is in the user's scope; otherwise replies (400 or 403 with
 * what: "中文 / to English") and returns NULL. */
static const char *scoped_region(cs__req *req, cs__resp *resp, const char *what)
{
    const char *region = cs__req_arg(req, "region");
    if (!region) fail(resp, 400, "bad_request", "需要 region 参数 / the region argument is required");
    else if (!cs__in_scope(req, region)) forbid(resp, what);
    else return region;
    return NULL;
}

/* ---- Values -------------------------------------------------------------------------------------- */

static json_t *value_json(const cs_value *v)
{
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "revision", (json_int_t)v->revision, "region",
                          v->region, "period", v->period, "element", v->element, "state", v->state, "actor", v->actor, "at",
                          v->at, "source_kind", v->source_kind, "source_name", v->source_name);
    json_object_set_new(j, "value", v->is_missing ? json_null() : json_real(v->value));
    if (v->is_missing) json_object_set_new(j, "missing", json_string(v->missing_reason ? v->missing_reason : ""));
    if (v->note && *v->note) json_object_set_new(j, "note", json_string(v->note));
    if (v->source_row) json_object_set_new(j, "source_row", json_integer(v->source_row));
    return j;
}

typedef struct {
    pager *p;
    json_t *list; /* without paging */
    const char *state; /* only values in this state, or NULL */
} value_list;

static int list_value(void *ctx, const cs_value *v)
{
    value_list *c = ctx;
    if (c->state && strcmp(v->state, c->state)) return 0;
    if (c->list) json_array_append_new(c->list, value_json(v));
    else if (pager_take(c->p)) json_array_append_new(c->p->items, value_json(v));
    return 0;
}

static void h_values(cs__req *req, cs__resp *resp)
{
    const char *region = scoped_region(req, resp, "查看该地区的数据 / to read this region's data");
    if (!region) return;
    pager p;
    pager_init(req, &p);
    value_list c = {&p, NULL, cs__req_arg(req, "state")};
    const char *exact = cs__req_arg(req, "exact");
    cs_value_query q = {region, cs__req_arg(req, "period"), cs__req_arg(req, "element"), 0, 0, exact && !strcmp(exact, "1")};
    cs_diag *d = cs_diag_new();
    cs_status rc = cs_store_values(req->store, &q, list_value, &c, d);
    pager_finish(resp, &p, rc, d);
    cs_diag_free(d);
}

static void h_history(cs__req *req, cs__resp *resp)
{
    const char *region = cs__req_arg(req, "region"), *period = cs__req_arg(req, "period"), *element = cs__req_arg(req, "element");
    if (!region || !period || !element) {
        fail(resp, 400, "bad_request", "需要 region、period 和 element 参数 / region, period and element are required");
        return;
    }
    if (!cs__in_scope(req, region)) {
        forbid(resp, "查看该地区的数据 / to read this region's data");
        return;
    }
    value_list c = {NULL, json_array(), NULL};
    cs_value_query q = {region, period, element, 0, 1, 1}; /* only the region itself, not those below it */
    cs_diag *d = cs_diag_new();
    cs_status rc = cs_store_values(req->store, &q, list_value, &c, d);
    json_t *items = c.list;
    if (rc != CS_OK) {
        json_decref(items);
        fail_diag(resp, rc, d);
    } else {
        reply(resp, 200, json_pack("{s:o}", "items", items));
    }
    cs_diag_free(d);
}

/* Refuses values the user may not write (called by the import service for every value). */
static const char *allow_value(void *ctx, const cs_value_in *v)
{
    const cs__req *req = ctx;
    if (cs__may_write_value(req, v->region, v->element)) return NULL;
    if (!strcmp(req->user.role, CS_ROLE_REPORTER) && cs__in_scope(req, v->region))
        return "无权填报该数据项：它不属于本部门牵头的指标 / not permitted: the element belongs to no indicator your department leads";
    return "无权填报该地区的数据 / not permitted to write this region's data";
}

static void import_reply(cs__resp *resp, cs_status rc, const cs__import_result *res, cs_diag *d, int dry)
{
    if (rc != CS_OK) {
        fail_diag(resp, rc, d);
        return;
    }
    json_t *warnings = json_array();
    for (size_t i = 0; i < cs_diag_count(d); i++) json_array_append_new(warnings, json_string(cs_diag_text(d, i)));
    reply(resp, 200, json_pack("{s:I, s:I, s:I, s:I, s:I, s:b, s:o}", "values", (json_int_t)res->values, "added",
                               (json_int_t)res->put.added, "changed", (json_int_t)res->put.changed, "unchanged",
                               (json_int_t)res->put.unchanged, "not_reported", (json_int_t)res->empty, "dry_run", dry,
                               "warnings", warnings));
}

/* The rows of a values array as a table with the header of a data file, row N = item N. */
static void table_from_values(json_t *vals, cs__table *t)
{
    static const char *const header[] = {"region", "period", "element", "value", "note"};
    cs__table_row hr = {cs__xcalloc(5, sizeof(char *)), 5, 0};
    for (int k = 0; k < 5; k++) hr.cells[k] = cs__xstrdup(header[k]);
    cs__vec_push(&t->rows, hr);
    for (size_t i = 0; i < json_array_size(vals); i++) {
        json_t *v = json_array_get(vals, i);
        cs__table_row row = {cs__xcalloc(5, sizeof(char *)), 5, (int)i + 1};
        const char *keys[] = {"region", "period", "element"};
        for (int k = 0; k < 3; k++) {
            json_t *x = json_object_get(v, keys[k]);
            char num[32] = "";
            if (json_is_integer(x)) snprintf(num, sizeof num, "%lld", (long long)json_integer_value(x));
            row.cells[k] = cs__xstrdup(json_is_string(x) ? json_string_value(x) : num);
        }
        json_t *val = json_object_get(v, "value");
        char num[40] = "";
        const char *text = num;
        if (json_is_number(val)) snprintf(num, sizeof num, "%.17g", json_number_value(val));
        else if (json_is_boolean(val)) text = json_is_true(val) ? "是" : "否";
        else if (json_is_string(val)) text = json_string_value(val);
        else if (jstr(v, "missing")) text = jstr(v, "missing");
        row.cells[3] = cs__xstrdup(text);
        row.cells[4] = cs__xstrdup(jstr(v, "note") ? jstr(v, "note") : "");
        cs__vec_push(&t->rows, row);
    }
}

/* POST /api/values {"values": [{"region", "period", "element", "value" | "missing", "note"}],
 * "note": …}: the rows go through the same checks as a file import; problems are named
 * values:N:column with N the item (1 = first). */
static void h_values_write(cs__req *req, cs__resp *resp)
{
    json_t *b = parse_body(req, resp);
    if (!b) return;
    json_t *vals = json_object_get(b, "values");
    if (!json_is_array(vals) || !json_array_size(vals)) {
        fail(resp, 400, "bad_request", "需要非空的 values 数组 / a non-empty values array is required");
        json_decref(b);
        return;
    }
    cs__table t = {0};
    table_from_values(vals, &t);
    int dry = json_is_true(json_object_get(b, "dry_run"));
    cs__import_opts o = {NULL, req->user.login, jstr(b, "note"), dry, NULL, NULL, "api", allow_value, req};
    cs__import_result res;
    cs_diag *d = cs_diag_new();
    cs_status rc = cs__import_tables(req->store, &req->srv->cat, "values", &t, 1, NULL, &o, &res, d);
    import_reply(resp, rc, &res, d, dry);
    cs_diag_free(d);
    cs__table_clear(&t);
    json_decref(b);
}

/* POST /api/values/submit {"region","period","elements":[...],"note"}: a reporter (or an admin)
 * hands in figures it may write: their draft and returned values move to submitted (所有或全不).
 * Submitted figures are read-only for reporters; a round's return reopens them. */
static void h_values_submit(cs__req *req, cs__resp *resp)
{
    json_t *b = parse_body(req, resp);
    if (!b) return;
    const char *region = jstr(b, "region"), *period = jstr(b, "period");
    json_t *els = json_object_get(b, "elements");
    size_t n = json_array_size(els);
    if (!region || !period || !json_is_array(els) || !n || n > 10000) {
        fail(resp, 400, "bad_request",
             "需要 region、period 和非空的 elements 数组 / region, period and a non-empty elements array are required");
        json_decref(b);
        return;
    }
    const char **codes = cs__xcalloc(n, sizeof *codes);
    for (size_t i = 0; i < n; i++) {
        const char *e = json_string_value(json_array_get(els, i));
        if (!e || !cs__catalog_find(&req->srv->cat, e, NULL)) {
            fail(resp, 422, "invalid_data", "elements:%zu: 未知的数据项 / unknown element", i + 1);
            goto out;
        }
        if (!cs__may_write_value(req, region, e)) {
            fail(resp, 403, "forbidden", "elements:%zu: 无权提交该数据项（%s，%s）/ not permitted to submit %s for %s", i + 1, e,
                 region, e, region);
            goto out;
        }
        codes[i] = e;
    }
    {
        size_t moved = 0;
        cs_diag *d = cs_diag_new();
        cs_status rc = cs_store_set_states(req->store, region, period, codes, n, CS_STATE_SUBMITTED, req->user.login,
                                           jstr(b, "note"), &moved, d);
        if (rc != CS_OK) fail_diag(resp, rc, d);
        else {
            reply(resp, 200, json_pack("{s:I}", "moved", (json_int_t)moved));
        }
        cs_diag_free(d);
    }
out:
    free(codes);
    json_decref(b);
}

/* POST /api/imports?name=FILE: a filled template (XLSX) or CSV file as the body. */
static void h_import(cs__req *req, cs__resp *resp)
{
    const char *name = cs__req_arg(req, "name");
    if (!req->body_len) {
        fail(resp, 400, "bad_request", "请求内容为空：请上传文件 / the body is empty: upload a file");
        return;
    }
    const char *dry = cs__req_arg(req, "dry_run");
    cs__import_opts o = {cs__req_arg(req, "encoding"), req->user.login, cs__req_arg(req, "note"), dry && !strcmp(dry, "1"),
                         NULL, NULL, "file", allow_value, req};
    cs__import_result res;
    cs_diag *d = cs_diag_new();
    cs_status rc = cs__import_buffer(req->store, &req->srv->cat, name && *name ? name : "upload", req->body, req->body_len, &o,
                                     &res, d);
    import_reply(resp, rc, &res, d, o.dry_run);
    cs_diag_free(d);
}

/* ---- Evidence ------------------------------------------------------------------------------------- */

static json_t *evidence_json(const cs_evidence *e)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)e->id, "sha256",
                     e->sha256, "file_name", e->file_name, "media_type", e->media_type, "size", (json_int_t)e->size, "region",
                     e->region, "period", e->period, "element", e->element, "indicator", e->indicator, "framework",
                     e->framework, "actor", e->actor, "at", e->at, "note", e->note ? e->note : "");
}

/* Whether the user may attach evidence to an indicator: a reporter of its lead department, or
 * an admin who may write its region's data. */
static int may_attach_indicator(const cs__req *req, const char *region, const char *framework, const char *indicator)
{
    const cs_plan *plan = plan_of(req, framework);
    if (!plan) return 0;
    int i = cs__fw_indicator_index(plan->fw, indicator);
    if (i < 0) return 0;
    if (strcmp(req->user.role, CS_ROLE_REPORTER)) return cs__may_write_value(req, region, NULL) || (cs__is_admin(&req->user) &&
                                                                                                     cs__in_scope(req, region) &&
                                                                                                     !strcmp(req->user.role, CS_ROLE_COUNTY_ADMIN));
    const cs__indicator *ind = &plan->fw->indicators[i];
    for (int k = 0; k < ind->ndepartments; k++)
        if (!strcmp(ind->departments[k], req->user.department)) return cs__in_scope(req, region);
    return 0;
}

static void h_evidence_add(cs__req *req, cs__resp *resp)
{
    const char *region = cs__req_arg(req, "region"), *period = cs__req_arg(req, "period");
    const char *element = cs__req_arg(req, "element"), *indicator = cs__req_arg(req, "indicator");
    const char *framework = cs__req_arg(req, "framework"), *name = cs__req_arg(req, "name");
    if (!region || !period || !name || (!element && !(indicator && framework))) {
        fail(resp, 400, "bad_request",
             "需要 region、period、name，以及 element 或 framework+indicator 参数 / region, period, name and element or framework+indicator are required");
        return;
    }
    if (!req->body_len) {
        fail(resp, 400, "bad_request", "文件为空 / the file is empty");
        return;
    }
    /* an element must be one some framework declares; a named indicator is checked too */
    int ok = (!element || (cs__catalog_find(&req->srv->cat, element, NULL) && cs__may_write_value(req, region, element))) &&
             (!(indicator || framework) || may_attach_indicator(req, region, framework, indicator));
    if (!ok) {
        forbid(resp, "为该数据项或指标上传证明材料 / to attach evidence there");
        return;
    }
    cs_diag *d = cs_diag_new();
    int64_t id = 0;
    const char *type = req->content_type && strncmp(req->content_type, "application/json", 16) ? req->content_type : NULL;
    cs_status rc = cs_store_add_evidence(req->store, req->body, req->body_len, name, type, region, period, element, indicator,
                                         framework, req->user.login, cs__req_arg(req, "note"), &id, d);
    if (rc != CS_OK) fail_diag(resp, rc, d);
    else reply(resp, 201, json_pack("{s:I}", "id", (json_int_t)id));
    cs_diag_free(d);
}

static int list_evidence(void *ctx, const cs_evidence *e)
{
    json_array_append_new(ctx, evidence_json(e));
    return 0;
}

static void h_evidence_list(cs__req *req, cs__resp *resp)
{
    const char *region = scoped_region(req, resp, "查看该地区的证明材料 / to read this region's evidence");
    if (!region) return;
    json_t *items = json_array();
    cs_diag *d = cs_diag_new();
    cs_status rc = cs_store_evidence(req->store, region, cs__req_arg(req, "period"), list_evidence, items, d);
    if (rc != CS_OK) {
        json_decref(items);
        fail_diag(resp, rc, d);
    } else {
        reply(resp, 200, json_pack("{s:o}", "items", items));
    }
    cs_diag_free(d);
}

typedef struct {
    char region[64], name[512], type[128];
} evidence_meta;

static int keep_meta(void *ctx, const cs_evidence *e)
{
    evidence_meta *m = ctx;
    snprintf(m->region, sizeof m->region, "%s", e->region);
    snprintf(m->name, sizeof m->name, "%s", e->file_name);
    snprintf(m->type, sizeof m->type, "%s", e->media_type);
    return 0;
}

/* Keeps a content type in the response (it outlives the request's buffers). */
static const char *resp_type_copy(cs__resp *resp, const char *type)
{
    free(resp->owned_type);
    resp->owned_type = cs__xstrdup(*type ? type : "application/octet-stream");
    return resp->owned_type;
}

static void h_evidence_get(cs__req *req, cs__resp *resp, const char *id)
{
    void *bytes = NULL;
    size_t n = 0;
    evidence_meta m = {"", "", ""};
    cs_diag *d = cs_diag_new();
    cs_status rc = cs_store_evidence_content(req->store, atoll(id), &bytes, &n, keep_meta, &m, d);
    if (rc != CS_OK) {
        fail_diag(resp, rc, d);
    } else if (!cs__in_scope(req, m.region)) {
        forbid(resp, "下载该证明材料 / to download this evidence");
    } else {
        cs__buf_reset(&resp->body);
        cs__buf_appendn(&resp->body, bytes, n);
        resp->status = 200;
        resp->type = resp_type_copy(resp, m.type);
        /* the name as UTF-8 (RFC 5987); the ASCII fallback keeps only safe characters */
        cs__buf disp = {0};
        cs__buf_append(&disp, "attachment; filename=\"evidence\"; filename*=UTF-8''");
        for (const unsigned char *p = (const unsigned char *)m.name; *p; p++) {
            if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr(".-_", *p))
                cs__buf_appendn(&disp, (const char *)p, 1);
            else cs__buf_printf(&disp, "%%%02X", *p);
        }
        resp->disposition = cs__xstrdup(cs__buf_str(&disp));
        cs__buf_free(&disp);
    }
    free(bytes);
    cs_diag_free(d);
}

/* ---- Downloads ------------------------------------------------------------------------------------ */

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* Reads the file at path into the response body; reports to d when it cannot. */
static cs_status body_from_file(cs__resp *resp, const char *path, cs_diag *d)
{
    FILE *f = fopen(path, "rb");
    char chunk[65536];
    size_t n;
    cs__buf_reset(&resp->body);
    while (f && (n = fread(chunk, 1, sizeof chunk, f)) > 0) cs__buf_appendn(&resp->body, chunk, n);
    cs_status rc = CS_OK;
    if (!f || ferror(f)) {
        cs__diag_add(d, CS__ERROR, NULL, 0, 0, "无法读取生成的文件 / cannot read the file written");
        rc = CS_EIO;
    }
    if (f) fclose(f);
    return rc;
}

/* Marks the response as a download named name (already safe ASCII). */
static void attach(cs__resp *resp, const char *type, const char *name)
{
    cs__buf disp = {0};
    cs__buf_printf(&disp, "attachment; filename=\"%s\"", name);
    resp->status = 200;
    resp->type = type;
    resp->disposition = cs__xstrdup(cs__buf_str(&disp));
    cs__buf_free(&disp);
}

/* ---- The data-entry template ------------------------------------------------------------------- */

/* GET /api/template?framework=&region=&period=: the XLSX data-entry workbook (one sheet per lead
 * department) for the regions of the framework's level at or below region, as `citystar template
 * --format xlsx` writes it; filled in, it goes back through POST /api/imports. */
static void h_template(cs__req *req, cs__resp *resp)
{
    const char *fwid = cs__req_arg(req, "framework"), *region = cs__req_arg(req, "region"), *period = cs__req_arg(req, "period");
    if (!fwid || !region || !period) {
        fail(resp, 400, "bad_request", "需要 framework、region 和 period 参数 / framework, region and period are required");
        return;
    }
    const cs_plan *plan = need_plan(req, resp, fwid);
    if (!plan) return;
    if (!cs__in_scope(req, region)) {
        forbid(resp, "下载该地区的填报模板 / to download this region's template");
        return;
    }
    const cs_framework *fw = plan->fw;
    cs__arena arena = {0};
    cs__region_ref *refs = NULL;
    size_t nrefs = 0;
    cs_diag *d = cs_diag_new();
    char path[] = "/tmp/citystar-template-XXXXXX";
    int fd = -1;
    cs_status rc = cs__template_regions(req->store, region, fw->region_level, &arena, &refs, &nrefs, d);
    if (rc == CS_OK && (fd = mkstemp(path)) < 0) {
        cs__diag_add(d, CS__ERROR, NULL, 0, 0, "无法创建临时文件 / cannot create a temporary file");
        rc = CS_EIO;
    }
    if (rc == CS_OK) rc = cs__template_write_xlsx(path, fw, refs, nrefs, period, NULL, NULL, d);
    if (rc == CS_OK) rc = body_from_file(resp, path, d);
    if (rc != CS_OK) fail_diag(resp, rc, d);
    else {
        /* the file is named by framework, region and period, kept to safe ASCII characters */
        cs__buf name = {0};
        cs__buf_printf(&name, "%s-%s-%s.xlsx", fw->id, region, period);
        for (char *p = name.s; *p; p++)
            if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr(".-_", *p))) *p = '_';
        attach(resp, XLSX_TYPE, name.s);
        cs__buf_free(&name);
    }
    if (fd >= 0) {
        close(fd);
        unlink(path);
    }
    free(refs);
    cs__arena_release(&arena);
    cs_diag_free(d);
}

/* ---- Reports ------------------------------------------------------------------------------------ */

/* GET /api/report?region=&period=[&format=pdf|xlsx|json][&kind=region|summary][&level=][&framework=]
 * [&target=][&approved_only=1][&live=1]: the assessment report `citystar report` writes, for a
 * region in the account's subtree (a summary ranks regions below it, so inside the subtree too). */
static void h_report(cs__req *req, cs__resp *resp)
{
    const char *region = cs__req_arg(req, "region"), *period = cs__req_arg(req, "period");
    const char *format = cs__req_arg(req, "format");
    if (!format || !*format) format = "pdf";
    if (!region || !*region || !period || !*period) {
        fail(resp, 400, "bad_request", "需要 region 和 period 参数 / region and period are required");
        return;
    }
    if (strcmp(format, "pdf") && strcmp(format, "xlsx") && strcmp(format, "json")) {
        fail(resp, 400, "bad_request", "format 应为 pdf、xlsx 或 json / unknown format '%s'", format);
        return;
    }
    if (!cs__in_scope(req, region)) {
        forbid(resp, "查看该地区的评估报告 / to read this region's report");
        return;
    }
    const char *approved = cs__req_arg(req, "approved_only"), *live = cs__req_arg(req, "live");
    const char *fwid = cs__req_arg(req, "framework"), *kind = cs__req_arg(req, "kind"), *level = cs__req_arg(req, "level");
    const char *target = cs__req_arg(req, "target");
    cs__report_opts o = {region,
                         period,
                         fwid && *fwid ? fwid : NULL,
                         kind && *kind ? kind : NULL,
                         level && *level ? level : NULL,
                         target && *target ? target : NULL,
                         approved && !strcmp(approved, "1"),
                         live && !strcmp(live, "1")};
    json_t *doc = NULL;
    cs_diag *d = cs_diag_new();
    cs__buf name = {0};
    char path[] = "/tmp/citystar-report-XXXXXX";
    int fd = -1;
    cs_status rc = cs__report_build(req->store, req->srv->fws, req->srv->nfws, &o, &doc, d);
    if (rc == CS_OK) cs__report_file_name(doc, format, &name);
    if (rc == CS_OK && !strcmp(format, "json")) {
        reply(resp, 200, doc);
        doc = NULL;
    } else if (rc == CS_OK && !strcmp(format, "pdf")) {
        if ((rc = cs__report_pdf(doc, &resp->body, d)) == CS_OK) attach(resp, "application/pdf", name.s);
    } else if (rc == CS_OK) {
        if ((fd = mkstemp(path)) < 0) {
            cs__diag_add(d, CS__ERROR, NULL, 0, 0, "无法创建临时文件 / cannot create a temporary file");
            rc = CS_EIO;
        }
        if (rc == CS_OK) rc = cs__report_xlsx(doc, path, d);
        if (rc == CS_OK) rc = body_from_file(resp, path, d);
        if (rc == CS_OK) attach(resp, XLSX_TYPE, name.s);
    }
    if (rc != CS_OK) fail_diag(resp, rc, d);
    if (fd >= 0) {
        close(fd);
        unlink(path);
    }
    json_decref(doc);
    cs__buf_free(&name);
    cs_diag_free(d);
}

/* ---- Scores ---------------------------------------------------------------------------------- */

static int score_args(cs__req *req, cs__resp *resp, const cs_plan **plan, const char **region, const char **period)
{
    *region = cs__req_arg(req, "region");
    *period = cs__req_arg(req, "period");
    const char *fw = cs__req_arg(req, "framework");
    if (!fw || !*region || !*period) {
        fail(resp, 400, "bad_request", "需要 framework、region 和 period 参数 / framework, region and period are required");
        return 0;
    }
    if (!(*plan = need_plan(req, resp, fw))) return 0;
    if (!cs__in_scope(req, *region)) {
        forbid(resp, "查看该地区的评分 / to read this region's scores");
        return 0;
    }
    return 1;
}

/* The cached scores holding region's result (*row): NULL after answering the failure (the store's
 * error, or 404 when the region has no figures to score). Release with cs__score_cache_release. */
static cs__scores_entry *region_scores(cs__req *req, cs__resp *resp, const cs_plan *plan, const char *region,
                                       const char *period, int approved_only, int *row)
{
    cs__scores_entry *e = NULL;
    cs_diag *d = cs_diag_new();
    cs_status rc = cs__score_cache_get(req->srv->cache, req->store, plan, region, period, approved_only, &e, d);
    if (rc != CS_OK) fail_diag(resp, rc, d);
    else if ((*row = cs__strmap_find(&e->rows, region)) < 0) {
        fail(resp, 404, "not_found", "地区 %s 在 %s 年度没有 %s 的数据，无法评分 / no data to score %s for %s", region, period,
             plan->fw->id, region, period);
        cs__score_cache_release(req->srv->cache, e);
        e = NULL;
    }
    cs_diag_free(d);
    return e;
}

static void h_score(cs__req *req, cs__resp *resp)
{
    const cs_plan *plan;
    const char *region, *period;
    if (!score_args(req, resp, &plan, &region, &period)) return;
    const char *approved = cs__req_arg(req, "approved_only");
    int row;
    cs__scores_entry *e = region_scores(req, resp, plan, region, period, approved && !strcmp(approved, "1"), &row);
    if (!e) return;
    /* the result's JSON is made once per data revision and shared */
    const char *result = cs__scores_entry_json(e, (size_t)row);
    cs__buf_reset(&resp->body);
    json_t *notes = cs__rollup_notes_json(plan->fw, &e->sc, region, period);
    char *rollups = json_dumps(notes, JSON_COMPACT | JSON_REAL_PRECISION(15));
    cs__buf_printf(&resp->body, "{\"result\":%s,\"rank\":%d,\"peers\":%zu,\"as_of\":%lld,\"data_sha256\":\"%s\",\"rollups\":%s}",
                   result, e->rank[row], e->npeers, (long long)e->as_of, e->sc.data_sha256, rollups);
    free(rollups);
    json_decref(notes);
    resp->status = 200;
    resp->type = "application/json";
    cs__score_cache_release(req->srv->cache, e);
}

/* GET /api/gap and GET /api/plan: what the region still lacks (查缺补漏) and the least-effort set of
 * upgrades to a star level, from the cached scores of the current data (the planner re-scores its
 * candidate plans through the engine on a copy of the region's figures). */
static void gap_or_plan(cs__req *req, cs__resp *resp, int want_plan)
{
    const cs_plan *plan;
    const char *region, *period;
    if (!score_args(req, resp, &plan, &region, &period)) return;
    const char *target = cs__req_arg(req, "target");
    if (want_plan && (!target || !*target)) {
        fail(resp, 400, "bad_request", "需要 target 参数（目标星级）/ the target star level is required");
        return;
    }
    if (target && *target && !cs__rating_lookup(plan->fw, target)) {
        fail(resp, 422, "invalid_data", "框架 %s 没有星级 “%s” / %s has no star level '%s'", plan->fw->id, target, plan->fw->id,
             target);
        return;
    }
    int row;
    cs__scores_entry *e = region_scores(req, resp, plan, region, period, 0, &row);
    if (!e) return;
    cs_diag *d = cs_diag_new();
    cs__planner_opts o = {target && *target ? target : NULL, NULL, 0, d};
    json_t *j = want_plan ? cs__json_upgrade(plan, e->sc.res, (size_t)row, &o) : cs__json_gap(plan, e->sc.res, (size_t)row, &o);
    if (!j) fail_diag(resp, CS_EDATA, d);
    else {
        json_object_set_new(j, "as_of", json_integer((json_int_t)e->as_of));
        json_object_set_new(j, "data_sha256", json_string(e->sc.data_sha256));
        reply(resp, 200, j);
    }
    cs__score_cache_release(req->srv->cache, e);
    cs_diag_free(d);
}

static void h_gap(cs__req *req, cs__resp *resp)
{
    gap_or_plan(req, resp, 0);
}

static void h_plan(cs__req *req, cs__resp *resp)
{
    gap_or_plan(req, resp, 1);
}

/* Orders plans by their framework's year, then id (oldest first). */
static int plan_by_year(const void *a, const void *b)
{
    const cs_framework *x = (*(const cs_plan *const *)a)->fw, *y = (*(const cs_plan *const *)b)->fw;
    if (x->year != y->year) return x->year < y->year ? -1 : 1;
    return strcmp(x->id, y->id);
}

/* GET /api/compare?region=&period=[&frameworks=a,b]: the region scored under several frameworks
 * side by side with the indicators that changed meaning (跨框架对比), as `citystar compare`. Without
 * frameworks: every framework of the region's level that scores points, oldest first. */
static void h_compare(cs__req *req, cs__resp *resp)
{
    const char *region = cs__req_arg(req, "region"), *period = cs__req_arg(req, "period"), *list = cs__req_arg(req, "frameworks");
    if (!region || !*region || !period || !*period) {
        fail(resp, 400, "bad_request", "需要 region 和 period 参数 / region and period are required");
        return;
    }
    if (!cs__in_scope(req, region)) {
        forbid(resp, "查看该地区的评分 / to read this region's scores");
        return;
    }
    cs_diag *d = cs_diag_new();
    cs_region r;
    char level[32] = "";
    cs_status rc = cs_store_region(req->store, region, &r, d);
    if (rc == CS_OK) snprintf(level, sizeof level, "%s", r.level ? r.level : "");
    const cs_plan **plans = cs__xcalloc((size_t)req->srv->nfws + 1, sizeof *plans);
    cs__scores_entry **entries = cs__xcalloc((size_t)req->srv->nfws + 1, sizeof *entries);
    cs__compare_input *in = cs__xcalloc((size_t)req->srv->nfws + 1, sizeof *in);
    char *copy = list ? cs__xstrdup(list) : NULL;
    int n = 0, nentries = 0, ok = 1;
    if (rc == CS_ENOTFOUND) {
        fail(resp, 404, "not_found", "没有地区 %s / no region %s", region, region);
        ok = 0;
    } else if (rc != CS_OK) {
        fail_diag(resp, rc, d);
        ok = 0;
    } else if (copy && *copy) {
        for (char *id = copy, *next; id && ok; id = next) {
            /* one comma-separated id at a time (strtok is not safe across the server's threads) */
            if ((next = strchr(id, ','))) *next++ = '\0';
            if (!*id) continue;
            const cs_plan *p = need_plan(req, resp, id);
            if (!p) ok = 0;
            else if (strcmp(p->fw->region_level, level)) {
                fail(resp, 422, "invalid_data", "框架 %s 评价%s级地区，%s 是%s级 / framework %s scores %s regions; %s is a %s", p->fw->id,
                     p->fw->region_level, region, level, p->fw->id, p->fw->region_level, region, level);
                ok = 0;
            } else {
                for (int k = 0; k < n && ok; k++)
                    if (plans[k] == p) {
                        fail(resp, 400, "bad_request", "框架 %s 重复 / framework %s is named twice", id, id);
                        ok = 0;
                    }
                if (ok && n < req->srv->nfws) plans[n++] = p;
            }
        }
    } else {
        for (int k = 0; k < req->srv->nfws; k++) {
            const cs_framework *fw = req->srv->fws[k];
            if (!strcmp(fw->region_level, level) && fw->scoring != CS__SCORING_MONITOR) plans[n++] = req->srv->plans[k];
        }
        qsort(plans, (size_t)n, sizeof *plans, plan_by_year);
    }
    if (ok && !n) {
        fail(resp, 404, "not_found", "没有评价%s级地区并计分的框架 / no framework scores %s regions", level, level);
        ok = 0;
    }
    for (int k = 0; k < n && ok; k++) {
        int row;
        cs__scores_entry *e = region_scores(req, resp, plans[k], region, period, 0, &row);
        if (!e) ok = 0;
        else {
            entries[nentries++] = e;
            in[k] = (cs__compare_input){e->sc.res, (size_t)row};
        }
    }
    cs__compare *cmp = NULL;
    if (ok && cs__compare_build(in, n, &cmp, d) != CS_OK) fail_diag(resp, CS_EUSAGE, d);
    else if (ok) {
        json_t *j = cs__compare_to_json(cmp);
        json_object_set_new(j, "as_of", json_integer((json_int_t)entries[0]->as_of));
        reply(resp, 200, j);
    }
    cs__compare_free(cmp);
    for (int k = 0; k < nentries; k++) cs__score_cache_release(req->srv->cache, entries[k]);
    free(copy);
    free(in);
    free(entries);
    free(plans);
    cs_diag_free(d);
}

typedef struct {
    cs__strmap codes;
    CS__VEC(char *) names;
} names_ctx;

static int collect_name(void *ctx, const cs_region *r)
{
    names_ctx *c = ctx;
    size_t before = c->codes.n;
    cs__strmap_intern(&c->codes, r->code);
    if (c->codes.n != before) cs__vec_push(&c->names, cs__xstrdup(r->name));
    return 0;
}

static void h_rankings(cs__req *req, cs__resp *resp)
{
    const cs_plan *plan;
    const char *region, *period;
    if (!score_args(req, resp, &plan, &region, &period)) return;
    const char *rating = cs__req_arg(req, "rating");
    cs__scores_entry *e = NULL;
    cs_diag *d = cs_diag_new();
    names_ctx names = {0};
    cs_status rc = cs__score_cache_get(req->srv->cache, req->store, plan, region, period, 0, &e, d);
    if (rc == CS_OK) rc = cs_store_regions(req->store, region, plan->fw->region_level, collect_name, &names, d);
    if (rc != CS_OK) {
        fail_diag(resp, rc, d);
    } else {
        /* the regions of the framework's level under region, best first */
        size_t n = e->sc.res->n;
        size_t *order = cs__xcalloc(n + 1, sizeof *order), k = 0;
        for (int rank = 1; rank <= (int)n + 1; rank++)
            for (size_t i = 0; i < n; i++)
                if (e->rank[i] == (rank <= (int)n ? rank : 0) && cs__strmap_find(&names.codes, e->sc.res->regions[i]) >= 0)
                    order[k++] = i;
        pager p;
        pager_init(req, &p);
        for (size_t j = 0; j < k; j++) {
            size_t i = order[j];
            const char *rt = cs_results_rating(e->sc.res, i);
            if (rating && strcmp(rating, rt ? rt : "")) continue;
            if (!pager_take(&p)) continue;
            double total;
            int miss = cs__res_get(e->sc.res, plan->total, i, &total);
            int at = cs__strmap_find(&names.codes, e->sc.res->regions[i]);
            json_t *item = json_pack("{s:s, s:s, s:o, s:o, s:o, s:i}", "region", e->sc.res->regions[i], "name",
                                     names.names.items[at], "total", miss ? json_null() : json_real(total), "rating",
                                     rt ? json_string(rt) : json_null(), "rank", e->rank[i] ? json_integer(e->rank[i]) : json_null(),
                                     "missing_indicators", 0);
            size_t missing = 0;
            for (int ind = 0; ind < plan->fw->nindicators; ind++) {
                double pts;
                missing += cs__res_points(e->sc.res, i, ind, &pts) > 0;
            }
            json_object_set_new(item, "missing_indicators", json_integer((json_int_t)missing));
            json_array_append_new(p.items, item);
        }
        free(order);
        json_t *j = json_pack("{s:o, s:I, s:I, s:I, s:I, s:s}", "items", p.items, "page", (json_int_t)p.page, "per_page",
                              (json_int_t)p.per_page, "total", (json_int_t)p.total, "as_of", (json_int_t)e->as_of, "framework",
                              plan->fw->id);
        reply(resp, 200, j);
    }
    for (size_t i = 0; i < names.names.n; i++) free(names.names.items[i]);
    cs__vec_free(&names.names);
    cs__strmap_free(&names.codes);
    cs__score_cache_release(req->srv->cache, e);
    cs_diag_free(d);
}

/* ---- Targets (发展目标) ---------------------------------------------------------------------- */

static const cs_framework *target_framework(void *ctx, const char *id)
{
    const cs__req *req = ctx;
    const cs_plan *p = plan_of(req, id);
    return p ? p->fw : NULL;
}

typedef struct {
    cs__arena *arena;
    const char *level;
    CS__VEC(const char *) codes;
    CS__VEC(const char *) names;
} target_regions;

static int collect_target_region(void *ctx, const cs_region *r)
{
    target_regions *l = ctx;
    if (strcmp(r->level, l->level)) return 0;
    const char *code = cs__arena_strdup(l->arena, r->code), *name = cs__arena_strdup(l->arena, r->name);
    cs__vec_push(&l->codes, code);
    cs__vec_push(&l->names, name);
    return 0;
}

static int target_in_scope(void *ctx, const char *code)
{
    return cs__in_scope(ctx, code);
}

/* Appends target t's state for period to items when the user may see it: t's region inside the
 * user's subtree, or above it (then the blocking list keeps only regions in the subtree). Returns
 * the store's status (a target whose region is not in the store is left out). */
static cs_status add_target(cs__req *req, const cs__target *t, const char *period, json_t *items, cs_diag *d)
{
    int inside = cs__in_scope(req, t->region), above = !inside && cs__within(req->store, req->user.region, t->region);
    if (!inside && !above) return CS_OK;
    cs_region root;
    cs_diag *quiet = cs_diag_new();
    cs_status rc = cs_store_region(req->store, t->region, &root, quiet);
    cs_diag_free(quiet);
    if (rc == CS_ENOTFOUND) return CS_OK;
    const cs_plan *plan = plan_of(req, t->framework);
    cs__arena arena = {0};
    target_regions l = {&arena, t->level, {0}, {0}};
    cs__scores_entry *e = NULL;
    /* root's strings last until the next call on the store */
    const char *root_name = rc == CS_OK ? cs__arena_strdup(&arena, root.name) : NULL;
    if (rc == CS_OK) rc = cs_store_regions(req->store, t->region, t->level, collect_target_region, &l, d);
    if (rc == CS_OK) rc = cs__score_cache_get(req->srv->cache, req->store, plan, t->region, period, 0, &e, d);
    if (rc == CS_OK) {
        cs__target_state st;
        cs__target_assess(t, period, plan, e->sc.res, l.codes.items, l.names.items, l.codes.n, &arena, &st);
        st.region_name = root_name;
        if (above) cs__target_keep_blocking(&st, target_in_scope, req, req->user.region, &arena);
        json_array_append_new(items, cs__target_to_json(&st));
    }
    if (e) cs__score_cache_release(req->srv->cache, e);
    cs__vec_free(&l.codes);
    cs__vec_free(&l.names);
    cs__arena_release(&arena);
    return rc;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* GET /api/targets?region=&period=&file=: the state of every target (the target files of the
 * server's targets folder, or the one named file) whose region is inside the user's subtree or
 * above it, as `citystar targets --format json` gives it; targets above the user list only the
 * blocking regions inside its subtree. */
static void h_targets(cs__req *req, cs__resp *resp)
{
    const char *region = cs__req_arg(req, "region"), *period = cs__req_arg(req, "period"), *file = cs__req_arg(req, "file");
    if (period && (strlen(period) != 4 || strspn(period, "0123456789") != 4)) {
        fail(resp, 400, "bad_request", "period 应为年份（如 2024）/ period must be a year");
        return;
    }
    if (file && (!*file || strspn(file, "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(file))) {
        fail(resp, 400, "bad_request", "file 应为目标文件名（如 jining）/ file must name a target file, e.g. jining");
        return;
    }
    if (region && !cs__in_scope(req, region) && !cs__within(req->store, req->user.region, region)) {
        forbid(resp, "查看该地区的发展目标 / to read this region's targets");
        return;
    }
    const char *dir = req->srv->cfg.targets_dir ? req->srv->cfg.targets_dir : "targets";
    CS__VEC(char *) names = {0};
    DIR *dh = opendir(dir);
    for (struct dirent *de; dh && (de = readdir(dh));) {
        size_t len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 5, ".yaml") || de->d_name[0] == '.') continue;
        if (file && (len - 5 != strlen(file) || strncmp(de->d_name, file, len - 5))) continue;
        cs__vec_push(&names, cs__xstrdup(de->d_name));
    }
    if (dh) closedir(dh);
    if (names.n) qsort(names.items, names.n, sizeof *names.items, cmp_name);
    cs_diag *d = cs_diag_new();
    json_t *items = json_array();
    cs_status rc = CS_OK;
    if (file && !names.n) {
        fail(resp, 404, "not_found", "没有目标文件 '%s' / no target file '%s'", file, file);
        goto out;
    }
    for (size_t i = 0; i < names.n && rc == CS_OK; i++) {
        cs__buf path = {0}, text = {0};
        cs__target_set *set = NULL;
        cs__buf_printf(&path, "%s/%s", dir, names.items[i]);
        rc = cs__read_file(cs__buf_str(&path), &text, 4u << 20, d);
        if (rc == CS_OK) rc = cs__targets_parse(names.items[i], text.s ? text.s : "", text.len, target_framework, req, &set, d);
        for (int k = 0; rc == CS_OK && k < set->n; k++) {
            const cs__target *t = &set->items[k];
            if (region && strcmp(t->region, region)) continue;
            rc = add_target(req, t, period ? period : t->period, items, d);
        }
        cs__targets_free(set);
        cs__buf_free(&path);
        cs__buf_free(&text);
    }
    if (rc != CS_OK) {
        /* a broken target file is the server's fault, not the request's */
        if (rc == CS_EDATA)
            fail(resp, 500, "internal_error", "服务器的目标文件有误 / a target file of the server has errors: %s",
                 cs_diag_count(d) ? cs_diag_text(d, 0) : "?");
        else
            fail_diag(resp, rc, d);
        goto out;
    }
    reply(resp, 200, json_pack("{s:O, s:I}", "items", items, "total", (json_int_t)json_array_size(items)));
out:
    json_decref(items);
    for (size_t i = 0; i < names.n; i++) free(names.items[i]);
    cs__vec_free(&names);
    cs_diag_free(d);
}

static int stored_in_ds(void *ctx, const char *region, const char *period, const char *element, double *v)
{
    return cs_dataset_get(ctx, region, period, element, v);
}

/* POST /api/whatif {"framework", "region", "period", "values": {"element": number | null}}:
 * the stored data with the posted figures in place (null removes a figure), scored; nothing is
 * saved. */
static void h_whatif(cs__req *req, cs__resp *resp)
{
    json_t *b = parse_body(req, resp);
    if (!b) return;
    const char *fw = jstr(b, "framework"), *region = jstr(b, "region"), *period = jstr(b, "period");
    json_t *vals = json_object_get(b, "values");
    const cs_plan *plan = NULL;
    if (!fw || !region || !period || !json_is_object(vals)) {
        fail(resp, 400, "bad_request", "需要 framework、region、period 和 values 对象 / framework, region, period and values are required");
    } else if (!(plan = need_plan(req, resp, fw))) {
    } else if (!cs__in_scope(req, region)) {
        forbid(resp, "对该地区做模拟测算 / to run a what-if for this region");
    } else {
        cs__store_scores sc;
        cs_diag *d = cs_diag_new();
        cs_status rc = cs__score_store(req->store, plan, region, period, 0, 0, &sc, d);
        if (rc != CS_OK) {
            fail_diag(resp, rc, d);
        } else {
            /* a copy of the data with the posted figures in place */
            cs_dataset *ds = cs_dataset_new();
            const char *key;
            json_t *v;
            int bad = 0;
            json_object_foreach(vals, key, v)
            {
                if (!json_is_number(v) && !json_is_null(v) && !json_is_boolean(v)) bad = 1;
                if (!cs__catalog_find(&req->srv->cat, key, NULL)) bad = 2;
            }
            for (size_t r = 0; r < cs_dataset_region_count(sc.ds); r++)
                for (int p = 0; p < 2; p++) {
                    char prev[16];
                    const char *per = p ? (cs__period_previous(period, prev, sizeof prev) ? prev : NULL) : period;
                    if (!per) continue;
                    const char *code = cs_dataset_region(sc.ds, r);
                    for (int el = 0; el < plan->fw->nelements; el++) {
                        double x;
                        const char *ec = plan->fw->elements[el].code;
                        if (!p && !strcmp(code, region) && json_object_get(vals, ec)) continue;
                        if (cs_dataset_get(sc.ds, code, per, ec, &x)) cs_dataset_set(ds, code, per, ec, x);
                    }
                }
            json_object_foreach(vals, key, v)
            {
                if (json_is_number(v)) cs_dataset_set(ds, region, period, key, json_number_value(v));
                else if (json_is_boolean(v)) cs_dataset_set(ds, region, period, key, json_is_true(v) ? 1 : 0);
            }
            /* the posted figures pass the same checks as reported ones (type, range, yes/no) */
            if (!bad) {
                json_t *arr = json_array();
                json_object_foreach(vals, key, v)
                {
                    if (json_is_null(v)) continue;
                    json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:O}", "region", region, "period", period, "element",
                                                         key, "value", v));
                }
                cs__table t = {0};
                table_from_values(arr, &t);
                cs__records recs = {0};
                cs__records_opts ro = {1, 0, 0, 0, NULL};
                cs_diag *vd = cs_diag_new();
                if (json_array_size(arr) && (cs__records_from_table("values", &t, &req->srv->cat, &ro, &recs, vd) != CS_OK ||
                                             cs__records_check_at_most("values", &recs, &req->srv->cat, stored_in_ds, sc.ds,
                                                                       vd) != CS_OK)) {
                    fail_diag(resp, CS_EDATA, vd);
                    bad = 3;
                }
                cs_diag_free(vd);
                cs__records_clear(&recs);
                cs__table_clear(&t);
                json_decref(arr);
            }
            cs_results *res = NULL;
            if (bad == 3) {
            } else if (bad) {
                fail(resp, 422, "invalid_data", bad == 2 ? "values 中有未知的数据项 / values names an unknown element"
                                                         : "values 的值须为数字、true/false 或 null / values must be numbers, booleans or null");
            } else if (cs_evaluate(plan, ds, period, &res) == CS_OK) {
                size_t row = res->n, base_row = sc.res->n;
                for (size_t i = 0; i < res->n; i++)
                    if (!strcmp(res->regions[i], region)) row = i;
                for (size_t i = 0; i < sc.res->n; i++)
                    if (!strcmp(sc.res->regions[i], region)) base_row = i;
                if (row == res->n) {
                    fail(resp, 422, "invalid_data", "地区 %s 没有可评分的数据 / no data to score %s", region, region);
                } else {
                    json_t *j = json_pack("{s:o, s:b}", "result", cs__json_result(res, row), "saved", 0);
                    if (base_row < sc.res->n) {
                        const char *rt = cs_results_rating(sc.res, base_row);
                        double t;
                        int m = cs__res_get(sc.res, plan->total, base_row, &t);
                        json_object_set_new(j, "stored_total", m ? json_null() : json_real(t));
                        json_object_set_new(j, "stored_rating", rt ? json_string(rt) : json_null());
                    }
                    reply(resp, 200, j);
                }
            }
            cs_results_free(res);
            cs_dataset_free(ds);
            cs__store_scores_free(&sc);
        }
        cs_diag_free(d);
    }
    json_decref(b);
}

/* ---- Assessment rounds ---------------------------------------------------------------------- */

static json_t *round_json(const cs_assessment *a)
{
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s}", "id", (json_int_t)a->id, "framework",
                          a->framework, "region", a->region, "period", a->period, "kind", a->kind, "state", a->state,
                          "published", a->published, "created_by", a->created_by, "created_at", a->created_at,
                          "changed_at", a->changed_at);
    if (!strcmp(a->state, "closed")) {
        json_object_set_new(j, "rating", *a->rating ? json_string(a->rating) : json_null());
        json_object_set_new(j, "total", isnan(a->total) ? json_null() : json_real(a->total));
        json_object_set_new(j, "snapshot", json_integer(a->snapshot_id));
    }
    return j;
}

typedef struct {
    pager *p;
    const cs__req *req;
} round_list;

static int list_round(void *ctx, const cs_assessment *a)
{
    round_list *c = ctx;
    if (pager_take(c->p)) json_array_append_new(c->p->items, round_json(a));
    return 0;
}

static void h_rounds(cs__req *req, cs__resp *resp)
{
    const char *region = cs__req_arg(req, "region");
    const char *root = region ? region : req->user.region;
    if (!cs__in_scope(req, root)) {
        forbid(resp, "查看该地区的评估轮次 / to read this region's rounds");
        return;
    }
    pager p;
    pager_init(req, &p);
    round_list c = {&p, req};
    cs_diag *d = cs_diag_new();
    cs_status rc = cs_store_assessments(req->store, root, cs__req_arg(req, "period"), 0, list_round, &c, d);
    pager_finish(resp, &p, rc, d);
    cs_diag_free(d);
}

static void h_round_add(cs__req *req, cs__resp *resp)
{
    json_t *b = parse_body(req, resp);
    if (!b) return;
    cs_assessment a = {0, jstr(b, "framework"), jstr(b, "region"), jstr(b, "period"), jstr(b, "kind")};
    const cs_plan *plan = NULL;
    if (!a.framework || !a.region || !a.period || !a.kind) {
        fail(resp, 400, "bad_request", "需要 framework、region、period 和 kind / framework, region, period and kind are required");
    } else if (!(plan = need_plan(req, resp, a.framework))) {
    } else if (!cs__may_open_round(req, a.region, a.kind)) {
        forbid(resp, "为该地区开启评估轮次 / to open a round for this region");
    } else {
        cs_diag *d = cs_diag_new();
        cs_region r;
        cs_status rc = cs_store_region(req->store, a.region, &r, d);
        if (rc == CS_OK && strcmp(r.level, plan->fw->region_level)) {
            fail(resp, 422, "invalid_data", "框架 %s 评价%s级地区，%s 是%s级 / framework %s scores %s regions; %s is a %s", plan->fw->id,
                 plan->fw->region_level, a.region, r.level, plan->fw->id, plan->fw->region_level, a.region, r.level);
        } else {
            int64_t id = 0;
            if (rc == CS_OK) rc = cs_store_add_assessment(req->store, &a, req->user.login, &id, d);
            if (rc != CS_OK) fail_diag(resp, rc, d);
            else if (cs_store_assessment(req->store, id, &a, d) == CS_OK) reply(resp, 201, round_json(&a));
            else fail_diag(resp, CS_EDB, d);
        }
        cs_diag_free(d);
    }
    json_decref(b);
}

static int step_json(void *ctx, const cs_assessment_event *e)
{
    json_array_append_new(ctx, json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "action", e->action, "indicator", e->indicator,
                                         "comment", e->comment, "actor", e->actor, "at", e->at, "values_moved",
                                         (json_int_t)e->moved));
    return 0;
}

static int override_json(void *ctx, const cs_override *o)
{
    json_array_append_new(ctx, json_pack("{s:I, s:s, s:f, s:s, s:s, s:s}", "id", (json_int_t)o->id, "indicator", o->indicator,
                                         "points", o->points, "reason", o->reason, "actor", o->actor, "at", o->at));
    return 0;
}

/* Loads round id for the handlers below; replies and returns 0 when it is missing or out of
 * scope. Strings of *a are copied into keep. */
typedef struct {
    char framework[64], region[64], period[16], kind[16], state[16], rating[64];
} round_copy;

static int load_round(cs__req *req, cs__resp *resp, const char *id, cs_assessment *a, round_copy *keep)
{
    cs_diag *d = cs_diag_new();
    cs_status rc = cs_store_assessment(req->store, atoll(id), a, d);
    if (rc != CS_OK) {
        fail_diag(resp, rc, d);
        cs_diag_free(d);
        return 0;
    }
    cs_diag_free(d);
    snprintf(keep->framework, sizeof keep->framework, "%s", a->framework);
    snprintf(keep->region, sizeof keep->region, "%s", a->region);
    snprintf(keep->period, sizeof keep->period, "%s", a->period);
    snprintf(keep->kind, sizeof keep->kind, "%s", a->kind);
    snprintf(keep->state, sizeof keep->state, "%s", a->state);
    snprintf(keep->rating, sizeof keep->rating, "%s", a->rating);
    a->framework = keep->framework, a->region = keep->region, a->period = keep->period, a->kind = keep->kind;
    a->state = keep->state, a->rating = keep->rating;
    if (!cs__in_scope(req, a->region)) {
        forbid(resp, "查看该评估轮次 / to read this round");
        return 0;
    }
    return 1;
}

static void h_round(cs__req *req, cs__resp *resp, const char *id)
{
    cs_assessment a;
    round_copy keep;
    if (!load_round(req, resp, id, &a, &keep)) return;
    json_t *j = round_json(&a);
    json_t *steps = json_array(), *ovs = json_array();
    cs_diag *d = cs_diag_new();
    cs_status rc = cs_store_assessment_events(req->store, a.id, step_json, steps, d);
    if (rc == CS_OK) rc = cs_store_overrides(req->store, a.id, override_json, ovs, d);
    json_object_set_new(j, "steps", steps);
    json_object_set_new(j, "overrides", ovs);
    if (rc != CS_OK) {
        json_decref(j);
        fail_diag(resp, rc, d);
    } else {
        reply(resp, 200, j);
    }
    cs_diag_free(d);
}

typedef struct {
    char *results;
} snap_ctx;

static int keep_results(void *ctx, const cs_snapshot *s)
{
    snap_ctx *c = ctx;
    c->results = cs__xstrdup(s->results);
    return 1;
}

static void h_round_score(cs__req *req, cs__resp *resp, const char *id)
{
    cs_assessment a;
    round_copy keep;
    if (!load_round(req, resp, id, &a, &keep)) return;
    if (!strcmp(a.state, "closed") && a.snapshot_id) {
        /* a closed round's result is the one it closed with, not a new computation */
        snap_ctx c = {NULL};
        cs_diag *d = cs_diag_new();
        json_t *result = NULL;
        if (cs_store_snapshots(req->store, a.snapshot_id, 1, keep_results, &c, d) == CS_OK && c.results)
            result = json_loads(c.results, 0, NULL);
        free(c.results);
        if (result) reply(resp, 200, json_pack("{s:o, s:o, s:b}", "round", round_json(&a), "result", result, "closed", 1));
        else fail_diag(resp, CS_EDB, d);
        cs_diag_free(d);
        return;
    }
    const cs_plan *plan = need_plan(req, resp, a.framework);
    if (!plan) return;
    cs__store_scores sc;
    cs_results *res = NULL;
    size_t row = 0;
    cs_diag *d = cs_diag_new();
    cs_status rc = cs__score_round(req->store, plan, &a, 0, &sc, &res, &row, d);
    if (rc != CS_OK) {
        fail_diag(resp, rc, d);
    } else {
        reply(resp, 200, json_pack("{s:o, s:o, s:I}", "round", round_json(&a), "result", cs__json_result(res, row), "as_of",
                                   (json_int_t)sc.as_of));
        cs_results_free(res);
        cs__store_scores_free(&sc);
    }
    cs_diag_free(d);
}

static void h_round_step(cs__req *req, cs__resp *resp, const char *id, const char *action)
{
    json_t *b = req->body_len ? parse_body(req, resp) : json_object();
    if (!b) return;
    cs_assessment a;
    round_copy keep;
    if (!load_round(req, resp, id, &a, &keep)) {
        json_decref(b);
        return;
    }
    const cs_plan *plan = need_plan(req, resp, a.framework);
    if (!plan) {
        json_decref(b);
        return;
    }
    int allowed = !strcmp(action, "submit")                                  ? cs__may_submit(req, a.region)
                  : !strcmp(action, "return") || !strcmp(action, "approve") ? cs__may_review(req, a.region)
                  : !strcmp(action, "close") || !strcmp(action, "publish")  ? cs__may_close(req, a.region)
                                                                              : -1;
    const char *indicator = jstr(b, "indicator"), *comment = jstr(b, "comment");
    cs_diag *d = cs_diag_new();
    if (allowed < 0) {
        fail(resp, 404, "not_found", "未知的操作 %s / unknown step %s", action, action);
    } else if (!allowed) {
        forbid(resp, "对该评估轮次执行此操作 / to take this step on the round");
    } else if (indicator && strcmp(action, "return")) {
        fail(resp, 400, "bad_request", "只有退回可以针对单个指标；%s 作用于整个评估轮次 / only a return names an indicator: %s applies to the whole round",
             action, action);
    } else if (indicator && cs__fw_indicator_index(plan->fw, indicator) < 0) {
        fail(resp, 422, "invalid_data", "框架 %s 没有指标 %s / framework %s has no indicator %s", plan->fw->id, indicator,
             plan->fw->id, indicator);
    } else if (!strcmp(action, "close")) {
        cs_status rc = cs__round_close(req->store, plan, a.id, req->user.login, NULL, NULL, d);
        if (rc == CS_OK) rc = cs_store_assessment(req->store, a.id, &a, d);
        if (rc != CS_OK) {
            fail_diag(resp, rc, d);
        } else {
            /* the close locks every element of the round */
            const char **el = NULL;
            size_t n = cs__round_elements(plan->fw, -1, &el);
            free(el);
            json_t *j = round_json(&a);
            json_object_set_new(j, "values_locked", json_integer((json_int_t)n));
            reply(resp, 200, j);
        }
    } else {
        const char **elements = NULL;
        size_t n = cs__round_elements(plan->fw, indicator ? cs__fw_indicator_index(plan->fw, indicator) : -1, &elements);
        cs_assessment_step step = {action, indicator ? indicator : "", comment ? comment : "", elements, n, NULL, NULL, 0,
                                   req->user.login};
        size_t moved = 0;
        cs_status rc = cs_store_assessment_step(req->store, a.id, &step, &moved, d);
        free(elements);
        if (rc != CS_OK) {
            fail_diag(resp, rc, d);
        } else if (cs_store_assessment(req->store, a.id, &a, d) == CS_OK) {
            json_t *j = round_json(&a);
            json_object_set_new(j, "values_moved", json_integer((json_int_t)moved));
            reply(resp, 200, j);
        } else {
            fail_diag(resp, CS_EDB, d);
        }
    }
    cs_diag_free(d);
    json_decref(b);
}

static void h_override(cs__req *req, cs__resp *resp, const char *id)
{
    json_t *b = parse_body(req, resp);
    if (!b) return;
    cs_assessment a;
    round_copy keep;
    const cs_plan *plan = NULL;
    if (!load_round(req, resp, id, &a, &keep)) {
        json_decref(b);
        return;
    }
    const char *indicator = jstr(b, "indicator"), *reason = jstr(b, "reason");
    json_t *points = json_object_get(b, "points");
    int i = -1;
    if (strcmp(req->user.role, CS_ROLE_EXPERT)) {
        forbid(resp, "调整得分（仅评审专家） / to override points (experts only)");
    } else if (!(plan = need_plan(req, resp, a.framework))) {
    } else if (!indicator || !json_is_number(points)) {
        fail(resp, 400, "bad_request", "需要 indicator、points 和 reason / indicator, points and reason are required");
    } else if ((i = cs__fw_indicator_index(plan->fw, indicator)) < 0) {
        fail(resp, 422, "invalid_data", "框架 %s 没有指标 %s / no indicator %s", plan->fw->id, indicator, indicator);
    } else if (!cs__indicator_qualitative(plan->fw, i)) {
        fail(resp, 422, "not_qualitative", "指标 %s 不是定性指标，得分只能由数据计算 / indicator %s is not qualitative: its points follow from the data",
             indicator, indicator);
    } else if (json_number_value(points) > plan->fw->indicators[i].max_points) {
        fail(resp, 422, "invalid_data", "指标 %s 最高 %g 分 / indicator %s has at most %g points", indicator,
             plan->fw->indicators[i].max_points, indicator, plan->fw->indicators[i].max_points);
    } else {
        cs_diag *d = cs_diag_new();
        int64_t oid = 0;
        cs_status rc = cs_store_add_override(req->store, a.id, indicator, json_number_value(points), reason, req->user.login, &oid, d);
        if (rc != CS_OK) fail_diag(resp, rc, d);
        else reply(resp, 201, json_pack("{s:I, s:s, s:f, s:s}", "id", (json_int_t)oid, "indicator", indicator, "points",
                                        json_number_value(points), "reason", reason));
        cs_diag_free(d);
    }
    json_decref(b);
}

/* ---- Accounts ---------------------------------------------------------------------------------- */

static int list_account(void *ctx, const cs_account *a)
{
    pager *p = ctx;
    if (pager_take(p)) json_array_append_new(p->items, account_json(a));
    return 0;
}

static void h_users(cs__req *req, cs__resp *resp)
{
    if (!cs__is_admin(&req->user) && strcmp(req->user.role, CS_ROLE_AUDITOR)) {
        forbid(resp, "查看账号 / to list accounts");
        return;
    }
    pager p;
    pager_init(req, &p);
    cs_diag *d = cs_diag_new();
    cs_status rc = cs_store_accounts(req->store, req->user.region, list_account, &p, d);
    pager_finish(resp, &p, rc, d);
    cs_diag_free(d);
}

static void h_user_add(cs__req *req, cs__resp *resp)
{
    json_t *b = parse_body(req, resp);
    if (!b) return;
    cs_account a = {0, jstr(b, "login"), jstr(b, "name"), jstr(b, "role"), jstr(b, "region"), jstr(b, "department"), 1};
    if (!a.login || !a.name || !a.role || !a.region || !jstr(b, "password")) {
        fail(resp, 400, "bad_request", "需要 login、name、password、role 和 region / login, name, password, role and region are required");
    } else if (!cs__may_manage_account(req, a.role, a.region)) {
        forbid(resp, "创建该角色或该地区的账号 / to create an account with this role or region");
    } else if (a.department && *a.department && !cs__department_known(req->srv->fws, req->srv->nfws, a.department)) {
        fail(resp, 422, "invalid_data", "没有哪个框架的指标由“%s”牵头 / no indicator of any framework is led by '%s'", a.department,
             a.department);
    } else {
        cs_diag *d = cs_diag_new();
        int64_t id = 0;
        cs_status rc = cs_store_add_account(req->store, &a, jstr(b, "password"), req->user.login, &id, d);
        if (rc == CS_OK) rc = cs_store_account(req->store, id, NULL, &a, d);
        if (rc != CS_OK) fail_diag(resp, rc, d);
        else reply(resp, 201, account_json(&a));
        cs_diag_free(d);
    }
    json_decref(b);
}

static void h_user_update(cs__req *req, cs__resp *resp, const char *id)
{
    json_t *b = parse_body(req, resp);
    if (!b) return;
    cs_diag *d = cs_diag_new();
    cs_account cur;
    cs_status rc = cs_store_account(req->store, atoll(id), NULL, &cur, d);
    char role[24], region[64];
    if (rc == CS_OK) {
        snprintf(role, sizeof role, "%s", cur.role);
        snprintf(region, sizeof region, "%s", cur.region);
    }
    json_t *active = json_object_get(b, "active");
    static const char *const text_fields[] = {"name", "role", "region", "department", "password"};
    for (size_t k = 0; k < sizeof text_fields / sizeof text_fields[0]; k++) {
        json_t *f = json_object_get(b, text_fields[k]);
        if (f && !json_is_string(f)) {
            fail(resp, 400, "bad_request", "字段 %s 应为字符串 / %s must be a string", text_fields[k], text_fields[k]);
            cs_diag_free(d);
            json_decref(b);
            return;
        }
    }
    if (active && !json_is_boolean(active)) {
        fail(resp, 400, "bad_request", "字段 active 应为 true 或 false / active must be true or false");
        cs_diag_free(d);
        json_decref(b);
        return;
    }
    cs_account ch = {0, NULL, jstr(b, "name"), jstr(b, "role"), jstr(b, "region"), jstr(b, "department"),
                     json_is_boolean(active) ? json_is_true(active) : -1};
    if (rc != CS_OK) {
        fail_diag(resp, rc, d);
    } else if (!cs__may_manage_account(req, role, region) || !cs__may_manage_account(req, ch.role, ch.region)) {
        forbid(resp, "修改该账号 / to change this account");
    } else if (ch.department && *ch.department && !cs__department_known(req->srv->fws, req->srv->nfws, ch.department)) {
        fail(resp, 422, "invalid_data", "没有哪个框架的指标由“%s”牵头 / no indicator of any framework is led by '%s'", ch.department,
             ch.department);
    } else if ((rc = cs_store_update_account(req->store, atoll(id), &ch, jstr(b, "password"), req->user.login, d)) != CS_OK ||
               (rc = cs_store_account(req->store, atoll(id), NULL, &cur, d)) != CS_OK) {
        fail_diag(resp, rc, d);
    } else {
        reply(resp, 200, account_json(&cur));
    }
    cs_diag_free(d);
    json_decref(b);
}

/* ---- Audit log ---------------------------------------------------------------------------------- */

static int audit_json(void *ctx, const cs_audit_entry *e)
{
    json_error_t err;
    json_t *detail = json_loads(e->detail, 0, &err);
    json_array_append_new(ctx, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:s}", "id", (json_int_t)e->id, "at", e->at,
                                         "actor", e->actor, "origin", e->origin, "action", e->action, "object", e->object,
                                         "detail", detail ? detail : json_string(e->detail), "sha256", e->sha256));
    return 0;
}

static void h_audit(cs__req *req, cs__resp *resp)
{
    if (!cs__may_read_audit(req)) {
        forbid(resp, "查看审计日志 / to read the audit log");
        return;
    }
    const char *before = cs__req_arg(req, "before"), *per = cs__req_arg(req, "per_page");
    long n = per ? atol(per) : 50;
    n = n < 1 ? 1 : n > 500 ? 500 : n;
    json_t *items = json_array();
    cs_diag *d = cs_diag_new();
    cs_status rc = cs_store_audit(req->store, before ? atoll(before) : 0, (size_t)n, 1, audit_json, items, d);
    if (rc != CS_OK) {
        json_decref(items);
        fail_diag(resp, rc, d);
    } else {
        reply(resp, 200, json_pack("{s:o}", "items", items));
    }
    cs_diag_free(d);
}

static void h_audit_verify(cs__req *req, cs__resp *resp)
{
    if (!cs__may_read_audit(req)) {
        forbid(resp, "校验审计日志 / to verify the audit log");
        return;
    }
    int64_t count = 0, broken = 0;
    char head[65];
    cs_diag *d = cs_diag_new();
    cs_status rc = cs_store_audit_verify(req->store, &count, head, &broken, d);
    if (rc != CS_OK && !broken) fail_diag(resp, rc, d);
    else
        reply(resp, 200, json_pack("{s:b, s:I, s:s, s:I, s:s}", "ok", !broken, "entries", (json_int_t)count, "head", head, "broken",
                                   (json_int_t)broken, "message", cs_diag_count(d) ? cs_diag_text(d, 0) : "审计日志完整 / the audit log is intact"));
    cs_diag_free(d);
}

/* ---- Public results ----------------------------------------------------------------------------- */

typedef struct {
    pager *p;
    cs_store *s;
    const char *framework;
} public_ctx;

static int list_published(void *ctx, const cs_assessment *a)
{
    public_ctx *c = ctx;
    if (c->framework && strcmp(a->framework, c->framework)) return 0;
    if (!pager_take(c->p)) return 0;
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:s}", "id", (json_int_t)a->id, "framework", a->framework, "region",
                          a->region, "period", a->period, "kind", a->kind, "rating",
                          *a->rating ? json_string(a->rating) : json_null(), "total",
                          isnan(a->total) ? json_null() : json_real(a->total), "changed_at", a->changed_at);
    json_array_append_new(c->p->items, j);
    return 0;
}

static void h_public(cs__req *req, cs__resp *resp)
{
    pager p;
    pager_init(req, &p);
    public_ctx c = {&p, req->store, cs__req_arg(req, "framework")};
    cs_diag *d = cs_diag_new();
    cs_status rc = cs_store_assessments(req->store, NULL, cs__req_arg(req, "period"), 1, list_published, &c, d);
    /* region names, after the walk (the store's strings are reused by each call) */
    for (size_t i = 0; rc == CS_OK && i < json_array_size(p.items); i++) {
        json_t *it = json_array_get(p.items, i);
        cs_region r;
        char *parent = NULL;
        if (cs_store_region(req->store, jstr(it, "region"), &r, d) == CS_OK) {
            json_object_set_new(it, "name", json_string(r.name));
            if (r.parent) parent = cs__xstrdup(r.parent);
        }
        if (parent && cs_store_region(req->store, parent, &r, d) == CS_OK) {
            json_object_set_new(it, "parent", json_string(parent));
            json_object_set_new(it, "parent_name", json_string(r.name));
        }
        free(parent);
        const cs_framework *fw = cs__fw_find(req->srv->fws, req->srv->nfws, jstr(it, "framework"));
        if (fw) json_object_set_new(it, "framework_title", json_string(fw->title));
    }
    pager_finish(resp, &p, rc, d);
    cs_diag_free(d);
}

static void h_public_one(cs__req *req, cs__resp *resp, const char *id)
{
    cs_assessment a;
    cs_diag *d = cs_diag_new();
    cs_status rc = cs_store_assessment(req->store, atoll(id), &a, d);
    if (rc != CS_OK || !a.published) {
        fail(resp, 404, "not_found", "没有已发布的评估结果 %s / no published result %s", id, id);
    } else {
        int64_t snap = a.snapshot_id;
        json_t *j = round_json(&a);
        snap_ctx c = {NULL};
        if (snap && cs_store_snapshots(req->store, snap, 1, keep_results, &c, d) == CS_OK && c.results) {
            json_error_t err;
            json_t *r = json_loads(c.results, 0, &err);
            if (r) json_object_set_new(j, "result", r);
        }
        free(c.results);
        json_object_del(j, "created_by");
        const cs_framework *fw = cs__fw_find(req->srv->fws, req->srv->nfws, a.framework);
        if (fw) json_object_set_new(j, "framework_title", json_string(fw->title));
        reply(resp, 200, j);
    }
    cs_diag_free(d);
}

/* ---- Routing ------------------------------------------------------------------------------------- */

typedef void (*h0)(cs__req *, cs__resp *);
typedef void (*h1)(cs__req *, cs__resp *, const char *);
typedef void (*h2)(cs__req *, cs__resp *, const char *, const char *);

typedef struct {
    const char *method;
    const char *pattern; /* segments; "*" matches one segment, passed to the handler */
    int login;           /* needs a session */
    void *handler;
    int nargs;
} route;

static const route routes[] = {
    {"GET", "/api/health", 0, h_health, 0},
    {"POST", "/api/session", 0, h_login, 0},
    {"GET", "/api/session", 1, h_me, 0},
    {"DELETE", "/api/session", 1, h_logout, 0},
    {"POST", "/api/session/password", 1, h_password, 0},
    {"GET", "/api/frameworks", 1, h_frameworks, 0},
    {"GET", "/api/frameworks/*", 1, h_framework, 1},
    {"GET", "/api/periods", 1, h_periods, 0},
    {"GET", "/api/regions", 1, h_regions, 0},
    {"POST", "/api/regions", 1, h_region_add, 0},
    {"GET", "/api/regions/*", 1, h_region, 1},
    {"GET", "/api/values", 1, h_values, 0},
    {"POST", "/api/values", 1, h_values_write, 0},
    {"GET", "/api/values/history", 1, h_history, 0},
    {"POST", "/api/values/submit", 1, h_values_submit, 0},
    {"POST", "/api/imports", 1, h_import, 0},
    {"GET", "/api/template", 1, h_template, 0},
    {"GET", "/api/report", 1, h_report, 0},
    {"GET", "/api/evidence", 1, h_evidence_list, 0},
    {"POST", "/api/evidence", 1, h_evidence_add, 0},
    {"GET", "/api/evidence/*", 1, h_evidence_get, 1},
    {"GET", "/api/scores", 1, h_score, 0},
    {"GET", "/api/rankings", 1, h_rankings, 0},
    {"GET", "/api/gap", 1, h_gap, 0},
    {"GET", "/api/plan", 1, h_plan, 0},
    {"GET", "/api/compare", 1, h_compare, 0},
    {"POST", "/api/whatif", 1, h_whatif, 0},
    {"GET", "/api/targets", 1, h_targets, 0},
    {"GET", "/api/rounds", 1, h_rounds, 0},
    {"POST", "/api/rounds", 1, h_round_add, 0},
    {"GET", "/api/rounds/*", 1, h_round, 1},
    {"GET", "/api/rounds/*/score", 1, h_round_score, 1},
    {"POST", "/api/rounds/*/overrides", 1, h_override, 1},
    {"POST", "/api/rounds/*/*", 1, h_round_step, 2},
    {"GET", "/api/users", 1, h_users, 0},
    {"POST", "/api/users", 1, h_user_add, 0},
    {"PATCH", "/api/users/*", 1, h_user_update, 1},
    {"GET", "/api/audit", 1, h_audit, 0},
    {"GET", "/api/audit/verify", 1, h_audit_verify, 0},
    {"GET", "/api/public/results", 0, h_public, 0},
    {"GET", "/api/public/results/*", 0, h_public_one, 1},
};

/* Matches path against pattern; the segments matched by "*" go to args. */
static int match(const char *pattern, const char *path, char args[2][96])
{
    int n = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p == '*') {
            const char *e = strchr(s, '/');
            size_t len = e ? (size_t)(e - s) : strlen(s);
            if (!len || len >= 96 || n >= 2) return 0;
            memcpy(args[n], s, len);
            args[n++][len] = 0;
            p++;
            s += len;
        } else if (*p++ != *s++) {
            return 0;
        }
    }
    return !*p && !*s;
}

void cs__api_handle(cs__req *req, cs__resp *resp)
{
    /* the session, when one is sent */
    if (req->session) {
        cs_account a;
        char csrf[65];
        cs_diag *d = cs_diag_new();
        if (cs_store_session(req->store, req->session, &a, csrf, d) == CS_OK) copy_user(&req->user, &a, csrf);
        cs_diag_free(d);
    }
    cs_store_set_origin(req->store, req->origin);
    char args[2][96];
    const route *found = NULL;
    int path_known = 0;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0] && !found; i++) {
        if (!match(routes[i].pattern, req->path, args)) continue;
        path_known = 1;
        if (!strcmp(routes[i].method, req->method) || (!strcmp(req->method, "HEAD") && !strcmp(routes[i].method, "GET")))
            found = &routes[i];
    }
    if (!found) {
        if (path_known) fail(resp, 405, "method_not_allowed", "该路径不支持 %s 请求 / %s is not allowed here", req->method, req->method);
        else fail(resp, 404, "not_found", "没有这个接口：%s / no such endpoint", req->path);
        return;
    }
    if (found->login && !req->user.logged_in) {
        fail(resp, 401, "unauthenticated", "请先登录 / log in first");
        return;
    }
    /* writes with a session carry the session's CSRF token */
    int write = strcmp(req->method, "GET") && strcmp(req->method, "HEAD");
    if (write && found->login && (!req->csrf_header || strcmp(req->csrf_header, req->user.csrf))) {
        fail(resp, 403, "csrf", "缺少或错误的 X-CSRF-Token 请求头 / missing or wrong X-CSRF-Token header");
        return;
    }
    switch (found->nargs) {
    case 0:
        ((h0)found->handler)(req, resp);
        break;
    case 1:
        ((h1)found->handler)(req, resp, args[0]);
        break;
    default:
        ((h2)found->handler)(req, resp, args[0], args[1]);
        break;
    }
}
