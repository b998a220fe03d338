/* Strings, booleans and integers out of a yajl tree.
 *
 * yajl's tree converts numbers with strtoll and falls back to a double, so
 * a uint64 above INT64_MAX would lose precision; integers are read from
 * the number's own text instead. */
#include "json.h"

int json_string(struct jctx *c, yajl_val v, char **out)
{
    if (!YAJL_IS_STRING(v))
        return jctx_err(c, "expected a string");
    *out = xstrdup(v->u.string);
    return 0;
}

int json_bool(struct jctx *c, yajl_val v, bool *out)
{
    if (YAJL_IS_TRUE(v))
        *out = true;
    else if (YAJL_IS_FALSE(v))
        *out = false;
    else
        return jctx_err(c, "expected a boolean");
    return 0;
}

/* The magnitude and sign of an integer's text; false when it is not an
 * integer at all. JSON syntax was checked already: [-]digits[.digits][e..]. */
static int integer_text(struct jctx *c, yajl_val v, bool *negative, uint64_t *magnitude, bool *overflow)
{
    if (!YAJL_IS_NUMBER(v))
        return jctx_err(c, "expected an integer");
    const char *s = YAJL_GET_NUMBER(v);
    if (strpbrk(s, ".eE"))
        return jctx_err(c, "%s is not an integer", s);
    *negative = *s == '-';
    if (*negative)
        s++;
    *magnitude = 0;
    *overflow = false;
    for (; *s; s++) {
        unsigned digit = (unsigned) (*s - '0');
        if (*magnitude > (UINT64_MAX - digit) / 10)
            *overflow = true;
        else
            *magnitude = *magnitude * 10 + digit;
    }
    return 0;
}

int json_signed(struct jctx *c, yajl_val v, int64_t min, int64_t max, const char *type, int64_t *out)
{
    bool negative, overflow;
    uint64_t magnitude;
    if (integer_text(c, v, &negative, &magnitude, &overflow) < 0)
        return -1;
    /* magnitude <= 2^63 keeps the conversions below defined */
    bool fits = !overflow && (negative ? magnitude <= (uint64_t) INT64_MAX + 1 : magnitude <= (uint64_t) INT64_MAX);
    int64_t value = 0;
    if (fits)
        value = negative ? (int64_t) (0 - magnitude) : (int64_t) magnitude;
    if (!fits || value < min || value > max)
        return jctx_err(c, "%s is out of range for %s", YAJL_GET_NUMBER(v), type);
    *out = value;
    return 0;
}

int json_unsigned(struct jctx *c, yajl_val v, uint64_t max, const char *type, uint64_t *out)
{
    bool negative, overflow;
    uint64_t magnitude;
    if (integer_text(c, v, &negative, &magnitude, &overflow) < 0)
        return -1;
    if (overflow || (negative && magnitude != 0) || magnitude > max)
        return jctx_err(c, "%s is out of range for %s", YAJL_GET_NUMBER(v), type);
    *out = magnitude;
    return 0;
}

int json_u16(struct jctx *c, yajl_val v, uint16_t *out)
{
    uint64_t x;
    if (json_unsigned(c, v, UINT16_MAX, "uint16", &x) < 0)
        return -1;
    *out = (uint16_t) x;
    return 0;
}

int json_u32(struct jctx *c, yajl_val v, uint32_t *out)
{
    uint64_t x;
    if (json_unsigned(c, v, UINT32_MAX, "uint32", &x) < 0)
        return -1;
    *out = (uint32_t) x;
    return 0;
}

int json_u64(struct jctx *c, yajl_val v, uint64_t *out)
{
    return json_unsigned(c, v, UINT64_MAX, "uint64", out);
}

int json_i32(struct jctx *c, yajl_val v, int32_t *out)
{
    int64_t x;
    if (json_signed(c, v, INT32_MIN, INT32_MAX, "int32", &x) < 0)
        return -1;
    *out = (int32_t) x;
    return 0;
}

int json_i64(struct jctx *c, yajl_val v, int64_t *out)
{
    return json_signed(c, v, INT64_MIN, INT64_MAX, "int64", out);
}

int json_int(struct jctx *c, yajl_val v, int *out)
{
    int32_t x;
    if (json_i32(c, v, &x) < 0)
        return -1;
    *out = x;
    return 0;
}

int json_opt_bool(struct jctx *c, yajl_val v, bool *out, bool *has)
{
    *has = true;
    return json_bool(c, v, out);
}

int json_opt_u16(struct jctx *c, yajl_val v, uint16_t *out, bool *has)
{
    *has = true;
    return json_u16(c, v, out);
}

int json_opt_u32(struct jctx *c, yajl_val v, uint32_t *out, bool *has)
{
    *has = true;
    return json_u32(c, v, out);
}

int json_opt_u64(struct jctx *c, yajl_val v, uint64_t *out, bool *has)
{
    *has = true;
    return json_u64(c, v, out);
}

int json_opt_i64(struct jctx *c, yajl_val v, int64_t *out, bool *has)
{
    *has = true;
    return json_i64(c, v, out);
}

int json_opt_int(struct jctx *c, yajl_val v, int *out, bool *has)
{
    *has = true;
    return json_int(c, v, out);
}
