/*
 * accounts.c — local accounts, sessions and login limits. Passwords are kept only as Argon2id
 * hashes (libsodium's crypto_pwhash_str); session tokens are random and only their SHA-256 is
 * stored, so a copy of the database opens no session. Sessions and login attempts live in the
 * database, so every server sharing it sees the same sessions and the same limits.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store_int.h"

int cs_role_valid(const char *role)
{
    static const char *const roles[] = {CS_ROLE_PROVINCE_ADMIN, CS_ROLE_CITY_ADMIN, CS_ROLE_COUNTY_ADMIN,
                                        CS_ROLE_REPORTER,       CS_ROLE_EXPERT,     CS_ROLE_AUDITOR};
    for (size_t i = 0; role && i < sizeof roles / sizeof roles[0]; i++)
        if (!strcmp(role, roles[i])) return 1;
    return 0;
}

#define ACCOUNT_COLUMNS "id, login, name, role, region, department, active, created_at, changed_at"

static void account_from_row(cs_store *s, cs__stmt *st, int first, cs_account *a)
{
    a->id = s->be->column_int(st, first);
    const char **f[] = {&a->login, &a->name, &a->role, &a->region, &a->department};
    for (int i = 0; i < 5; i++) {
        cs__buf_reset(&s->scratch[i]);
        cs__buf_append(&s->scratch[i], s->be->column_text(st, first + 1 + i));
        *f[i] = cs__buf_str(&s->scratch[i]);
    }
    a->active = (int)s->be->column_int(st, first + 6);
    cs__buf_reset(&s->scratch[5]);
    cs__buf_append(&s->scratch[5], s->be->column_text(st, first + 7));
    a->created_at = cs__buf_str(&s->scratch[5]);
    cs__buf_reset(&s->scratch[6]);
    cs__buf_append(&s->scratch[6], s->be->column_text(st, first + 8));
    a->changed_at = cs__buf_str(&s->scratch[6]);
}

static json_t *account_json(const cs_account *a)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "login", a->login ? a->login : "", "name", a->name ? a->name : "",
                     "role", a->role ? a->role : "", "region", a->region ? a->region : "", "department",
                     a->department ? a->department : "", "active", a->active);
}

static cs_status hash_password(const char *password, char out[crypto_pwhash_STRBYTES], cs_diag *diag)
{
    size_t n = strlen(password);
    if (n < 8) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "密码至少 8 个字符 / a password needs at least 8 characters");
        return CS_EDATA;
    }
    if (crypto_pwhash_str_alg(out, password, n, crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                              crypto_pwhash_ALG_ARGON2ID13) != 0) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "无法计算密码哈希（内存不足）/ cannot hash the password (out of memory)");
        return CS_ENOMEM;
    }
    return CS_OK;
}

/* Checks the fields an account must have; region must be stored. */
static cs_status check_account(cs_store *s, const cs_account *a, cs_diag *diag)
{
    cs_status rc = CS_OK;
    if (a->login) {
        size_t n = strlen(a->login);
        int ok = n >= 2 && n <= 64;
        for (const char *p = a->login; ok && *p; p++)
            ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("._-@", *p);
        if (!ok) {
            cs__diag_add(diag, CS__ERROR, NULL, 0, 0,
                         "登录名 '%s' 无效：2–64 个字母、数字或 . _ - @ / invalid login: 2–64 letters, digits or . _ - @", a->login);
            rc = CS_EDATA;
        }
    }
    if (a->name && !*a->name) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "姓名不能为空 / the name is empty");
        rc = CS_EDATA;
    }
    if (a->role && !cs_role_valid(a->role)) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0,
                     "角色 '%s' 无效（province_admin, city_admin, county_admin, reporter, expert, auditor）/ unknown role", a->role);
        rc = CS_EDATA;
    }
    if (a->region) {
        cs_region r;
        cs_status q = cs_store_region(s, a->region, &r, diag);
        if (q == CS_ENOTFOUND) {
            cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "地区代码 %s 不存在 / unknown region %s", a->region, a->region);
            rc = CS_EDATA;
        } else if (q != CS_OK) {
            return q;
        }
    }
    return rc;
}

/* An administrator's region is of its level: a province for province_admin, and so on. */
static cs_status check_admin_level(cs_store *s, const char *role, const char *region, cs_diag *diag)
{
    static const char *const admin[][2] = {{CS_ROLE_PROVINCE_ADMIN, "province"}, {CS_ROLE_CITY_ADMIN, "city"},
                                           {CS_ROLE_COUNTY_ADMIN, "county"}};
    for (int i = 0; i < 3; i++) {
        if (strcmp(role, admin[i][0])) continue;
        cs_region r;
        cs_status rc = cs_store_region(s, region, &r, diag);
        if (rc != CS_OK) return rc;
        if (strcmp(r.level, admin[i][1])) {
            cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "角色 %s 须属于%s级地区，%s 是%s级 / a %s belongs to a %s, %s is a %s", role,
                         admin[i][1], region, r.level, role, admin[i][1], region, r.level);
            return CS_EDATA;
        }
    }
    return CS_OK;
}

cs_status cs_store_add_account(cs_store *s, const cs_account *a, const char *password, const char *actor,
                               int64_t *out_id, cs_diag *diag)
{
    if (out_id) *out_id = 0;
    if (!a->login || !a->name || !a->role || !a->region) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "账号需要登录名、姓名、角色和地区 / an account needs login, name, role and region");
        return CS_EDATA;
    }
    cs_status rc = check_account(s, a, diag);
    if (rc != CS_OK) return rc;
    if (!strcmp(a->role, CS_ROLE_REPORTER) && (!a->department || !*a->department)) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "填报人员账号需要牵头部门 / a reporter account needs its lead department");
        return CS_EDATA;
    }
    if ((rc = check_admin_level(s, a->role, a->region, diag)) != CS_OK) return rc;
    char hash[crypto_pwhash_STRBYTES];
    if ((rc = hash_password(password ? password : "", hash, diag)) != CS_OK) return rc;
    char now[32];
    cs__store_now(now);
    if ((rc = cs__store_begin(s, diag)) != CS_OK) return rc;
    cs__stmt *st = cs__store_prepare(s, "SELECT id FROM account WHERE login = $1", diag);
    if (!st) goto db_fail;
    s->be->bind_text(st, 1, a->login);
    int r = s->be->step(st, diag);
    s->be->finalize(st);
    if (r == CS__STEP_ERROR) goto db_fail;
    if (r == CS__STEP_ROW) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "登录名 %s 已被使用 / the login %s is taken", a->login, a->login);
        cs__store_rollback(s);
        return CS_ECONFLICT;
    }
    st = cs__store_prepare(s,
                           "INSERT INTO account (login, name, password_hash, role, region, department, active, created_at, changed_at)"
                           " VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7)", diag);
    if (!st) goto db_fail;
    s->be->bind_text(st, 1, a->login);
    s->be->bind_text(st, 2, a->name);
    s->be->bind_text(st, 3, hash);
    s->be->bind_text(st, 4, a->role);
    s->be->bind_text(st, 5, a->region);
    s->be->bind_text(st, 6, a->department ? a->department : "");
    s->be->bind_text(st, 7, now);
    r = s->be->step(st, diag);
    s->be->finalize(st);
    if (r == CS__STEP_ERROR) goto db_fail;
    st = cs__store_prepare(s, "SELECT id FROM account WHERE login = $1", diag);
    if (!st) goto db_fail;
    s->be->bind_text(st, 1, a->login);
    int64_t id = 0;
    if (s->be->step(st, diag) == CS__STEP_ROW) id = s->be->column_int(st, 0);
    s->be->finalize(st);
    cs_account shown = *a;
    shown.active = 1;
    json_t *detail = json_pack("{s:n, s:o}", "before", "after", account_json(&shown));
    char object[48];
    snprintf(object, sizeof object, "account/%lld", (long long)id);
    if (cs__audit_append(s, actor, "account.create", object, detail, diag) != CS_OK) goto db_fail;
    if ((rc = cs__store_commit(s, diag)) != CS_OK) return rc;
    if (out_id) *out_id = id;
    return CS_OK;
db_fail:
    cs__store_rollback(s);
    return CS_EDB;
}

cs_status cs_store_account(cs_store *s, int64_t id, const char *login, cs_account *out, cs_diag *diag)
{
    cs__stmt *st = cs__store_prepare(s, login ? "SELECT " ACCOUNT_COLUMNS " FROM account WHERE login = $1"
                                              : "SELECT " ACCOUNT_COLUMNS " FROM account WHERE id = $1", diag);
    if (!st) return CS_EDB;
    if (login) s->be->bind_text(st, 1, login);
    else s->be->bind_int(st, 1, id);
    int r = s->be->step(st, diag);
    if (r == CS__STEP_ROW) account_from_row(s, st, 0, out);
    s->be->finalize(st);
    if (r == CS__STEP_ERROR) return CS_EDB;
    if (r != CS__STEP_ROW) {
        if (login) cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "没有账号 %s / no account %s", login, login);
        else cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "没有编号为 %lld 的账号 / no account %lld", (long long)id, (long long)id);
        return CS_ENOTFOUND;
    }
    return CS_OK;
}

cs_status cs_store_update_account(cs_store *s, int64_t id, const cs_account *changes, const char *password,
                                  const char *actor, cs_diag *diag)
{
    cs_account before;
    cs_status rc = cs_store_account(s, id, NULL, &before, diag);
    if (rc != CS_OK) return rc;
    json_t *before_json = account_json(&before);
    cs_account after = before;
    /* copies: the scratch buffers of `before` are reused by the checks below */
    char *keep[5] = {cs__xstrdup(before.login), cs__xstrdup(before.name), cs__xstrdup(before.role),
                     cs__xstrdup(before.region), cs__xstrdup(before.department)};
    after.login = keep[0];
    after.name = changes->name ? changes->name : keep[1];
    after.role = changes->role ? changes->role : keep[2];
    after.region = changes->region ? changes->region : keep[3];
    after.department = changes->department ? changes->department : keep[4];
    if (changes->active >= 0) after.active = changes->active;
    cs_account check = {0, NULL, changes->name, changes->role, changes->region, NULL, 0, NULL, NULL};
    char hash[crypto_pwhash_STRBYTES] = "";
    if ((rc = check_account(s, &check, diag)) != CS_OK) goto out;
    if (!strcmp(after.role, CS_ROLE_REPORTER) && !*after.department) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "填报人员账号需要牵头部门 / a reporter account needs its lead department");
        rc = CS_EDATA;
        goto out;
    }
    if ((rc = check_admin_level(s, after.role, after.region, diag)) != CS_OK) goto out;
    if (password && (rc = hash_password(password, hash, diag)) != CS_OK) goto out;
    char now[32];
    cs__store_now(now);
    if ((rc = cs__store_begin(s, diag)) != CS_OK) goto out;
    cs__stmt *st = cs__store_prepare(s,
                                     "UPDATE account SET name = $2, role = $3, region = $4, department = $5, active = $6,"
                                     " password_hash = CASE WHEN $7 = '' THEN password_hash ELSE $7 END, changed_at = $8"
                                     " WHERE id = $1", diag);
    int r = CS__STEP_ERROR;
    if (st) {
        s->be->bind_int(st, 1, id);
        s->be->bind_text(st, 2, after.name);
        s->be->bind_text(st, 3, after.role);
        s->be->bind_text(st, 4, after.region);
        s->be->bind_text(st, 5, after.department);
        s->be->bind_int(st, 6, after.active);
        s->be->bind_text(st, 7, hash);
        s->be->bind_text(st, 8, now);
        r = s->be->step(st, diag);
        s->be->finalize(st);
    }
    /* a deactivated account, or one whose password or role changed, loses its sessions */
    if (r != CS__STEP_ERROR && (!after.active || password || strcmp(after.role, keep[2]) || strcmp(after.region, keep[3]))) {
        st = cs__store_prepare(s, "DELETE FROM session WHERE account_id = $1", diag);
        r = CS__STEP_ERROR;
        if (st) {
            s->be->bind_int(st, 1, id);
            r = s->be->step(st, diag);
            s->be->finalize(st);
        }
    }
    if (r == CS__STEP_ERROR) {
        cs__store_rollback(s);
        rc = CS_EDB;
        goto out;
    }
    json_t *after_json = account_json(&after);
    if (password) json_object_set_new(after_json, "password", json_string("（已更改 / changed）"));
    char object[48];
    snprintf(object, sizeof object, "account/%lld", (long long)id);
    json_t *detail = json_pack("{s:O, s:o}", "before", before_json, "after", after_json);
    if ((rc = cs__audit_append(s, actor, "account.update", object, detail, diag)) != CS_OK) {
        cs__store_rollback(s);
        goto out;
    }
    rc = cs__store_commit(s, diag);
out:
    json_decref(before_json);
    for (int i = 0; i < 5; i++) free(keep[i]);
    return rc;
}

typedef struct {
    cs__strmap *subtree;
    cs_account_fn fn;
    void *ctx;
} accounts_ctx;

cs_status cs_store_accounts(cs_store *s, const char *root, cs_account_fn fn, void *ctx, cs_diag *diag)
{
    cs__strmap subtree = {0};
    cs_status rc = CS_OK;
    if (root && (rc = cs__store_region_subtree(s, root, &subtree, diag)) != CS_OK) goto out;
    cs__stmt *st = cs__store_prepare(s, "SELECT " ACCOUNT_COLUMNS " FROM account ORDER BY login", diag);
    if (!st) {
        rc = CS_EDB;
        goto out;
    }
    int r;
    while ((r = s->be->step(st, diag)) == CS__STEP_ROW) {
        cs_account a;
        account_from_row(s, st, 0, &a);
        if (root && cs__strmap_find(&subtree, a.region) < 0) continue;
        if (fn(ctx, &a)) break;
    }
    s->be->finalize(st);
    if (r == CS__STEP_ERROR) rc = CS_EDB;
out:
    cs__strmap_free(&subtree);
    return rc;
}

/* ---- Sessions ------------------------------------------------------------------------------- */

static void random_hex(char out[65])
{
    unsigned char bytes[32];
    randombytes_buf(bytes, sizeof bytes);
    sodium_bin2hex(out, 65, bytes, sizeof bytes);
}

static cs_status count_failures(cs_store *s, const char *column, const char *key, int64_t since, int64_t *n,
                                cs_diag *diag)
{
    char sql[256];
    /* failures since the last success of that login or origin, within the window */
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM login_attempt WHERE %s = $1 AND ok = 0 AND at > $2 AND id > COALESCE("
             "(SELECT MAX(id) FROM login_attempt WHERE %s = $1 AND ok = 1), 0)", column, column);
    cs__stmt *st = cs__store_prepare(s, sql, diag);
    if (!st) return CS_EDB;
    s->be->bind_text(st, 1, key);
    s->be->bind_int(st, 2, since);
    int r = s->be->step(st, diag);
    *n = r == CS__STEP_ROW ? s->be->column_int(st, 0) : 0;
    s->be->finalize(st);
    return r == CS__STEP_ERROR ? CS_EDB : CS_OK;
}

/* Takes one attempt for login from the store's origin: refused (CS_ELIMIT) when too many failed
 * lately; otherwise recorded at once as a failure (*attempt its id), so that attempts running at
 * the same time count each other, and marked a success by attempt_succeeded. */
static cs_status attempt_begin(cs_store *s, const char *login, int64_t *attempt, cs_diag *diag)
{
    const char *origin = *s->origin ? s->origin : "cli";
    int64_t now = (int64_t)time(NULL), by_login = 0, by_origin = 0;
    cs_status rc = cs__store_begin(s, diag);
    if (rc != CS_OK) return rc;
    /* attempts running at the same time count one after the other */
    if (cs__store_lock_table(s, "login_attempt", diag) != CS_OK) rc = CS_EDB;
    if (rc == CS_OK) rc = count_failures(s, "login", login, now - CS_LOGIN_WINDOW, &by_login, diag);
    if (rc == CS_OK) rc = count_failures(s, "origin", origin, now - CS_LOGIN_WINDOW, &by_origin, diag);
    if (rc == CS_OK && (by_login >= CS_LOGIN_MAX_FAILURES || by_origin >= 4 * CS_LOGIN_MAX_FAILURES)) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0,
                     "登录失败次数过多，请 %d 分钟后再试 / too many failed logins: try again in %d minutes", CS_LOGIN_WINDOW / 60,
                     CS_LOGIN_WINDOW / 60);
        rc = CS_ELIMIT;
    }
    if (rc == CS_OK) {
        cs__stmt *st = cs__store_prepare(s, "INSERT INTO login_attempt (login, origin, at, ok) VALUES ($1, $2, $3, 0) RETURNING id", diag);
        int r = CS__STEP_ERROR;
        if (st) {
            s->be->bind_text(st, 1, login);
            s->be->bind_text(st, 2, origin);
            s->be->bind_int(st, 3, now);
            r = s->be->step(st, diag);
            if (r == CS__STEP_ROW) *attempt = s->be->column_int(st, 0), r = s->be->step(st, diag);
            s->be->finalize(st);
        }
        if (r == CS__STEP_ERROR) rc = CS_EDB;
    }
    if (rc != CS_OK) {
        cs__store_rollback(s);
        return rc;
    }
    return cs__store_commit(s, diag);
}

/* Within the caller's transaction. */
static cs_status attempt_succeeded(cs_store *s, int64_t attempt, cs_diag *diag)
{
    cs__stmt *st = cs__store_prepare(s, "UPDATE login_attempt SET ok = 1 WHERE id = $1", diag);
    if (!st) return CS_EDB;
    s->be->bind_int(st, 1, attempt);
    int r = s->be->step(st, diag);
    s->be->finalize(st);
    return r == CS__STEP_ERROR ? CS_EDB : CS_OK;
}

cs_status cs_store_login(cs_store *s, const char *login, const char *password, int64_t ttl, char token[65],
                         char csrf[65], cs_account *out, cs_diag *diag)
{
    token[0] = csrf[0] = 0;
    const char *origin = *s->origin ? s->origin : "cli";
    int64_t now = (int64_t)time(NULL), attempt = 0;
    cs_status rc;
    if ((rc = attempt_begin(s, login, &attempt, diag)) != CS_OK) return rc;
    char hash[crypto_pwhash_STRBYTES] = "";
    int64_t id = 0, active = 0;
    cs__stmt *st = cs__store_prepare(s, "SELECT id, password_hash, active FROM account WHERE login = $1", diag);
    if (!st) return CS_EDB;
    s->be->bind_text(st, 1, login);
    int r = s->be->step(st, diag);
    if (r == CS__STEP_ROW) {
        id = s->be->column_int(st, 0);
        snprintf(hash, sizeof hash, "%s", s->be->column_text(st, 1));
        active = s->be->column_int(st, 2);
    }
    s->be->finalize(st);
    if (r == CS__STEP_ERROR) return CS_EDB;
    int ok = 0;
    if (id) {
        ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0 && active;
    } else {
        /* an unknown login costs the same time as a wrong password */
        char spent[crypto_pwhash_STRBYTES];
        if (crypto_pwhash_str_alg(spent, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                    crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
            spent[0] = 0;
    }
    if (!ok) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "用户名或密码错误 / wrong login or password");
        return CS_EAUTH;
    }
    if ((rc = cs__store_begin(s, diag)) != CS_OK) return rc;
    if ((rc = attempt_succeeded(s, attempt, diag)) != CS_OK) goto fail;
    random_hex(token);
    random_hex(csrf);
    char token_hash[65], at[32];
    cs__sha256_hex(token, 64, token_hash);
    cs__store_now(at);
    st = cs__store_prepare(s, "INSERT INTO session (token_sha256, account_id, csrf, origin, created_at, expires)"
                              " VALUES ($1, $2, $3, $4, $5, $6)", diag);
    if (!st) {
        rc = CS_EDB;
        goto fail;
    }
    s->be->bind_text(st, 1, token_hash);
    s->be->bind_int(st, 2, id);
    s->be->bind_text(st, 3, csrf);
    s->be->bind_text(st, 4, origin);
    s->be->bind_text(st, 5, at);
    s->be->bind_int(st, 6, now + ttl);
    r = s->be->step(st, diag);
    s->be->finalize(st);
    if (r == CS__STEP_ERROR) {
        rc = CS_EDB;
        goto fail;
    }
    /* old sessions and attempts are cleared as new ones come */
    st = cs__store_prepare(s, "DELETE FROM session WHERE expires < $1", diag);
    if (st) {
        s->be->bind_int(st, 1, now);
        s->be->step(st, diag);
        s->be->finalize(st);
    }
    st = cs__store_prepare(s, "DELETE FROM login_attempt WHERE at < $1", diag);
    if (st) {
        s->be->bind_int(st, 1, now - 2 * CS_LOGIN_WINDOW);
        s->be->step(st, diag);
        s->be->finalize(st);
    }
    char object[48];
    snprintf(object, sizeof object, "account/%lld", (long long)id);
    if ((rc = cs__audit_append(s, login, "session.login", object, json_pack("{s:s}", "session", token_hash), diag)) != CS_OK)
        goto fail;
    if ((rc = cs__store_commit(s, diag)) != CS_OK) return rc;
    if (out) return cs_store_account(s, id, NULL, out, diag);
    return CS_OK;
fail:
    cs__store_rollback(s);
    token[0] = csrf[0] = 0;
    return rc;
}

cs_status cs_store_session(cs_store *s, const char *token, cs_account *out, char csrf[65], cs_diag *diag)
{
    csrf[0] = 0;
    if (!token || strlen(token) != 64) return CS_ENOTFOUND;
    char token_hash[65];
    cs__sha256_hex(token, 64, token_hash);
    cs__stmt *st = cs__store_prepare(s,
                                     "SELECT a.id, a.login, a.name, a.role, a.region, a.department, a.active, a.created_at,"
                                     " a.changed_at, s.csrf FROM session s JOIN account a ON a.id = s.account_id"
                                     " WHERE s.token_sha256 = $1 AND s.expires > $2 AND a.active = 1", diag);
    if (!st) return CS_EDB;
    s->be->bind_text(st, 1, token_hash);
    s->be->bind_int(st, 2, (int64_t)time(NULL));
    int r = s->be->step(st, diag);
    if (r == CS__STEP_ROW) {
        account_from_row(s, st, 0, out);
        snprintf(csrf, 65, "%s", s->be->column_text(st, 9));
    }
    s->be->finalize(st);
    if (r == CS__STEP_ERROR) return CS_EDB;
    return r == CS__STEP_ROW ? CS_OK : CS_ENOTFOUND;
}

cs_status cs_store_logout(cs_store *s, const char *token, const char *actor, cs_diag *diag)
{
    if (!token || strlen(token) != 64) return CS_OK;
    char token_hash[65];
    cs__sha256_hex(token, 64, token_hash);
    cs_status rc = cs__store_begin(s, diag);
    if (rc != CS_OK) return rc;
    cs__stmt *st = cs__store_prepare(s, "DELETE FROM session WHERE token_sha256 = $1", diag);
    int r = CS__STEP_ERROR;
    if (st) {
        s->be->bind_text(st, 1, token_hash);
        r = s->be->step(st, diag);
        s->be->finalize(st);
    }
    if (r == CS__STEP_ERROR ||
        cs__audit_append(s, actor, "session.logout", "session", json_pack("{s:s}", "session", token_hash), diag) != CS_OK) {
        cs__store_rollback(s);
        return CS_EDB;
    }
    return cs__store_commit(s, diag);
}

cs_status cs_store_change_password(cs_store *s, int64_t id, const char *current, const char *password, cs_diag *diag)
{
    cs__stmt *st = cs__store_prepare(s, "SELECT password_hash, login FROM account WHERE id = $1 AND active = 1", diag);
    if (!st) return CS_EDB;
    s->be->bind_int(st, 1, id);
    char hash[crypto_pwhash_STRBYTES] = "", login[80] = "";
    int r = s->be->step(st, diag);
    if (r == CS__STEP_ROW) {
        snprintf(hash, sizeof hash, "%s", s->be->column_text(st, 0));
        snprintf(login, sizeof login, "%s", s->be->column_text(st, 1));
    }
    s->be->finalize(st);
    if (r == CS__STEP_ERROR) return CS_EDB;
    /* guessing the current password counts against the same limit as logging in */
    int64_t attempt = 0;
    cs_status rc = attempt_begin(s, login, &attempt, diag);
    if (rc != CS_OK) return rc;
    if (r != CS__STEP_ROW || crypto_pwhash_str_verify(hash, current, strlen(current)) != 0) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "当前密码不正确 / the current password is wrong");
        return CS_EAUTH;
    }
    if ((rc = cs__store_begin(s, diag)) != CS_OK) return rc;
    if ((rc = attempt_succeeded(s, attempt, diag)) != CS_OK) {
        cs__store_rollback(s);
        return rc;
    }
    if ((rc = cs__store_commit(s, diag)) != CS_OK) return rc;
    cs_account keep = {0, NULL, NULL, NULL, NULL, NULL, -1};
    return cs_store_update_account(s, id, &keep, password, login, diag);
}
