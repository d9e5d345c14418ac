/*
 * @polytask/cpu-kernels: Node-API addon over system CBLAS (OpenBLAS) for the compute-heavy TensorFlow.js kernels.
 *
 * Every function works in place on caller-provided Float32Arrays (views into the wasm heap or plain JS buffers):
 * no copies in or out. GEMMs go to cblas_sgemm (OpenBLAS threads them itself and keeps small ones on one thread);
 * convolutions are im2col/col2im + sgemm, NHWC activations and [fh, fw, inC, outC] filters as in tfjs.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* OpenBLAS extras (declared here so that any cblas.h works). */
extern void openblas_set_num_threads(int num_threads) __attribute__((weak));
extern int openblas_get_num_threads(void) __attribute__((weak));
extern char *openblas_get_corename(void) __attribute__((weak));
extern char *openblas_get_config(void) __attribute__((weak));

#define CHECK(call)                                                   \
  do {                                                                \
    if ((call) != napi_ok) {                                          \
      napi_throw_error(env, NULL, "cpu-kernels: N-API call failed");  \
      return NULL;                                                    \
    }                                                                 \
  } while (0)

/* im2col buffers above this many floats are processed in batch chunks. */
#define COL_LIMIT (16 * 1024 * 1024)

static int arg_f32(napi_env env, napi_value v, float **out, size_t *len) {
  napi_typedarray_type type;
  size_t length;
  void *data;
  napi_value ab;
  size_t off;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, &ab, &off) != napi_ok || type != napi_float32_array) {
    napi_throw_type_error(env, NULL, "cpu-kernels: expected a Float32Array");
    return 0;
  }
  *out = (float *)data;
  if (len) *len = length;
  return 1;
}

static int arg_f32_or_null(napi_env env, napi_value v, float **out, size_t *len) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t == napi_null || t == napi_undefined) {
    *out = NULL;
    if (len) *len = 0;
    return 1;
  }
  return arg_f32(env, v, out, len);
}

static int arg_i32_array_or_null(napi_env env, napi_value v, int32_t **out, size_t *len) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t == napi_null || t == napi_undefined) {
    *out = NULL;
    *len = 0;
    return 1;
  }
  napi_typedarray_type type;
  void *data;
  napi_value ab;
  size_t off;
  if (napi_get_typedarray_info(env, v, &type, len, &data, &ab, &off) != napi_ok || type != napi_int32_array) {
    napi_throw_type_error(env, NULL, "cpu-kernels: expected an Int32Array");
    return 0;
  }
  *out = (int32_t *)data;
  return 1;
}

static int64_t arg_int(napi_env env, napi_value v) {
  int64_t r = 0;
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t == napi_boolean) {
    bool b;
    napi_get_value_bool(env, v, &b);
    return b ? 1 : 0;
  }
  napi_get_value_int64(env, v, &r);
  return r;
}

static double arg_double(napi_env env, napi_value v) {
  double r = 0;
  napi_get_value_double(env, v, &r);
  return r;
}

/* ---------------------------------------------------------------- epilogue: bias + activation, in place */

enum { ACT_LINEAR = 0, ACT_RELU = 1, ACT_RELU6 = 2, ACT_ELU = 3, ACT_LEAKYRELU = 4, ACT_PRELU = 5, ACT_SIGMOID = 6 };

static void epilogue(float *y, int64_t rows, int64_t cols, const float *bias, int64_t biasLen, int act, float alpha,
                     const float *prelu, int64_t preluLen) {
  if (!bias && act == ACT_LINEAR) return;
  for (int64_t r = 0; r < rows; r++) {
    float *row = y + r * cols;
    if (bias) {
      if (biasLen == cols)
        for (int64_t c = 0; c < cols; c++) row[c] += bias[c];
      else
        for (int64_t c = 0; c < cols; c++) row[c] += bias[0];
    }
    switch (act) {
      case ACT_RELU:
        for (int64_t c = 0; c < cols; c++) row[c] = row[c] > 0.f ? row[c] : 0.f;
        break;
      case ACT_RELU6:
        for (int64_t c = 0; c < cols; c++) row[c] = row[c] < 0.f ? 0.f : (row[c] > 6.f ? 6.f : row[c]);
        break;
      case ACT_ELU:
        for (int64_t c = 0; c < cols; c++) row[c] = row[c] >= 0.f ? row[c] : expf(row[c]) - 1.f;
        break;
      case ACT_LEAKYRELU:
        for (int64_t c = 0; c < cols; c++) row[c] = row[c] < 0.f ? alpha * row[c] : row[c];
        break;
      case ACT_PRELU:
        for (int64_t c = 0; c < cols; c++) {
          float a = preluLen == cols ? prelu[c] : prelu[0];
          row[c] = row[c] < 0.f ? a * row[c] : row[c];
        }
        break;
      case ACT_SIGMOID:
        for (int64_t c = 0; c < cols; c++) row[c] = 1.f / (1.f + expf(-row[c]));
        break;
      default:
        break;
    }
  }
}

/* ---------------------------------------------------------------- GEMM */

/*
 * batchMatMul(a, b, out, batch, M, N, K, transA, transB, aIndex|null, bIndex|null)
 * out[i] = op(a[aIndex[i]]) x op(b[bIndex[i]]), row-major; a matrix is M x K (K x M when transposed), b K x N (N x K).
 * A null index means "batch i" (or 0 when that operand has a single matrix).
 */
static napi_value BatchMatMul(napi_env env, napi_callback_info info) {
  size_t argc = 11;
  napi_value argv[11];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 9) {
    napi_throw_error(env, NULL, "batchMatMul: too few arguments");
    return NULL;
  }
  float *a, *b, *c;
  size_t la, lb, lc;
  if (!arg_f32(env, argv[0], &a, &la) || !arg_f32(env, argv[1], &b, &lb) || !arg_f32(env, argv[2], &c, &lc)) return NULL;
  int64_t batch = arg_int(env, argv[3]), M = arg_int(env, argv[4]), N = arg_int(env, argv[5]), K = arg_int(env, argv[6]);
  int ta = (int)arg_int(env, argv[7]), tb = (int)arg_int(env, argv[8]);
  int32_t *ai = NULL, *bi = NULL;
  size_t lai = 0, lbi = 0;
  if (argc > 9 && !arg_i32_array_or_null(env, argv[9], &ai, &lai)) return NULL;
  if (argc > 10 && !arg_i32_array_or_null(env, argv[10], &bi, &lbi)) return NULL;
  int64_t aMat = M * K, bMat = K * N, cMat = M * N;
  int64_t aCount = aMat ? (int64_t)la / aMat : 0, bCount = bMat ? (int64_t)lb / bMat : 0;
  if ((int64_t)lc < batch * cMat) {
    napi_throw_range_error(env, NULL, "batchMatMul: output too small");
    return NULL;
  }
  if (K == 0) {
    memset(c, 0, sizeof(float) * batch * cMat);
    return NULL;
  }
  for (int64_t i = 0; i < batch; i++) {
    int64_t ia = ai ? ai[i] : (aCount == 1 ? 0 : i);
    int64_t ib = bi ? bi[i] : (bCount == 1 ? 0 : i);
    if (ia >= aCount || ib >= bCount || ia < 0 || ib < 0) {
      napi_throw_range_error(env, NULL, "batchMatMul: batch index out of range");
      return NULL;
    }
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)M, (int)N, (int)K,
                1.0f, a + ia * aMat, ta ? (int)M : (int)K, b + ib * bMat, tb ? (int)K : (int)N, 0.0f, c + i * cMat,
                (int)N);
  }
  return NULL;
}

/* epilogue(y, rows, cols, bias|null, act, alpha, prelu|null) */
static napi_value Epilogue(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  float *y, *bias, *prelu;
  size_t ly, lbias, lprelu;
  if (!arg_f32(env, argv[0], &y, &ly) || !arg_f32_or_null(env, argv[3], &bias, &lbias) ||
      !arg_f32_or_null(env, argv[6], &prelu, &lprelu))
    return NULL;
  int64_t rows = arg_int(env, argv[1]), cols = arg_int(env, argv[2]);
  int act = (int)arg_int(env, argv[4]);
  float alpha = (float)arg_double(env, argv[5]);
  if ((int64_t)ly < rows * cols || (act == ACT_PRELU && !prelu)) {
    napi_throw_range_error(env, NULL, "epilogue: bad arguments");
    return NULL;
  }
  epilogue(y, rows, cols, bias, (int64_t)lbias, act, alpha, prelu, (int64_t)lprelu);
  return NULL;
}

/* ---------------------------------------------------------------- convolution (NHWC) */

typedef struct {
  int64_t n, h, w, cin, oh, ow, cout, fh, fw, sh, sw, dh, dw, pt, pl;
} ConvGeom;

static void read_geom(napi_env env, napi_value *v, ConvGeom *g) {
  int64_t *f = &g->n;
  for (int i = 0; i < 15; i++) f[i] = arg_int(env, v[i]);
}

static int is_pointwise(const ConvGeom *g) {
  return g->fh == 1 && g->fw == 1 && g->sh == 1 && g->sw == 1 && g->pt == 0 && g->pl == 0 && g->oh == g->h &&
         g->ow == g->w;
}

/* col[(b, oy, ox), (ky, kx, ci)] for images [b0, b0 + nb) */
static void im2col(const ConvGeom *g, const float *x, int64_t b0, int64_t nb, float *col) {
  const int64_t K = g->fh * g->fw * g->cin;
  for (int64_t b = 0; b < nb; b++) {
    const float *img = x + (b0 + b) * g->h * g->w * g->cin;
    for (int64_t oy = 0; oy < g->oh; oy++) {
      for (int64_t ox = 0; ox < g->ow; ox++) {
        float *dst = col + ((b * g->oh + oy) * g->ow + ox) * K;
        for (int64_t ky = 0; ky < g->fh; ky++) {
          int64_t iy = oy * g->sh - g->pt + ky * g->dh;
          for (int64_t kx = 0; kx < g->fw; kx++) {
            int64_t ix = ox * g->sw - g->pl + kx * g->dw;
            float *d = dst + (ky * g->fw + kx) * g->cin;
            if (iy < 0 || iy >= g->h || ix < 0 || ix >= g->w)
              memset(d, 0, sizeof(float) * g->cin);
            else
              memcpy(d, img + (iy * g->w + ix) * g->cin, sizeof(float) * g->cin);
          }
        }
      }
    }
  }
}

/* dx[b0 .. b0 + nb) += scatter of col (dx must be zeroed by the caller) */
static void col2im(const ConvGeom *g, const float *col, int64_t b0, int64_t nb, float *dx) {
  const int64_t K = g->fh * g->fw * g->cin;
  for (int64_t b = 0; b < nb; b++) {
    float *img = dx + (b0 + b) * g->h * g->w * g->cin;
    for (int64_t oy = 0; oy < g->oh; oy++) {
      for (int64_t ox = 0; ox < g->ow; ox++) {
        const float *src = col + ((b * g->oh + oy) * g->ow + ox) * K;
        for (int64_t ky = 0; ky < g->fh; ky++) {
          int64_t iy = oy * g->sh - g->pt + ky * g->dh;
          if (iy < 0 || iy >= g->h) continue;
          for (int64_t kx = 0; kx < g->fw; kx++) {
            int64_t ix = ox * g->sw - g->pl + kx * g->dw;
            if (ix < 0 || ix >= g->w) continue;
            const float *s = src + (ky * g->fw + kx) * g->cin;
            float *d = img + (iy * g->w + ix) * g->cin;
            for (int64_t c = 0; c < g->cin; c++) d[c] += s[c];
          }
        }
      }
    }
  }
}

/*
 * Grow-only scratch buffer for the im2col matrix, one per thread (worker_threads each get their own). Reusing it
 * avoids a fresh multi-MB malloc per call, which glibc serves with mmap: every call would page-fault the whole
 * matrix in again (that cost more than the GEMM).
 */
static _Thread_local float *scratch = NULL;
static _Thread_local size_t scratch_len = 0;

static float *get_scratch(size_t floats) {
  if (floats > scratch_len) {
    free(scratch);
    scratch = (float *)malloc(sizeof(float) * floats);
    scratch_len = scratch ? floats : 0;
  }
  return scratch;
}

static int64_t chunk_images(const ConvGeom *g) {
  int64_t per = g->oh * g->ow * g->fh * g->fw * g->cin;
  int64_t nb = per > 0 ? COL_LIMIT / per : g->n;
  if (nb < 1) nb = 1;
  if (nb > g->n) nb = g->n;
  return nb;
}

static int check_sizes(napi_env env, const ConvGeom *g, size_t lx, size_t lf, size_t ly) {
  if ((int64_t)lx < g->n * g->h * g->w * g->cin || (int64_t)lf < g->fh * g->fw * g->cin * g->cout ||
      (int64_t)ly < g->n * g->oh * g->ow * g->cout) {
    napi_throw_range_error(env, NULL, "conv2d: buffer sizes do not match the geometry");
    return 0;
  }
  return 1;
}

/* conv2d(x, filter, y, n, h, w, cin, oh, ow, cout, fh, fw, sh, sw, dh, dw, pt, pl, bias|null, act, alpha, prelu|null) */
static napi_value Conv2d(napi_env env, napi_callback_info info) {
  size_t argc = 22;
  napi_value argv[22];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 18) {
    napi_throw_error(env, NULL, "conv2d: too few arguments");
    return NULL;
  }
  float *x, *f, *y, *bias = NULL, *prelu = NULL;
  size_t lx, lf, ly, lbias = 0, lprelu = 0;
  if (!arg_f32(env, argv[0], &x, &lx) || !arg_f32(env, argv[1], &f, &lf) || !arg_f32(env, argv[2], &y, &ly)) return NULL;
  ConvGeom g;
  read_geom(env, argv + 3, &g);
  if (!check_sizes(env, &g, lx, lf, ly)) return NULL;
  int act = 0;
  float alpha = 0;
  if (argc >= 22) {
    if (!arg_f32_or_null(env, argv[18], &bias, &lbias) || !arg_f32_or_null(env, argv[21], &prelu, &lprelu)) return NULL;
    act = (int)arg_int(env, argv[19]);
    alpha = (float)arg_double(env, argv[20]);
  }
  const int64_t K = g.fh * g.fw * g.cin, P = g.oh * g.ow;
  if (is_pointwise(&g)) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)(g.n * P), (int)g.cout, (int)K, 1.0f, x, (int)K, f,
                (int)g.cout, 0.0f, y, (int)g.cout);
  } else {
    int64_t nb = chunk_images(&g);
    float *col = get_scratch((size_t)(nb * P * K));
    if (!col) {
      napi_throw_error(env, NULL, "conv2d: out of memory");
      return NULL;
    }
    for (int64_t b0 = 0; b0 < g.n; b0 += nb) {
      int64_t cnt = g.n - b0 < nb ? g.n - b0 : nb;
      im2col(&g, x, b0, cnt, col);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)(cnt * P), (int)g.cout, (int)K, 1.0f, col, (int)K, f,
                  (int)g.cout, 0.0f, y + b0 * P * g.cout, (int)g.cout);
    }
  }
  epilogue(y, g.n * P, g.cout, bias, (int64_t)lbias, act, alpha, prelu, (int64_t)lprelu);
  return NULL;
}

/* conv2dBackpropInput(dy, filter, dx, geometry...) : dx = col2im(dy x filter^T) */
static napi_value Conv2dBackpropInput(napi_env env, napi_callback_info info) {
  size_t argc = 18;
  napi_value argv[18];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 18) {
    napi_throw_error(env, NULL, "conv2dBackpropInput: too few arguments");
    return NULL;
  }
  float *dy, *f, *dx;
  size_t ldy, lf, ldx;
  if (!arg_f32(env, argv[0], &dy, &ldy) || !arg_f32(env, argv[1], &f, &lf) || !arg_f32(env, argv[2], &dx, &ldx))
    return NULL;
  ConvGeom g;
  read_geom(env, argv + 3, &g);
  if (!check_sizes(env, &g, ldx, lf, ldy)) return NULL;
  const int64_t K = g.fh * g.fw * g.cin, P = g.oh * g.ow;
  if (is_pointwise(&g)) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)(g.n * P), (int)K, (int)g.cout, 1.0f, dy, (int)g.cout, f,
                (int)g.cout, 0.0f, dx, (int)K);
    return NULL;
  }
  memset(dx, 0, sizeof(float) * g.n * g.h * g.w * g.cin);
  int64_t nb = chunk_images(&g);
  float *col = get_scratch((size_t)(nb * P * K));
  if (!col) {
    napi_throw_error(env, NULL, "conv2dBackpropInput: out of memory");
    return NULL;
  }
  for (int64_t b0 = 0; b0 < g.n; b0 += nb) {
    int64_t cnt = g.n - b0 < nb ? g.n - b0 : nb;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)(cnt * P), (int)K, (int)g.cout, 1.0f,
                dy + b0 * P * g.cout, (int)g.cout, f, (int)g.cout, 0.0f, col, (int)K);
    col2im(&g, col, b0, cnt, dx);
  }
  return NULL;
}

/* conv2dBackpropFilter(x, dy, dw, geometry...) : dw = im2col(x)^T x dy */
static napi_value Conv2dBackpropFilter(napi_env env, napi_callback_info info) {
  size_t argc = 18;
  napi_value argv[18];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 18) {
    napi_throw_error(env, NULL, "conv2dBackpropFilter: too few arguments");
    return NULL;
  }
  float *x, *dy, *dw;
  size_t lx, ldy, ldw;
  if (!arg_f32(env, argv[0], &x, &lx) || !arg_f32(env, argv[1], &dy, &ldy) || !arg_f32(env, argv[2], &dw, &ldw))
    return NULL;
  ConvGeom g;
  read_geom(env, argv + 3, &g);
  if (!check_sizes(env, &g, lx, ldw, ldy)) return NULL;
  const int64_t K = g.fh * g.fw * g.cin, P = g.oh * g.ow;
  if (g.n * P == 0) {
    memset(dw, 0, sizeof(float) * K * g.cout);
    return NULL;
  }
  if (is_pointwise(&g)) {
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)K, (int)g.cout, (int)(g.n * P), 1.0f, x, (int)K, dy,
                (int)g.cout, 0.0f, dw, (int)g.cout);
    return NULL;
  }
  int64_t nb = chunk_images(&g);
  float *col = get_scratch((size_t)(nb * P * K));
  if (!col) {
    napi_throw_error(env, NULL, "conv2dBackpropFilter: out of memory");
    return NULL;
  }
  for (int64_t b0 = 0; b0 < g.n; b0 += nb) {
    int64_t cnt = g.n - b0 < nb ? g.n - b0 : nb;
    im2col(&g, x, b0, cnt, col);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)K, (int)g.cout, (int)(cnt * P), 1.0f, col, (int)K,
                dy + b0 * P * g.cout, (int)g.cout, b0 == 0 ? 0.0f : 1.0f, dw, (int)g.cout);
  }
  return NULL;
}

/* ---------------------------------------------------------------- element-wise */

/*
 * expf that the compiler vectorises (Cephes-style: x = n·ln2 + r, |r| ≤ ln2/2, degree-6 polynomial, 2^n through the
 * exponent bits). Relative error < 3e-7 for results in the normal float range; results below FLT_MIN flush to 0,
 * overflow gives +inf, NaN stays NaN.
 */
static inline float exp_one(float x) {
  const float hi = 88.3762626647949f, lo = -87.3365447505531f;
  float xc = x > hi ? hi : x;
  xc = xc < lo ? lo : xc;
  float t = xc * 1.44269504088896341f;
  int32_t ni = (int32_t)(t + (t >= 0.0f ? 0.5f : -0.5f));
  float n = (float)ni;
  float r = xc - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  int32_t bits = (ni + 127) << 23;
  float scale;
  memcpy(&scale, &bits, sizeof scale);
  float y = p * scale;
  y = x > hi ? __builtin_inff() : y;
  y = x < lo ? 0.0f : y;
  return x != x ? x : y;
}

static void exp_range(const float *restrict x, float *restrict y, int64_t n) {
  for (int64_t i = 0; i < n; i++) y[i] = exp_one(x[i]);
}

/* exp(x, y): y = exp(x), element-wise. */
static napi_value Exp(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  float *x, *y;
  size_t lx, ly;
  if (argc < 2 || !arg_f32(env, argv[0], &x, &lx) || !arg_f32(env, argv[1], &y, &ly)) return NULL;
  if (ly < lx) {
    napi_throw_range_error(env, NULL, "exp: output too small");
    return NULL;
  }
  exp_range(x, y, (int64_t)lx);
  return NULL;
}

/* ---------------------------------------------------------------- info / threads */

static napi_value Info(napi_env env, napi_callback_info info) {
  napi_value obj, v;
  CHECK(napi_create_object(env, &obj));
  const char *core = openblas_get_corename ? openblas_get_corename() : "unknown";
  const char *config = openblas_get_config ? openblas_get_config() : "cblas";
  int threads = openblas_get_num_threads ? openblas_get_num_threads() : 1;
  CHECK(napi_create_string_utf8(env, core, NAPI_AUTO_LENGTH, &v));
  CHECK(napi_set_named_property(env, obj, "core", v));
  CHECK(napi_create_string_utf8(env, config, NAPI_AUTO_LENGTH, &v));
  CHECK(napi_set_named_property(env, obj, "config", v));
  CHECK(napi_create_int32(env, threads, &v));
  CHECK(napi_set_named_property(env, obj, "threads", v));
  return obj;
}

static napi_value SetThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc >= 1 && openblas_set_num_threads) openblas_set_num_threads((int)arg_int(env, argv[0]));
  return NULL;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"batchMatMul", NULL, BatchMatMul, NULL, NULL, NULL, napi_default, NULL},
      {"epilogue", NULL, Epilogue, NULL, NULL, NULL, napi_default, NULL},
      {"conv2d", NULL, Conv2d, NULL, NULL, NULL, napi_default, NULL},
      {"conv2dBackpropInput", NULL, Conv2dBackpropInput, NULL, NULL, NULL, napi_default, NULL},
      {"conv2dBackpropFilter", NULL, Conv2dBackpropFilter, NULL, NULL, NULL, napi_default, NULL},
      {"exp", NULL, Exp, NULL, NULL, NULL, napi_default, NULL},
      {"info", NULL, Info, NULL, NULL, NULL, napi_default, NULL},
      {"setThreads", NULL, SetThreads, NULL, NULL, NULL, napi_default, NULL},
  };
  CHECK(napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
