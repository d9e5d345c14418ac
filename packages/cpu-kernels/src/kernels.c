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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#ifdef POLYTASK_ONEDNN
#include "onednn.h"
#endif

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

/*
 * The element-wise loops below run on OpenMP's pool (the one oneDNN uses) from this many elements; below it waking
 * the second thread costs more than it saves. Without OpenMP they run on the calling thread.
 */
#define PARALLEL_MIN 32768

static int pool_threads(int64_t n) {
#ifdef _OPENMP
  return n >= PARALLEL_MIN ? omp_get_max_threads() : 1;
#else
  (void)n;
  return 1;
#endif
}

/*
 * The element-wise workers are compiled for AVX-512, AVX2 and baseline x86-64, picked once at load time (GCC's
 * function multi-versioning): the addon is built without -march, which alone would leave them at SSE2 width.
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define SIMD_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define SIMD_CLONES
#endif

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
  if (napi_typeof(env, v, &t) != napi_ok) return 0;
  if (t == napi_null || t == napi_undefined) {
    *out = NULL;
    if (len) *len = 0;
    return 1;
  }
  return arg_f32(env, v, out, len);
}

/* *present: whether an array was passed (an empty one may have a NULL data pointer). */
static int arg_i32_array_or_null(napi_env env, napi_value v, int32_t **out, size_t *len, int *present) {
  napi_valuetype t;
  *present = 0;
  if (napi_typeof(env, v, &t) != napi_ok) return 0;
  if (t == napi_null || t == napi_undefined) {
    *out = NULL;
    *len = 0;
    return 1;
  }
  *present = 1;
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

/*
 * Integer argument in [min, INT32_MAX] (booleans read as 0/1). Anything else throws: a missing or mistyped size used to
 * read as 0 and the kernel then silently left its output unwritten. INT32_MAX bounds every dimension because CBLAS
 * takes int sizes.
 */
static int arg_int(napi_env env, napi_value v, int64_t min, int64_t *out) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return 0;
  if (t == napi_boolean) {
    bool b;
    if (napi_get_value_bool(env, v, &b) != napi_ok) return 0;
    *out = b ? 1 : 0;
    return 1;
  }
  double d;
  if (t != napi_number || napi_get_value_double(env, v, &d) != napi_ok || d != (double)(int64_t)d || d < (double)min ||
      d > (double)INT32_MAX) {
    napi_throw_range_error(env, NULL, "cpu-kernels: expected an integer size / flag in range");
    return 0;
  }
  *out = (int64_t)d;
  return 1;
}

static int arg_double(napi_env env, napi_value v, double *out) {
  if (napi_get_value_double(env, v, out) != napi_ok) {
    napi_throw_type_error(env, NULL, "cpu-kernels: expected a number");
    return 0;
  }
  return 1;
}

/* *out = a * b * ... (n factors, all >= 0); 0 on int64 overflow. */
static int mul_ok(int64_t *out, int n, const int64_t *f) {
  int64_t r = 1;
  for (int i = 0; i < n; i++)
    if (__builtin_mul_overflow(r, f[i], &r)) return 0;
  *out = r;
  return 1;
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
  int64_t batch, M, N, K, ta, tb;
  if (!arg_int(env, argv[3], 0, &batch) || !arg_int(env, argv[4], 0, &M) || !arg_int(env, argv[5], 0, &N) ||
      !arg_int(env, argv[6], 0, &K) || !arg_int(env, argv[7], 0, &ta) || !arg_int(env, argv[8], 0, &tb))
    return NULL;
  int32_t *ai = NULL, *bi = NULL;
  size_t lai = 0, lbi = 0;
  int hasAi = 0, hasBi = 0;
  if (argc > 9 && !arg_i32_array_or_null(env, argv[9], &ai, &lai, &hasAi)) return NULL;
  if (argc > 10 && !arg_i32_array_or_null(env, argv[10], &bi, &lbi, &hasBi)) return NULL;
  /* The index arrays are read for every output matrix: a short one would be read past its end. */
  if ((hasAi && (int64_t)lai < batch) || (hasBi && (int64_t)lbi < batch)) {
    napi_throw_range_error(env, NULL, "batchMatMul: batch index array shorter than the batch");
    return NULL;
  }
  const int64_t aMat = M * K, bMat = K * N, cMat = M * N; /* each factor <= INT32_MAX: no overflow */
  int64_t cTotal;
  if (!mul_ok(&cTotal, 2, (int64_t[]){batch, cMat}) || (int64_t)lc < cTotal) {
    napi_throw_range_error(env, NULL, "batchMatMul: output too small");
    return NULL;
  }
  if (cTotal == 0) return NULL; /* nothing to write (and CBLAS rejects zero leading dimensions) */
  if (K == 0) {
    memset(c, 0, sizeof(float) * (size_t)cTotal);
    return NULL;
  }
  const int64_t aCount = (int64_t)la / aMat, bCount = (int64_t)lb / bMat;
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

/*
 * Bias / PReLU weights hold one value per column or a single one, and PReLU needs its weights: anything else used to
 * read bias[0] (past the end of an empty array, or silently the wrong value) or dereference a null prelu.
 */
static int check_epilogue(napi_env env, int64_t cols, const float *bias, size_t lbias, int64_t act, const float *prelu,
                          size_t lprelu) {
  if (act < ACT_LINEAR || act > ACT_SIGMOID || (bias && lbias != 1 && (int64_t)lbias != cols) ||
      (act == ACT_PRELU && (!prelu || (lprelu != 1 && (int64_t)lprelu != cols)))) {
    napi_throw_range_error(env, NULL, "epilogue: bias / activation / prelu weights do not match the output");
    return 0;
  }
  return 1;
}

/* epilogue(y, rows, cols, bias|null, act, alpha, prelu|null) */
static napi_value Epilogue(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 7) {
    napi_throw_error(env, NULL, "epilogue: too few arguments");
    return NULL;
  }
  float *y, *bias, *prelu;
  size_t ly, lbias, lprelu;
  if (!arg_f32(env, argv[0], &y, &ly) || !arg_f32_or_null(env, argv[3], &bias, &lbias) ||
      !arg_f32_or_null(env, argv[6], &prelu, &lprelu))
    return NULL;
  int64_t rows, cols, act;
  double alpha;
  if (!arg_int(env, argv[1], 0, &rows) || !arg_int(env, argv[2], 0, &cols) || !arg_int(env, argv[4], 0, &act) ||
      !arg_double(env, argv[5], &alpha))
    return NULL;
  if ((int64_t)ly < rows * cols) {
    napi_throw_range_error(env, NULL, "epilogue: output too small");
    return NULL;
  }
  if (!check_epilogue(env, cols, bias, lbias, act, prelu, lprelu)) return NULL;
  epilogue(y, rows, cols, bias, (int64_t)lbias, (int)act, (float)alpha, prelu, (int64_t)lprelu);
  return NULL;
}

/* ---------------------------------------------------------------- convolution (NHWC) */

typedef struct {
  int64_t n, h, w, cin, oh, ow, cout, fh, fw, sh, sw, dh, dw, pt, pl;
} ConvGeom;

/* Sizes and paddings >= 0, strides and dilations >= 1. */
static int read_geom(napi_env env, napi_value *v, ConvGeom *g) {
  int64_t *f = &g->n;
  for (int i = 0; i < 15; i++)
    if (!arg_int(env, v[i], i >= 9 && i <= 12 ? 1 : 0, &f[i])) return 0;
  return 1;
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
 * Grow-only scratch buffer for the im2col matrix, one per Node environment (the main thread and each worker_thread
 * have their own, and an environment runs on one thread). Reusing it avoids a fresh multi-MB malloc per call, which
 * glibc serves with mmap: every call would page-fault the whole matrix in again (that cost more than the GEMM). It is
 * instance data, freed when its environment goes away (a thread-local buffer leaked with every exiting worker).
 */
typedef struct {
  float *buf;
  size_t len;
} Scratch;

static void free_scratch(napi_env env, void *data, void *hint) {
  Scratch *s = (Scratch *)data;
  free(s->buf);
  free(s);
}

static float *get_scratch(napi_env env, size_t floats) {
  Scratch *s = NULL;
  if (napi_get_instance_data(env, (void **)&s) != napi_ok || !s) return NULL;
  if (floats > s->len) {
    free(s->buf);
    s->buf = (float *)malloc(sizeof(float) * floats);
    s->len = s->buf ? floats : 0;
  }
  return s->buf;
}

static int64_t chunk_images(const ConvGeom *g) {
  int64_t per = g->oh * g->ow * g->fh * g->fw * g->cin;
  int64_t nb = per > 0 ? COL_LIMIT / per : g->n;
  if (nb < 1) nb = 1;
  if (nb > g->n) nb = g->n;
  return nb;
}

/* Buffer lengths against the geometry, in overflow-checked arithmetic; GEMM sizes must fit CBLAS' int. */
static int check_sizes(napi_env env, const ConvGeom *g, size_t lx, size_t lf, size_t ly) {
  int64_t nx, nf, ny, rows, k;
  if (!mul_ok(&nx, 4, (int64_t[]){g->n, g->h, g->w, g->cin}) || !mul_ok(&nf, 4, (int64_t[]){g->fh, g->fw, g->cin, g->cout}) ||
      !mul_ok(&ny, 4, (int64_t[]){g->n, g->oh, g->ow, g->cout}) || !mul_ok(&rows, 3, (int64_t[]){g->n, g->oh, g->ow}) ||
      !mul_ok(&k, 3, (int64_t[]){g->fh, g->fw, g->cin}) || rows > INT32_MAX || k > INT32_MAX ||
      (int64_t)lx < nx || (int64_t)lf < nf || (int64_t)ly < ny) {
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
  if (!read_geom(env, argv + 3, &g)) return NULL;
  if (!check_sizes(env, &g, lx, lf, ly)) return NULL;
  int64_t act = 0;
  double alpha = 0;
  if (argc >= 22) {
    if (!arg_f32_or_null(env, argv[18], &bias, &lbias) || !arg_f32_or_null(env, argv[21], &prelu, &lprelu) ||
        !arg_int(env, argv[19], 0, &act) || !arg_double(env, argv[20], &alpha))
      return NULL;
  }
  if (!check_epilogue(env, g.cout, bias, lbias, act, prelu, lprelu)) return NULL;
  const int64_t K = g.fh * g.fw * g.cin, P = g.oh * g.ow;
  if (g.n * P * g.cout == 0) return NULL;
  if (K == 0) {
    memset(y, 0, sizeof(float) * (size_t)(g.n * P * g.cout)); /* empty sum (CBLAS rejects K = 0 leading dims) */
  } else if (is_pointwise(&g)) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)(g.n * P), (int)g.cout, (int)K, 1.0f, x, (int)K, f,
                (int)g.cout, 0.0f, y, (int)g.cout);
  } else {
    int64_t nb = chunk_images(&g);
    float *col = get_scratch(env, (size_t)(nb * P * K));
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
  epilogue(y, g.n * P, g.cout, bias, (int64_t)lbias, (int)act, (float)alpha, prelu, (int64_t)lprelu);
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
  if (!read_geom(env, argv + 3, &g)) return NULL;
  if (!check_sizes(env, &g, ldx, lf, ldy)) return NULL;
  const int64_t K = g.fh * g.fw * g.cin, P = g.oh * g.ow;
  if (g.n * g.h * g.w * g.cin == 0) return NULL;
  if (P * g.cout * K == 0) {
    memset(dx, 0, sizeof(float) * (size_t)(g.n * g.h * g.w * g.cin));
    return NULL;
  }
  if (is_pointwise(&g)) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)(g.n * P), (int)K, (int)g.cout, 1.0f, dy, (int)g.cout, f,
                (int)g.cout, 0.0f, dx, (int)K);
    return NULL;
  }
  memset(dx, 0, sizeof(float) * g.n * g.h * g.w * g.cin);
  int64_t nb = chunk_images(&g);
  float *col = get_scratch(env, (size_t)(nb * P * K));
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
  if (!read_geom(env, argv + 3, &g)) return NULL;
  if (!check_sizes(env, &g, lx, ldw, ldy)) return NULL;
  const int64_t K = g.fh * g.fw * g.cin, P = g.oh * g.ow;
  if (K * g.cout == 0) return NULL;
  if (g.n * P == 0) {
    memset(dw, 0, sizeof(float) * (size_t)(K * g.cout));
    return NULL;
  }
  if (is_pointwise(&g)) {
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)K, (int)g.cout, (int)(g.n * P), 1.0f, x, (int)K, dy,
                (int)g.cout, 0.0f, dw, (int)g.cout);
    return NULL;
  }
  int64_t nb = chunk_images(&g);
  float *col = get_scratch(env, (size_t)(nb * P * K));
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
 * overflow (x > ln FLT_MAX) gives +inf, NaN stays NaN.
 */
static inline float exp_one(float x) {
  /* hi: the largest float whose exp is finite (the old bound, 127.5·ln2, gave +inf from 88.38 on). */
  const float hi = 88.72283172607422f, lo = -87.3365447505531f;
  float xc = x > hi ? hi : x;
  xc = xc < lo ? lo : xc;
  /* floor(t + ½) rather than a branch on the sign: the loop stays branch-free, so it vectorises */
  const float n = __builtin_floorf(xc * 1.44269504088896341f + 0.5f);
  const int32_t ni = (int32_t)n;
  float r = xc - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  /* 2^n in two factors: n reaches 128 near hi, one past the largest float exponent. */
  int32_t n1 = ni >> 1;
  int32_t bits1 = (n1 + 127) << 23, bits2 = (ni - n1 + 127) << 23;
  float s1, s2;
  memcpy(&s1, &bits1, sizeof s1);
  memcpy(&s2, &bits2, sizeof s2);
  float y = (p * s1) * s2;
  y = x > hi ? __builtin_inff() : y;
  y = x < lo ? 0.0f : y;
  return x != x ? x : y;
}

SIMD_CLONES static void exp_range(const float *restrict x, float *restrict y, int64_t n) {
  for (int64_t i = 0; i < n; i++) y[i] = exp_one(x[i]);
}

SIMD_CLONES static void exp_inplace(float *y, int64_t n) {
  for (int64_t i = 0; i < n; i++) y[i] = exp_one(y[i]);
}

/* tanh: (1 − e)/(1 + e) with e = exp(−2|x|), and its Taylor series near 0 where 1 − e cancels. */
SIMD_CLONES static void tanh_range(const float *x, float *y, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    const float a = x[i] < 0.0f ? -x[i] : x[i], e = exp_one(-2.0f * a), r = (1.0f - e) / (1.0f + e);
    const float x2 = x[i] * x[i], series = x[i] * (1.0f + x2 * (-1.0f / 3.0f + x2 * (2.0f / 15.0f)));
    y[i] = a < 0.0625f ? series : (x[i] < 0.0f ? -r : r);
  }
}

/* sigmoid from e = exp(−|x|): 1/(1 + e) or e/(1 + e), never exp of a large positive argument. */
SIMD_CLONES static void sigmoid_range(const float *x, float *y, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    const float e = exp_one(x[i] < 0.0f ? x[i] : -x[i]), inv = 1.0f / (1.0f + e);
    y[i] = x[i] >= 0.0f ? inv : e * inv;
  }
}

/* y = f(x) element-wise on the pool, for f in exp, tanh, sigmoid (y may be x). */
static napi_value run_unary(napi_env env, napi_callback_info info, const char *name, void (*f)(const float *, float *, int64_t)) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  float *x, *y;
  size_t lx, ly;
  if (argc < 2 || !arg_f32(env, argv[0], &x, &lx) || !arg_f32(env, argv[1], &y, &ly)) {
    if (argc < 2) napi_throw_error(env, NULL, "unary kernel: too few arguments");
    return NULL;
  }
  if (ly < lx) {
    char msg[64];
    snprintf(msg, sizeof msg, "%s: output too small", name);
    napi_throw_range_error(env, NULL, msg);
    return NULL;
  }
  const int64_t total = (int64_t)lx, block = 16384, blocks = (total + block - 1) / block;
  const int nt = pool_threads(total);
#pragma omp parallel for schedule(static) num_threads(nt)
  for (int64_t k = 0; k < blocks; k++) {
    const int64_t lo = k * block, hi = lo + block < total ? lo + block : total;
    f(x + lo, y + lo, hi - lo);
  }
  return NULL;
}

/* exp with its in-place case apart (exp_range's restrict pointers may not alias). */
static void exp_any(const float *x, float *y, int64_t n) {
  if (x == y)
    exp_inplace(y, n);
  else
    exp_range(x, y, n);
}

/* exp(x, y), tanh(x, y), sigmoid(x, y): y = f(x), element-wise. */
static napi_value Exp(napi_env env, napi_callback_info info) { return run_unary(env, info, "exp", exp_any); }
static napi_value Tanh(napi_env env, napi_callback_info info) { return run_unary(env, info, "tanh", tanh_range); }
static napi_value Sigmoid(napi_env env, napi_callback_info info) { return run_unary(env, info, "sigmoid", sigmoid_range); }

/*
 * Rows [r0, r1) of the sparse softmax cross-entropy, in three passes so that the exponentials run as one long
 * vectorised loop (rows are often a few classes wide): shifted logits z − max with loss[r] = −(z[label] − max), exp
 * over the block, then normalise per row.
 */
SIMD_CLONES static void softmax_ce_rows(const float *logits, const int32_t *labels, float *loss, float *grad, int64_t r0,
                                        int64_t r1, int64_t classes) {
  for (int64_t r = r0; r < r1; r++) {
    const float *z = logits + r * classes;
    float *g = grad + r * classes;
    float max = z[0];
    for (int64_t c = 1; c < classes; c++) max = z[c] > max ? z[c] : max;
    for (int64_t c = 0; c < classes; c++) g[c] = z[c] - max;
    const int32_t label = labels[r];
    loss[r] = label >= 0 && label < classes ? -g[label] : 0.0f;
  }
  exp_inplace(grad + r0 * classes, (r1 - r0) * classes);
  for (int64_t r = r0; r < r1; r++) {
    float *g = grad + r * classes;
    const int32_t label = labels[r];
    if (label < 0 || label >= classes) {
      memset(g, 0, sizeof(float) * (size_t)classes);
      continue;
    }
    float sum = 0.0f;
    for (int64_t c = 0; c < classes; c++) sum += g[c];
    const float inv = 1.0f / sum;
    for (int64_t c = 0; c < classes; c++) g[c] *= inv;
    g[label] -= 1.0f;
    loss[r] += logf(sum);
  }
}

/*
 * logf for x in [1, 2] that the compiler vectorises (Cephes-style: x = m·2^e with m in [√½, √2), degree-8
 * polynomial in m − 1). Used for log1p(u) = log(1 + u), u in (0, 1]: absolute error < 1e-7 (1 + u rounds).
 */
static inline float log_1to2(float x) {
  int32_t bits;
  memcpy(&bits, &x, sizeof bits);
  float e = (float)(((bits >> 23) & 0xff) - 126);
  bits = (bits & 0x807fffff) | 0x3f000000; /* mantissa in [0.5, 1) */
  float m;
  memcpy(&m, &bits, sizeof m);
  const int low = m < 0.707106781186547524f;
  e = low ? e - 1.0f : e;
  m = low ? m + m - 1.0f : m - 1.0f;
  const float z = m * m;
  float y = 7.0376836292e-2f;
  y = y * m - 1.1514610310e-1f;
  y = y * m + 1.1676998740e-1f;
  y = y * m - 1.2420140846e-1f;
  y = y * m + 1.4249322787e-1f;
  y = y * m - 1.6668057665e-1f;
  y = y * m + 2.0000714765e-1f;
  y = y * m - 2.4999993993e-1f;
  y = y * m + 3.3333331174e-1f;
  y = y * m * z;
  y += -2.12194440e-4f * e;
  y += -0.5f * z;
  return m + y + 0.693359375f * e;
}

static inline float pow_small(float base, int n) {
  float acc = 1.0f;
  for (int k = 0; k < n; k++) acc *= base;
  return acc;
}

/*
 * Elements [lo, hi) of the focal loss below, all of one sample (weight w); returns Σ of their loss terms (unscaled)
 * and writes scale·w·∂/∂x. From the logit, stably: with u = e^−|x|, log p = −(max(−x, 0) + log1p u),
 * log(1 − p) = −(max(x, 0) + log1p u). Inlined with constant α, β their powers unroll and the loop vectorises (the
 * simd pragma lets the sum be reassociated across lanes).
 */
static inline double focal_body(const float *restrict x, const float *restrict y, const float *restrict q,
                                float *restrict g, int64_t lo, int64_t hi, float w, float scale, int alpha, int beta) {
  double sum = 0;
#pragma omp simd reduction(+ : sum)
  for (int64_t i = lo; i < hi; i++) {
    const float xi = x[i], yi = y[i];
    const float u = exp_one(-fabsf(xi)), s = log_1to2(1.0f + u), inv = 1.0f / (1.0f + u);
    /* ternaries, not fmaxf: fmaxf's NaN rules keep the loop scalar */
    const float p = xi >= 0.0f ? inv : u * inv, logP = -((xi < 0.0f ? -xi : 0.0f) + s), log1mP = -((xi > 0.0f ? xi : 0.0f) + s);
    const int peak = q ? q[i] != 0.0f : yi == 1.0f; /* q is loop-invariant: the compiler unswitches it */
    const float a = pow_small(1.0f - p, alpha), b = pow_small(p, alpha), c = pow_small(1.0f - yi, beta);
    const float term = peak ? -a * logP : -c * b * log1mP;
    const float grad = peak ? a * (alpha * p * logP - (1.0f - p)) : c * b * (p - alpha * (1.0f - p) * log1mP);
    sum += (double)(w * term);
    g[i] = scale * w * grad;
  }
  return sum;
}

SIMD_CLONES static double focal_range_2_4(const float *restrict x, const float *restrict y, const float *restrict q,
                                          float *restrict g, int64_t lo, int64_t hi, float w, float scale) {
  return q ? focal_body(x, y, q, g, lo, hi, w, scale, 2, 4) : focal_body(x, y, NULL, g, lo, hi, w, scale, 2, 4);
}

/*
 * focalLoss(logits, target, peaks | null, weights | null, grad, loss, samples, alpha, beta, count): CenterNet's
 * penalty-reduced focal loss on heatmap logits against targets in [0, 1],
 *   loss[0] = −Σ w·[(1 − p)^α log p at peaks, (1 − y)^β p^α log(1 − p) elsewhere] / max(count, 1),
 * and grad = its gradient with respect to the logits, in one pass. Peaks: where peaks ≠ 0, or (null) where
 * target = 1; weights: one per sample (the logits split into `samples` equal parts), or null for 1; count < 0:
 * the number of peaks. tfjs' op chain for it is ~20 element-wise kernels forward and ~30 back.
 */
static napi_value FocalLoss(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 10) {
    napi_throw_error(env, NULL, "focalLoss: too few arguments");
    return NULL;
  }
  float *x, *y, *q, *w, *g, *loss;
  size_t lx, ly, lq, lw, lg, lloss;
  int64_t samples, alpha, beta;
  double count;
  if (!arg_f32(env, argv[0], &x, &lx) || !arg_f32(env, argv[1], &y, &ly) || !arg_f32_or_null(env, argv[2], &q, &lq) ||
      !arg_f32_or_null(env, argv[3], &w, &lw) || !arg_f32(env, argv[4], &g, &lg) || !arg_f32(env, argv[5], &loss, &lloss) ||
      !arg_int(env, argv[6], 1, &samples) || !arg_int(env, argv[7], 0, &alpha) || !arg_int(env, argv[8], 0, &beta) ||
      !arg_double(env, argv[9], &count))
    return NULL;
  const int64_t n = (int64_t)lx, per = n / samples;
  if (ly < lx || lg < lx || lloss < 1 || (q && lq < lx) || (w && lw < (size_t)samples) || per * samples != n || alpha > 16 ||
      beta > 16) {
    napi_throw_range_error(env, NULL, "focalLoss: buffers or sizes that do not match (or alpha / beta above 16)");
    return NULL;
  }
  if (count < 0) {
    int64_t peaks = 0;
    for (int64_t i = 0; i < n; i++) peaks += q ? q[i] != 0.0f : y[i] == 1.0f;
    count = (double)peaks;
  }
  const float scale = (float)(1.0 / (count > 1 ? count : 1));
  const int64_t block = 16384, blocks = (n + block - 1) / block;
  double *partial = (double *)calloc((size_t)(blocks > 0 ? blocks : 1), sizeof(double));
  if (!partial) {
    napi_throw_error(env, NULL, "focalLoss: out of memory");
    return NULL;
  }
  const int nt = pool_threads(n);
  const int fast = alpha == 2 && beta == 4;
#pragma omp parallel for schedule(static) num_threads(nt)
  for (int64_t k = 0; k < blocks; k++) {
    const int64_t lo = k * block, hi = lo + block < n ? lo + block : n;
    /* within a block, one run per sample (one weight) */
    for (int64_t a = lo; a < hi;) {
      const int64_t sample = a / per, b = (sample + 1) * per < hi ? (sample + 1) * per : hi;
      const float ws = w ? w[sample] : 1.0f;
      partial[k] += fast ? focal_range_2_4(x, y, q, g, a, b, ws, scale)
                         : focal_body(x, y, q, g, a, b, ws, scale, (int)alpha, (int)beta);
      a = b;
    }
  }
  double sum = 0;
  for (int64_t k = 0; k < blocks; k++) sum += partial[k];
  free(partial);
  loss[0] = (float)(sum * scale);
  return NULL;
}

/* x^e for an integer e, by squaring: the same multiplications for every element, so the loop vectorises. */
SIMD_CLONES static void pow_int_range(const float *restrict x, float *restrict y, int64_t n, int64_t e) {
  const int64_t m = e < 0 ? -e : e;
  for (int64_t i = 0; i < n; i++) {
    float base = x[i], acc = 1.0f;
    for (int64_t k = m; k > 0; k >>= 1) {
      if (k & 1) acc *= base;
      base *= base;
    }
    y[i] = e < 0 ? 1.0f / acc : acc;
  }
}

/*
 * powScalar(x, y, e): y = x^e element-wise for one exponent e, by squaring when e is an integer of magnitude ≤ 64
 * (focal losses' (1 − p)^γ, (1 − y)^β), powf otherwise. The wasm backend's Pow calls libm's pow per element.
 */
static napi_value PowScalar(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  float *x, *y;
  size_t lx, ly;
  double e;
  if (argc < 3 || !arg_f32(env, argv[0], &x, &lx) || !arg_f32(env, argv[1], &y, &ly) || !arg_double(env, argv[2], &e)) {
    if (argc < 3) napi_throw_error(env, NULL, "powScalar: too few arguments");
    return NULL;
  }
  if (ly < lx) {
    napi_throw_range_error(env, NULL, "powScalar: output too small");
    return NULL;
  }
  const int integer = e == (double)(int64_t)e && e >= -64 && e <= 64;
  const float ef = (float)e;
  const int64_t total = (int64_t)lx, block = 16384, blocks = (total + block - 1) / block;
  const int nt = pool_threads(total);
#pragma omp parallel for schedule(static) num_threads(nt)
  for (int64_t k = 0; k < blocks; k++) {
    const int64_t lo = k * block, hi = lo + block < total ? lo + block : total;
    if (integer) {
      pow_int_range(x + lo, y + lo, hi - lo, (int64_t)e);
    } else {
      for (int64_t i = lo; i < hi; i++) y[i] = powf(x[i], ef);
    }
  }
  return NULL;
}

/*
 * sparseSoftmaxCrossEntropy(logits, labels, loss, grad, rows, classes): per row r of logits [rows, classes],
 * loss[r] = logsumexp(logits[r]) - logits[r, labels[r]] and grad[r] = softmax(logits[r]) - onehot(labels[r]), the
 * gradient of loss[r]. A label outside [0, classes) (the ignore index -1) gives loss 0 and a zero gradient row. One
 * pass over the logits instead of tfjs' log-softmax, one-hot, product and sum chain and their gradients.
 */
static napi_value SparseSoftmaxCrossEntropy(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 6) {
    napi_throw_error(env, NULL, "sparseSoftmaxCrossEntropy: too few arguments");
    return NULL;
  }
  float *logits, *loss, *grad;
  int32_t *labels;
  size_t ll, llab, lloss, lgrad;
  int hasLabels;
  int64_t rows, classes;
  if (!arg_f32(env, argv[0], &logits, &ll) || !arg_i32_array_or_null(env, argv[1], &labels, &llab, &hasLabels) ||
      !arg_f32(env, argv[2], &loss, &lloss) || !arg_f32(env, argv[3], &grad, &lgrad) || !arg_int(env, argv[4], 0, &rows) ||
      !arg_int(env, argv[5], 1, &classes))
    return NULL;
  const size_t n = (size_t)(rows * classes);
  if (!hasLabels || llab < (size_t)rows || lloss < (size_t)rows || ll < n || lgrad < n) {
    napi_throw_range_error(env, NULL, "sparseSoftmaxCrossEntropy: buffers too small for rows x classes");
    return NULL;
  }
  {
    const int64_t total = rows, block = 512, blocks = (total + block - 1) / block;
    const int nt = pool_threads((int64_t)n);
#pragma omp parallel for schedule(static) num_threads(nt)
    for (int64_t k = 0; k < blocks; k++) {
      const int64_t lo = k * block, hi = lo + block < total ? lo + block : total;
      softmax_ce_rows(logits, labels, loss, grad, lo, hi, classes);
    }
  }
  return NULL;
}

/* ---------------------------------------------------------------- resizing (NHWC) and its adjoints */

/*
 * The taps come from the caller, which knows the alignCorners / halfPixelCenters convention: per output row / column
 * the source index (nearest), or the two source indices and the weight of the second (bilinear).
 */
typedef struct {
  float *src, *dst;
  int64_t batch, inH, inW, depth, outH, outW;
  const int32_t *rowLo, *rowHi, *colLo, *colHi;
  const float *rowFrac, *colFrac; /* bilinear only */
} Resize;

/*
 * Arguments (src, dst, batch, inH, inW, depth, outH, outW, then rowLo, rowHi, rowFrac, colLo, colHi, colFrac for
 * bilinear, rows, cols for nearest). `forward`: src is the image and dst the resized one; otherwise src is dy and dst
 * dx. Every tap is checked to lie inside the image.
 */
static int resize_error(napi_env env, const char *name, const char *what) {
  char msg[96];
  snprintf(msg, sizeof msg, "%s: %s", name, what);
  napi_throw_range_error(env, NULL, msg);
  return 0;
}

static int read_resize(napi_env env, napi_callback_info info, const char *name, int bilinear, int forward, Resize *r) {
  const size_t want = bilinear ? 14 : 10;
  size_t argc = 14;
  napi_value argv[14];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want)
    return resize_error(env, name, "too few arguments");
  size_t lsrc, ldst, l[6];
  int present[4];
  int32_t *taps[4];
  float *frac[2] = {NULL, NULL};
  if (!arg_f32(env, argv[0], &r->src, &lsrc) || !arg_f32(env, argv[1], &r->dst, &ldst) ||
      !arg_int(env, argv[2], 0, &r->batch) || !arg_int(env, argv[3], 1, &r->inH) || !arg_int(env, argv[4], 1, &r->inW) ||
      !arg_int(env, argv[5], 0, &r->depth) || !arg_int(env, argv[6], 0, &r->outH) || !arg_int(env, argv[7], 0, &r->outW))
    return 0;
  if (bilinear) {
    if (!arg_i32_array_or_null(env, argv[8], &taps[0], &l[0], &present[0]) ||
        !arg_i32_array_or_null(env, argv[9], &taps[1], &l[1], &present[1]) || !arg_f32(env, argv[10], &frac[0], &l[4]) ||
        !arg_i32_array_or_null(env, argv[11], &taps[2], &l[2], &present[2]) ||
        !arg_i32_array_or_null(env, argv[12], &taps[3], &l[3], &present[3]) || !arg_f32(env, argv[13], &frac[1], &l[5]))
      return 0;
  } else {
    if (!arg_i32_array_or_null(env, argv[8], &taps[0], &l[0], &present[0]) ||
        !arg_i32_array_or_null(env, argv[9], &taps[2], &l[2], &present[2]))
      return 0;
    taps[1] = taps[0], taps[3] = taps[2], l[1] = l[0], l[3] = l[2], present[1] = present[0], present[3] = present[2];
    l[4] = (size_t)r->outH, l[5] = (size_t)r->outW;
  }
  const size_t image = (size_t)(r->batch * r->inH * r->inW * r->depth), resized = (size_t)(r->batch * r->outH * r->outW * r->depth);
  if (!(present[0] && present[1] && present[2] && present[3]) || lsrc < (forward ? image : resized) ||
      ldst < (forward ? resized : image) || l[0] < (size_t)r->outH || l[1] < (size_t)r->outH || l[4] < (size_t)r->outH ||
      l[2] < (size_t)r->outW || l[3] < (size_t)r->outW || l[5] < (size_t)r->outW)
    return resize_error(env, name, "buffers too small for the shapes");
  for (int64_t i = 0; i < r->outH; i++)
    if (taps[0][i] < 0 || taps[1][i] < 0 || taps[0][i] >= r->inH || taps[1][i] >= r->inH)
      return resize_error(env, name, "row tap outside the image");
  for (int64_t i = 0; i < r->outW; i++)
    if (taps[2][i] < 0 || taps[3][i] < 0 || taps[2][i] >= r->inW || taps[3][i] >= r->inW)
      return resize_error(env, name, "column tap outside the image");
  r->rowLo = taps[0], r->rowHi = taps[1], r->colLo = taps[2], r->colHi = taps[3];
  r->rowFrac = frac[0], r->colFrac = frac[1];
  return 1;
}

/* Image b of a bilinear resize, as tfjs interpolates: top = tl + (tr − tl)·fc, out = top + (bottom − top)·fr. */
SIMD_CLONES static void resize_bilinear_image(const Resize *r, int64_t b) {
  const int64_t depth = r->depth, inW = r->inW;
  const float *x = r->src + b * r->inH * inW * depth;
  float *y = r->dst + b * r->outH * r->outW * depth;
  for (int64_t i = 0; i < r->outH; i++) {
    const float *top = x + r->rowLo[i] * inW * depth, *bottom = x + r->rowHi[i] * inW * depth;
    const float fr = r->rowFrac[i];
    for (int64_t j = 0; j < r->outW; j++, y += depth) {
      const float fc = r->colFrac[j];
      const float *tl = top + r->colLo[j] * depth, *tr = top + r->colHi[j] * depth;
      const float *bl = bottom + r->colLo[j] * depth, *br = bottom + r->colHi[j] * depth;
      for (int64_t d = 0; d < depth; d++) {
        const float t = tl[d] + (tr[d] - tl[d]) * fc, u = bl[d] + (br[d] - bl[d]) * fc;
        y[d] = t + (u - t) * fr;
      }
    }
  }
}

/* Image b of the bilinear adjoint: dx zeroed, then every dy element added to its four taps, weighted as forward. */
SIMD_CLONES static void resize_bilinear_grad_image(const Resize *r, int64_t b) {
  const int64_t depth = r->depth, inW = r->inW;
  const float *g = r->src + b * r->outH * r->outW * depth;
  float *dx = r->dst + b * r->inH * inW * depth;
  memset(dx, 0, sizeof(float) * (size_t)(r->inH * inW * depth));
  for (int64_t i = 0; i < r->outH; i++) {
    const int64_t top = r->rowLo[i] * inW, bottom = r->rowHi[i] * inW;
    const float fr = r->rowFrac[i];
    for (int64_t j = 0; j < r->outW; j++, g += depth) {
      const float fc = r->colFrac[j];
      float *tl = dx + (top + r->colLo[j]) * depth, *tr = dx + (top + r->colHi[j]) * depth;
      float *bl = dx + (bottom + r->colLo[j]) * depth, *br = dx + (bottom + r->colHi[j]) * depth;
      const float wTl = (1 - fr) * (1 - fc), wTr = (1 - fr) * fc, wBl = fr * (1 - fc), wBr = fr * fc;
      /* the four taps can be the same pixel (edges, lo == hi): sequential adds keep that exact */
      for (int64_t d = 0; d < depth; d++) tl[d] += g[d] * wTl;
      for (int64_t d = 0; d < depth; d++) tr[d] += g[d] * wTr;
      for (int64_t d = 0; d < depth; d++) bl[d] += g[d] * wBl;
      for (int64_t d = 0; d < depth; d++) br[d] += g[d] * wBr;
    }
  }
}

/* Image b of a nearest-neighbour resize: a copy of each source pixel's channels. */
static void resize_nearest_image(const Resize *r, int64_t b) {
  const int64_t depth = r->depth, inW = r->inW;
  const float *x = r->src + b * r->inH * inW * depth;
  float *y = r->dst + b * r->outH * r->outW * depth;
  for (int64_t i = 0; i < r->outH; i++) {
    const float *row = x + r->rowLo[i] * inW * depth;
    for (int64_t j = 0; j < r->outW; j++, y += depth) memcpy(y, row + r->colLo[j] * depth, sizeof(float) * (size_t)depth);
  }
}

/* Image b of its adjoint: dx zeroed, then every dy element added to the pixel it was copied from. */
SIMD_CLONES static void resize_nearest_grad_image(const Resize *r, int64_t b) {
  const int64_t depth = r->depth, inW = r->inW;
  const float *g = r->src + b * r->outH * r->outW * depth;
  float *dx = r->dst + b * r->inH * inW * depth;
  memset(dx, 0, sizeof(float) * (size_t)(r->inH * inW * depth));
  for (int64_t i = 0; i < r->outH; i++) {
    float *row = dx + r->rowLo[i] * inW * depth;
    for (int64_t j = 0; j < r->outW; j++, g += depth) {
      float *at = row + r->colLo[j] * depth;
      for (int64_t d = 0; d < depth; d++) at[d] += g[d];
    }
  }
}

/* Images are independent (each writes only its own output): the pool takes them in parallel. */
static napi_value run_resize(napi_env env, napi_callback_info info, const char *name, int bilinear, int forward,
                             void (*image)(const Resize *, int64_t)) {
  Resize r;
  if (!read_resize(env, info, name, bilinear, forward, &r)) return NULL;
  const int nt = r.batch > 1 ? pool_threads(r.batch * r.outH * r.outW * r.depth) : 1;
#pragma omp parallel for schedule(static) num_threads(nt)
  for (int64_t b = 0; b < r.batch; b++) image(&r, b);
  return NULL;
}

/* resizeBilinear(x, y, batch, inH, inW, depth, outH, outW, rowLo, rowHi, rowFrac, colLo, colHi, colFrac) */
static napi_value ResizeBilinear(napi_env env, napi_callback_info info) {
  return run_resize(env, info, "resizeBilinear", 1, 1, resize_bilinear_image);
}

/* resizeBilinearGrad(dy, dx, the same sizes and taps): the adjoint of resizeBilinear. */
static napi_value ResizeBilinearGrad(napi_env env, napi_callback_info info) {
  return run_resize(env, info, "resizeBilinearGrad", 1, 0, resize_bilinear_grad_image);
}

/* resizeNearest(x, y, batch, inH, inW, depth, outH, outW, rows, cols) */
static napi_value ResizeNearest(napi_env env, napi_callback_info info) {
  return run_resize(env, info, "resizeNearest", 0, 1, resize_nearest_image);
}

/* resizeNearestGrad(dy, dx, the same sizes and taps): the adjoint of resizeNearest. */
static napi_value ResizeNearestGrad(napi_env env, napi_callback_info info) {
  return run_resize(env, info, "resizeNearestGrad", 0, 0, resize_nearest_grad_image);
}

/* ---------------------------------------------------------------- LSTM recurrence */

/*
 * One step's gates from z [B, 4H] (i, f, g, o along 4H, Keras' order): s = σ(z) over all 4H (the g block unused), g =
 * tanh(z_g), c = f·c_prev + i·g (c_prev null: the first step), h = o·tanh(c).
 */
SIMD_CLONES static void lstm_gates(const float *z, const float *cPrev, float *s, float *g, float *c, float *h, int64_t B,
                                   int64_t H) {
  sigmoid_range(z, s, B * 4 * H);
  for (int64_t b = 0; b < B; b++) {
    const float *zb = z + b * 4 * H, *sb = s + b * 4 * H;
    tanh_range(zb + 2 * H, g + b * H, H);
    for (int64_t j = 0; j < H; j++) c[b * H + j] = sb[j] * g[b * H + j] + (cPrev ? sb[H + j] * cPrev[b * H + j] : 0.0f);
  }
  tanh_range(c, h, B * H);
  for (int64_t b = 0; b < B; b++)
    for (int64_t j = 0; j < H; j++) h[b * H + j] *= s[b * 4 * H + 3 * H + j];
}

/*
 * One step's gradient: from dh and dc (already including what flows back from the later step) the gradient of the
 * pre-activations dG [B, 4H] = [dc·g·i(1−i), dc·c_prev·f(1−f), dc·i(1−g²), dh·tanh(c)·o(1−o)], and dc·f for the
 * earlier step (into dcPrev, when not null). tc: scratch [B, H].
 */
SIMD_CLONES static void lstm_gates_grad(const float *s, const float *g, const float *c, const float *cPrev, const float *dh,
                                        float *dc, float *dG, float *dcPrev, float *tc, int64_t B, int64_t H) {
  tanh_range(c, tc, B * H);
  for (int64_t b = 0; b < B; b++) {
    const float *sb = s + b * 4 * H;
    float *d = dG + b * 4 * H;
    for (int64_t j = 0; j < H; j++) {
      const int64_t k = b * H + j;
      const float i = sb[j], f = sb[H + j], o = sb[3 * H + j], gg = g[k], t = tc[k];
      const float dck = dc[k] + dh[k] * o * (1.0f - t * t);
      dc[k] = dck;
      d[j] = dck * gg * i * (1.0f - i);
      d[H + j] = cPrev ? dck * cPrev[k] * f * (1.0f - f) : 0.0f;
      d[2 * H + j] = dck * i * (1.0f - gg * gg);
      d[3 * H + j] = dh[k] * t * o * (1.0f - o);
      if (dcPrev) dcPrev[k] = dck * f;
    }
  }
}

static int read_lstm_sizes(napi_env env, napi_value *argv, int64_t *L, int64_t *B, int64_t *H, int64_t *reverse) {
  return arg_int(env, argv[0], 1, L) && arg_int(env, argv[1], 1, B) && arg_int(env, argv[2], 1, H) &&
         arg_int(env, argv[3], 0, reverse);
}

/*
 * lstmForward(L, B, H, reverse, xw, wh, h, c, g, s): one LSTM direction over a time-major sequence, processed last
 * step first when `reverse`. xw [L, B, 4H] holds every step's input projection plus bias, wh [H, 4H] the recurrent
 * kernel; writes h, c, g [L, B, H] and s = σ(z) [L, B, 4H] per step (what lstmBackward reads), the recurrent GEMM
 * through cblas_sgemm. The tfjs op chain for it was about ten kernels per step.
 */
static napi_value LstmForward(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int64_t L, B, H, reverse;
  float *p[6];
  size_t l[6];
  if (argc < 10 || !read_lstm_sizes(env, argv, &L, &B, &H, &reverse)) {
    if (argc < 10) napi_throw_error(env, NULL, "lstmForward: too few arguments");
    return NULL;
  }
  for (int i = 0; i < 6; i++)
    if (!arg_f32(env, argv[4 + i], &p[i], &l[i])) return NULL;
  int64_t gates, states;
  if (!mul_ok(&gates, 4, (int64_t[]){L, B, 4, H}) || !mul_ok(&states, 3, (int64_t[]){L, B, H}) || l[0] < (size_t)gates ||
      l[1] < (size_t)(4 * H * H) || l[2] < (size_t)states || l[3] < (size_t)states || l[4] < (size_t)states ||
      l[5] < (size_t)gates) {
    napi_throw_range_error(env, NULL, "lstmForward: buffers too small for L x B x H");
    return NULL;
  }
  const float *xw = p[0], *wh = p[1];
  float *h = p[2], *c = p[3], *g = p[4], *s = p[5];
  float *z = (float *)malloc(sizeof(float) * (size_t)(B * 4 * H));
  if (!z) {
    napi_throw_error(env, NULL, "lstmForward: out of memory");
    return NULL;
  }
  const int64_t bh = B * H, b4h = B * 4 * H;
  for (int64_t k = 0; k < L; k++) {
    const int64_t t = reverse ? L - 1 - k : k, prev = reverse ? t + 1 : t - 1;
    memcpy(z, xw + t * b4h, sizeof(float) * (size_t)b4h);
    if (k > 0)
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)B, (int)(4 * H), (int)H, 1.0f, h + prev * bh, (int)H, wh,
                  (int)(4 * H), 1.0f, z, (int)(4 * H));
    lstm_gates(z, k > 0 ? c + prev * bh : NULL, s + t * b4h, g + t * bh, c + t * bh, h + t * bh, B, H);
  }
  free(z);
  return NULL;
}

/*
 * lstmBackward(L, B, H, reverse, dy, wh, s, g, c, dG): the gradient of lstmForward's h with respect to every step's
 * pre-activations z, dG [L, B, 4H], from dy = ∂loss/∂h [L, B, H] and the forward's s, g, c; the caller turns dG into
 * the weight and input gradients with single large GEMMs. Per step only dG·whᵀ (cblas_sgemm) and element-wise work.
 */
static napi_value LstmBackward(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int64_t L, B, H, reverse;
  float *p[6];
  size_t l[6];
  if (argc < 10 || !read_lstm_sizes(env, argv, &L, &B, &H, &reverse)) {
    if (argc < 10) napi_throw_error(env, NULL, "lstmBackward: too few arguments");
    return NULL;
  }
  for (int i = 0; i < 6; i++)
    if (!arg_f32(env, argv[4 + i], &p[i], &l[i])) return NULL;
  int64_t gates, states;
  if (!mul_ok(&gates, 4, (int64_t[]){L, B, 4, H}) || !mul_ok(&states, 3, (int64_t[]){L, B, H}) || l[0] < (size_t)states ||
      l[1] < (size_t)(4 * H * H) || l[2] < (size_t)gates || l[3] < (size_t)states || l[4] < (size_t)states ||
      l[5] < (size_t)gates) {
    napi_throw_range_error(env, NULL, "lstmBackward: buffers too small for L x B x H");
    return NULL;
  }
  const float *dy = p[0], *wh = p[1], *s = p[2], *g = p[3], *c = p[4];
  float *dG = p[5];
  const int64_t bh = B * H, b4h = B * 4 * H;
  /* dh, dc of the step being processed, then dc·f for the earlier one, and tanh(c) scratch */
  float *buf = (float *)malloc(sizeof(float) * (size_t)(4 * bh));
  if (!buf) {
    napi_throw_error(env, NULL, "lstmBackward: out of memory");
    return NULL;
  }
  float *dh = buf, *dc = buf + bh, *dcPrev = buf + 2 * bh, *tc = buf + 3 * bh;
  memset(dc, 0, sizeof(float) * (size_t)bh);
  for (int64_t k = L - 1; k >= 0; k--) {
    const int64_t t = reverse ? L - 1 - k : k, prev = reverse ? t + 1 : t - 1;
    /* dh = dy[t] + (dG of the later step)·whᵀ, computed into dh before this point for k < L − 1 */
    if (k == L - 1) {
      memcpy(dh, dy + t * bh, sizeof(float) * (size_t)bh);
    } else {
      for (int64_t i = 0; i < bh; i++) dh[i] += dy[t * bh + i];
    }
    lstm_gates_grad(s + t * b4h, g + t * bh, c + t * bh, k > 0 ? c + prev * bh : NULL, dh, dc, dG + t * b4h,
                    k > 0 ? dcPrev : NULL, tc, B, H);
    if (k > 0) {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)B, (int)H, (int)(4 * H), 1.0f, dG + t * b4h, (int)(4 * H),
                  wh, (int)(4 * H), 0.0f, dh, (int)H);
      memcpy(dc, dcPrev, sizeof(float) * (size_t)bh);
    }
  }
  free(buf);
  return NULL;
}

/* ---------------------------------------------------------------- row gather / scatter-add (embeddings) */

/*
 * gatherRows(x, indices, y, rows, cols): y[i, :] = x[indices[i], :] for a row-major rows × cols x (tf.gather on
 * axis 0: embedding lookups). Returns false, writing nothing, when an index is outside [0, rows) (the caller then
 * runs the backend's kernel, which reports it). The wasm backend's gather computes a full index per element.
 */
static napi_value GatherRows(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  float *x, *y;
  int32_t *idx;
  size_t lx, ly, li;
  int present;
  int64_t rows, cols;
  if (argc < 5 || !arg_f32(env, argv[0], &x, &lx) || !arg_i32_array_or_null(env, argv[1], &idx, &li, &present) ||
      !arg_f32(env, argv[2], &y, &ly) || !arg_int(env, argv[3], 0, &rows) || !arg_int(env, argv[4], 0, &cols)) {
    if (argc < 5) napi_throw_error(env, NULL, "gatherRows: too few arguments");
    return NULL;
  }
  int64_t nx, ny;
  if (!present || !mul_ok(&nx, 2, (int64_t[]){rows, cols}) || !mul_ok(&ny, 2, (int64_t[]){(int64_t)li, cols}) ||
      lx < (size_t)nx || ly < (size_t)ny) {
    napi_throw_range_error(env, NULL, "gatherRows: buffers too small for the shapes");
    return NULL;
  }
  napi_value result;
  for (size_t i = 0; i < li; i++)
    if (idx[i] < 0 || idx[i] >= rows) {
      CHECK(napi_get_boolean(env, false, &result));
      return result;
    }
  const int nt = pool_threads(ny);
#pragma omp parallel for schedule(static) num_threads(nt)
  for (int64_t i = 0; i < (int64_t)li; i++) memcpy(y + i * cols, x + (int64_t)idx[i] * cols, sizeof(float) * (size_t)cols);
  CHECK(napi_get_boolean(env, true, &result));
  return result;
}

/*
 * segmentSumRows(x, ids, out, n, cols, segments): out [segments, cols] zeroed, then out[ids[i], :] += x[i, :] for
 * i < n; ids outside [0, segments) are dropped, as in TensorFlow (the gradient of gatherRows).
 */
static napi_value SegmentSumRows(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  float *x, *out;
  int32_t *ids;
  size_t lx, lo, li;
  int present;
  int64_t n, cols, segments;
  if (argc < 6 || !arg_f32(env, argv[0], &x, &lx) || !arg_i32_array_or_null(env, argv[1], &ids, &li, &present) ||
      !arg_f32(env, argv[2], &out, &lo) || !arg_int(env, argv[3], 0, &n) || !arg_int(env, argv[4], 0, &cols) ||
      !arg_int(env, argv[5], 0, &segments)) {
    if (argc < 6) napi_throw_error(env, NULL, "segmentSumRows: too few arguments");
    return NULL;
  }
  int64_t nx, nout;
  if (!present || li < (size_t)n || !mul_ok(&nx, 2, (int64_t[]){n, cols}) || !mul_ok(&nout, 2, (int64_t[]){segments, cols}) ||
      lx < (size_t)nx || lo < (size_t)nout) {
    napi_throw_range_error(env, NULL, "segmentSumRows: buffers too small for the shapes");
    return NULL;
  }
  memset(out, 0, sizeof(float) * (size_t)nout);
  for (int64_t i = 0; i < n; i++) {
    const int32_t s = ids[i];
    if (s < 0 || s >= segments) continue;
    float *o = out + (int64_t)s * cols;
    const float *xi = x + i * cols;
    for (int64_t j = 0; j < cols; j++) o[j] += xi[j];
  }
  return NULL;
}

/* ---------------------------------------------------------------- reductions and optimizer steps */

/*
 * sumRows(x, out, rows, cols): out[c] = Σ_r x[r, c], the sum over the leading axes of a row-major tensor (the bias
 * gradient of a channels-last layer, a batch norm's Σ dy). tfjs' wasm Sum first transposes the reduced axes innermost
 * (a full strided copy); this streams x once. Each thread sums its rows in float partials of SUM_BLOCK rows, which
 * are added in double: the error stays that of a SUM_BLOCK-term float sum however many rows there are.
 */
#define SUM_BLOCK 64
/* Rows [r0, r1) of sumRows into acc (double), through float partials of SUM_BLOCK rows in part. */
SIMD_CLONES static void sum_rows_range(const float *restrict x, int64_t r0, int64_t r1, int64_t cols,
                                       float *restrict part, double *restrict acc) {
  for (int64_t b = r0; b < r1; b += SUM_BLOCK) {
    const int64_t e = b + SUM_BLOCK < r1 ? b + SUM_BLOCK : r1;
    memset(part, 0, sizeof(float) * (size_t)cols);
    for (int64_t r = b; r < e; r++) {
      const float *xr = x + r * cols;
      for (int64_t c = 0; c < cols; c++) part[c] += xr[c];
    }
    for (int64_t c = 0; c < cols; c++) acc[c] += part[c];
  }
}

static napi_value SumRows(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 4) {
    napi_throw_error(env, NULL, "sumRows: too few arguments");
    return NULL;
  }
  float *x, *out;
  size_t lx, lout;
  int64_t rows, cols, n;
  if (!arg_f32(env, argv[0], &x, &lx) || !arg_f32(env, argv[1], &out, &lout) || !arg_int(env, argv[2], 0, &rows) ||
      !arg_int(env, argv[3], 1, &cols))
    return NULL;
  if (!mul_ok(&n, 2, (int64_t[]){rows, cols}) || lx < (size_t)n || lout < (size_t)cols) {
    napi_throw_range_error(env, NULL, "sumRows: buffers too small for rows x cols");
    return NULL;
  }
  const int threads = pool_threads(n);
  double *acc = (double *)calloc((size_t)(threads * cols), sizeof(double));
  float *part = (float *)malloc(sizeof(float) * (size_t)(threads * cols));
  if (!acc || !part) {
    free(acc);
    free(part);
    napi_throw_error(env, NULL, "sumRows: out of memory");
    return NULL;
  }
  /* One range of rows per thread, each with its own partials and accumulators. */
  const int64_t per = (rows + threads - 1) / threads;
#pragma omp parallel for schedule(static) num_threads(threads)
  for (int t = 0; t < threads; t++) {
    const int64_t lo = t * per < rows ? t * per : rows, hi = lo + per < rows ? lo + per : rows;
    sum_rows_range(x, lo, hi, cols, part + t * cols, acc + t * cols);
  }
  for (int64_t c = 0; c < cols; c++) {
    double s = 0;
    for (int t = 0; t < threads; t++) s += acc[t * cols + c];
    out[c] = (float)s;
  }
  free(acc);
  free(part);
  return NULL;
}

typedef struct {
  float b1, c1, b2, c2, step, eps, l2, decay;
} AdamStep;

SIMD_CLONES static void adam_range(const AdamStep *h, const float *restrict w, const float *restrict g,
                                   const float *restrict m, const float *restrict v, float *restrict wOut,
                                   float *restrict mOut, float *restrict vOut, int64_t n) {
  const float b1 = h->b1, c1 = h->c1, b2 = h->b2, c2 = h->c2, step = h->step, eps = h->eps, l2 = h->l2, decay = h->decay;
  for (int64_t i = 0; i < n; i++) {
    const float gi = l2 != 0.0f ? g[i] + w[i] * l2 : g[i];
    const float mi = m[i] * b1 + gi * c1;
    const float vi = v[i] * b2 + (gi * gi) * c2;
    float u = (mi * step) / (sqrtf(vi) + eps);
    u = decay != 0.0f ? u + w[i] * decay : u;
    mOut[i] = mi;
    vOut[i] = vi;
    wOut[i] = w[i] - u;
  }
}

/*
 * adamUpdate(w, g, m, v, wOut, mOut, vOut, beta1, beta2, stepSize, epsHat, l2, decay): one Adam(W) step in one pass,
 * in float32 and in the order core's Optimizer writes it with tfjs ops:
 *   g' = g + l2·w,  m' = β1·m + (1 − β1)·g',  v' = β2·v + (1 − β2)·g'²,  w' = w − (stepSize·m' / (√v' + epsHat) + decay·w).
 * Eleven element-wise kernels (eleven passes over every parameter) become one.
 */
static napi_value AdamUpdate(napi_env env, napi_callback_info info) {
  size_t argc = 13;
  napi_value argv[13];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 13) {
    napi_throw_error(env, NULL, "adamUpdate: too few arguments");
    return NULL;
  }
  float *p[7];
  size_t l[7];
  for (int i = 0; i < 7; i++)
    if (!arg_f32(env, argv[i], &p[i], &l[i])) return NULL;
  double hp[6];
  for (int i = 0; i < 6; i++)
    if (!arg_double(env, argv[7 + i], &hp[i])) return NULL;
  const size_t n = l[0];
  for (int i = 1; i < 7; i++)
    if (l[i] < n) {
      napi_throw_range_error(env, NULL, "adamUpdate: buffers shorter than the parameter");
      return NULL;
    }
  const AdamStep h = {(float)hp[0], (float)(1 - hp[0]), (float)hp[1], (float)(1 - hp[1]),
                      (float)hp[2], (float)hp[3], (float)hp[4], (float)hp[5]};
  {
    const int64_t total = (int64_t)n, block = 16384, blocks = (total + block - 1) / block;
    const int nt = pool_threads((int64_t)n);
#pragma omp parallel for schedule(static) num_threads(nt)
    for (int64_t k = 0; k < blocks; k++) {
      const int64_t lo = k * block, hi = lo + block < total ? lo + block : total;
      adam_range(&h, p[0] + lo, p[1] + lo, p[2] + lo, p[3] + lo, p[4] + lo, p[5] + lo, p[6] + lo, hi - lo);
    }
  }
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
#ifdef POLYTASK_ONEDNN
  if (!polytask_onednn_info(env, obj)) {
    napi_throw_error(env, NULL, "cpu-kernels: N-API call failed");
    return NULL;
  }
#else
  CHECK(napi_get_null(env, &v));
  CHECK(napi_set_named_property(env, obj, "onednn", v));
#endif
  return obj;
}

static napi_value SetThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int64_t threads;
  if (argc < 1 || !arg_int(env, argv[0], 1, &threads)) {
    if (argc < 1) napi_throw_error(env, NULL, "setThreads: too few arguments");
    return NULL;
  }
  if (openblas_set_num_threads) openblas_set_num_threads((int)threads);
#ifdef _OPENMP
  omp_set_num_threads((int)threads); /* oneDNN's pool and the loops above */
#endif
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
      {"powScalar", NULL, PowScalar, NULL, NULL, NULL, napi_default, NULL},
      {"tanh", NULL, Tanh, NULL, NULL, NULL, napi_default, NULL},
      {"sigmoid", NULL, Sigmoid, NULL, NULL, NULL, napi_default, NULL},
      {"focalLoss", NULL, FocalLoss, NULL, NULL, NULL, napi_default, NULL},
      {"resizeBilinear", NULL, ResizeBilinear, NULL, NULL, NULL, napi_default, NULL},
      {"resizeBilinearGrad", NULL, ResizeBilinearGrad, NULL, NULL, NULL, napi_default, NULL},
      {"resizeNearest", NULL, ResizeNearest, NULL, NULL, NULL, napi_default, NULL},
      {"resizeNearestGrad", NULL, ResizeNearestGrad, NULL, NULL, NULL, napi_default, NULL},
      {"sparseSoftmaxCrossEntropy", NULL, SparseSoftmaxCrossEntropy, NULL, NULL, NULL, napi_default, NULL},
      {"sumRows", NULL, SumRows, NULL, NULL, NULL, napi_default, NULL},
      {"lstmForward", NULL, LstmForward, NULL, NULL, NULL, napi_default, NULL},
      {"lstmBackward", NULL, LstmBackward, NULL, NULL, NULL, napi_default, NULL},
      {"gatherRows", NULL, GatherRows, NULL, NULL, NULL, napi_default, NULL},
      {"segmentSumRows", NULL, SegmentSumRows, NULL, NULL, NULL, napi_default, NULL},
      {"adamUpdate", NULL, AdamUpdate, NULL, NULL, NULL, napi_default, NULL},
      {"info", NULL, Info, NULL, NULL, NULL, napi_default, NULL},
      {"setThreads", NULL, SetThreads, NULL, NULL, NULL, napi_default, NULL},
  };
  CHECK(napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props));
#ifdef POLYTASK_ONEDNN
  if (!polytask_onednn_register(env, exports)) {
    napi_throw_error(env, NULL, "cpu-kernels: N-API call failed");
    return NULL;
  }
#endif
  Scratch *s = (Scratch *)calloc(1, sizeof(Scratch));
  if (!s) {
    napi_throw_error(env, NULL, "cpu-kernels: out of memory");
    return NULL;
  }
  if (napi_set_instance_data(env, s, free_scratch, NULL) != napi_ok) {
    free(s);
    napi_throw_error(env, NULL, "cpu-kernels: N-API call failed");
    return NULL;
  }
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
